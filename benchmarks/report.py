"""Write the book's benchmark page (book/benchmarks.md) from benchmarks/results.json.

Also from benchmarks/widget_results.json (widget updates) and benchmarks/page_results.json
(page weight and render time in Chromium, from benchmarks/pages.py), when they exist.

python benchmarks/report.py            # regenerate the page
python benchmarks/report.py --check    # exit 1 if the page is out of date (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
WIDGETS = ROOT / "benchmarks" / "widget_results.json"
PAGES = ROOT / "benchmarks" / "page_results.json"
PAGE = ROOT / "book" / "benchmarks.md"

WORKLOADS = {
    "W1": "digits (1797 x 64), 64-64-10 ReLU, softmax cross-entropy, Adam lr 1e-3 "
    "(eps 1e-10), batch 32, 20 epochs",
    "W2": "synthetic MNIST-shaped data (60000 x 784, float32), 784-256-128-10 ReLU, Adam lr "
    "1e-3, batch 128, 1 epoch",
    "W3": "two moons (300 points, noise 0.1), 2-16-16-1 ReLU, full-batch gradient descent "
    "lr 0.1, 2000 steps",
}

INTRO = """(benchmarks)=
# Benchmarks

nbcore is written to be read, but a reader should also know what it costs. This page compares it
with scikit-learn's `MLPClassifier` and PyTorch on the CPU, training **the same network from the
same initial weights on the same data in the same order** (no shuffling), so that the final losses
must agree and only the time differs. The numbers come from `benchmarks/results.json`, written by
`make bench` (`benchmarks/run.py`); this page is generated from that file by
`benchmarks/report.py`, and a test fails if the two disagree.

How it is measured: every implementation runs single-threaded (BLAS and PyTorch), the
implementations are interleaved in one run (each round runs every one of them once, in a
rotating order) and the median of the rounds is reported; a ratio ("x nbcore f32") is the median
of the per-round ratios, since both runs of a round see the same load on a shared machine. Times
are CPU seconds of the process, which other programs on a shared machine disturb far less than
wall-clock time. "Final loss" is the cost of the trained
weights on the whole training set, computed by the same float64 function for every library.
"GEMM floor" is the time NumPy spends on the matrix products alone for the same shapes and
number of steps (measured in every round, next to the runs; the fraction is again a median of
per-round ratios): no implementation can be faster than that.
"""

PERF_NOTES = """
## Performance notes

What makes nbcore fast without making the chapter-level code harder to read:

- **One flat vector for the parameters.** A `Sequential` stores the values and gradients of all
  its parameters end to end in two vectors, and every `W.data` / `W.grad` is a view into them
  (`nbcore/_flat.py`, which a reader can skip). An optimizer's formula (`update(g)`) then runs once
  on the whole gradient vector, `step()` is `theta -= update(g)` and `zero_grad()` one call. For
  small networks a NumPy call costs more than the arithmetic it does, so a dozen calls per step
  instead of a dozen per parameter is most of the speed-up. Parameters that are not packed (your
  own `Parameter`, or one given a new array) take a slower path that copies the gradients into a
  vector first; the numbers are the same (a test checks bit-for-bit equality).
- **No temporaries in the updates.** The optimizers write into one reusable scratch vector with
  `out=`; Adam takes 12 passes over the parameters, with the bias corrections moved into two
  scalars (the same formula as PyTorch's, rearranged).
- **float32 end to end.** A float32 model keeps float32 through every layer, loss and optimizer;
  the data set is not copied (`astype(..., copy=False)`), and batches are slices (views) when
  there is no shuffling.
- **No gradient for the input.** `train` does not compute dL/dX for the first layer
  (training never needs it); `model.backward(dY)` itself always returns it.
- **Fused softmax cross-entropy.** `CrossEntropyLoss` computes the softmax once, in place, and its
  gradient as `(P - Y) / m`, without building a one-hot matrix for integer labels.
- **Cheap checks.** Every bad input still gets a clear message, but the common case costs a few
  comparisons: an array of the right dtype and shape passes at once, the NaN scan is one
  reduction (`X.min()`, which is NaN exactly when some entry is), and inside a `Sequential` only
  the first Dense layer scans (its `nan_check`; NaN is checked where data enter, and again by the
  losses).
- **Checked once, then lean.** `train` runs every check on every batch in its first epoch. Later
  epochs repeat the same computation on the same data, so they call the unchecked
  `_forward` / `_backward` of the model and the loss (the formulas, without the input checks)
  when nothing needs converting (X already of the model's dtype, targets integer labels or
  floats of that dtype). If a later loss comes out NaN, that batch's loss is recomputed with the
  checks, which report it exactly as the first epoch would. A test trains every loss both ways
  and compares the weights bit for bit.
- **W stored column by column.** `Dense` keeps W (shape `(n_out, n_in)`, as in PyTorch) in
  Fortran order, so `W.T` is an ordinary row-by-row matrix and the forward product `X @ W.T` is
  the layout OpenBLAS multiplies fastest (on W2, 784 x 256, it is clearly faster than the
  transposed read of a row-by-row W). Its gradient is built as `(X.T @ dZ).T`, the same
  matrix `dZ.T @ X` already in W's layout, so `W.grad +=` is one contiguous pass. Nothing else
  changes: shapes, indexing (`W.data[j, i]`) and printing are the same; only code that writes
  through `W.data.reshape(-1)` would notice (that is a copy for such an array, so write
  `W.data[i, j]`, as `numerical_gradient` does).
- **NumPy's fast loops.** `dZ.sum(axis=0)` is computed as `ones @ dZ` with a cached vector of
  ones (the same sum, about three times faster for tall matrices), and ReLU takes
  `np.maximum(Z, zeros)` against a cached array of zeros: NumPy's array-array loop for `maximum`
  is vectorised, its array-scalar loop about 2.5x slower (the numbers are the same).
"""


def _loss_spread(rows: dict) -> float:
    """The largest relative difference of a final loss from nbcore float32's."""
    ref = rows["nbcore f32"]["final_loss"]
    return max(abs(r["final_loss"] - ref) / ref for r in rows.values())


def render_ratios(results: dict) -> list[str]:
    """The ratios the project's targets are stated in, one row per workload."""
    lines = [
        "",
        "## Ratios",
        "",
        "Targets: nbcore float32 at most 0.25x PyTorch's time on W1 and W3 and 0.8x on W2, at "
        "least 50 % of the GEMM floor on W2, at least 2x faster than scikit-learn, float64 "
        "within 1.5x of float32, and final losses within $10^{-3}$ (relative) on W1 and W3.",
        "",
        "| workload | nbcore f32 / torch | sklearn / nbcore f32 | nbcore f64 / f32 "
        "| GEMM floor / nbcore f32 | largest loss difference |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, entry in results["workloads"].items():
        rows = entry["rows"]
        torch = rows.get("torch f32", {}).get("ratio_to_nbcore_f32")
        f64 = rows.get("nbcore f64", {}).get("ratio_to_nbcore_f32")
        gemm = entry.get("gemm_fraction_nbcore_f32")
        cells = [
            f"{1 / torch:.2f}" if torch else "n/a",
            f"{rows['sklearn f32']['ratio_to_nbcore_f32']:.2f}x",
            f"{f64:.2f}" if f64 else "n/a",
            f"{100 * gemm:.0f} %" if gemm else "n/a",
            f"{_loss_spread(rows):.1e}",
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    w2 = results["workloads"].get("W2", {})
    if "adam_seconds_per_epoch" in w2:
        half = w2["rows"]["sklearn f32"]["per_epoch"] / 2
        floor, adam = w2["gemm_seconds_per_epoch"], w2["adam_seconds_per_epoch"]
        if half <= floor:
            budget = f"less than the matrix products alone take ({floor:.3f} s, the GEMM floor)"
        else:
            budget = (
                f"which leaves {half - floor:.3f} s beyond the matrix products (the GEMM floor, "
                f"{floor:.3f} s) for the bias additions, ReLUs, softmax and optimizer"
            )
        lines += [
            "",
            f"On W2, 2x faster than scikit-learn means {half:.3f} s per epoch, {budget}. The Adam "
            f"updates of nbcore's {w2['parameters']:,} parameters alone take {adam:.3f} s "
            f"({1000 * adam / w2['steps']:.2f} ms for each of the {w2['steps']} steps, 12 passes "
            "over the parameters), and scikit-learn itself spends "
            f"{w2['rows']['sklearn f32']['per_epoch'] - floor:.3f} s outside the products: that "
            "target is out of reach for an implementation that does the same arithmetic with "
            "NumPy.",
        ]
    return lines


def gemm_rate(entry: dict) -> str:
    """ " (60.4 GFLOP at 94 GFLOP/s)" for the GEMM floor, when the run recorded its FLOP count."""
    flop = entry.get("gemm_flop_per_epoch")
    if not flop:
        return ""
    return (
        f" ({flop / 1e9:.1f} GFLOP at {flop / entry['gemm_seconds_per_epoch'] / 1e9:.0f} GFLOP/s)"
    )


def render_checks(entry: dict) -> list[str]:
    """The sentences that explain the final losses that differ (see run.py)."""
    lines = []
    if "eps_rule_check" in entry:
        check = entry["eps_rule_check"]
        ours, sk = check["nbcore f32"], check["sklearn f32"]
        rule = check["nbcore f32, scikit-learn's rule"]
        if entry["eps"] != check["eps"]:
            why = (
                f"This is why this workload sets eps = {entry['eps']:g} in every library: with "
                "eps that small both formulas take the same steps (up to rounding), so the "
                "implementations must reach the same loss, and they do (table above)."
            )
        else:
            why = "The table above uses this eps."
        lines += [
            "",
            "Adam's $\\epsilon$: scikit-learn adds it to $\\sqrt{v}$, PyTorch and nbcore to "
            "$\\sqrt{\\hat v}$ (chapter 7). With the libraries' default "
            f"$\\epsilon = 10^{{-8}}$ that changes the steps of weights whose gradients are tiny, "
            f"and the final losses differ: nbcore {ours:.8f}, scikit-learn {sk:.8f} (relative "
            f"difference {abs(ours - sk) / sk:.1e}). The rule is the whole difference: nbcore "
            f"with scikit-learn's rule reaches {rule:.8f} (relative difference "
            f"{abs(rule - sk) / sk:.1e} from scikit-learn). " + why,
        ]
    if "float64_final_losses" in entry:
        losses = entry["float64_final_losses"]
        shown = " and ".join(f"{k} {v:.12f}" for k, v in losses.items())
        lines += [
            "",
            "In float32 the W2 runs drift apart. Float32 rounding of a 784-term sum is about "
            "$2 \\times 10^{-6}$ (the same size in every library), so a pre-activation that "
            "close to 0 can come out with the other sign in one library and switch a ReLU unit "
            "on or off; from there the trajectories separate. Trained in float64, the "
            f"implementations follow the same path: final losses {shown}.",
        ]
    return lines


def render_widgets(widgets: dict) -> list[str]:
    lines = [
        "",
        "## Widget updates",
        "",
        "CPU time of one update of each live widget (set one control, run the callback: numbers,",
        "figure and PNG), measured by `benchmarks/widgets.py`; the target is a median of 30 ms.",
        "",
        "| chapter and widget | control | median (ms) | 90th percentile (ms) | updates |",
        "|---|---|---:|---:|---:|",
    ]
    for name, r in widgets.items():
        widget = " ".join(name.split()[:2])
        lines.append(
            f"| {widget} | `{r['control']}` | {r['median_ms']:.1f} | {r['p90_ms']:.1f} "
            f"| {r['updates']} |"
        )
    return lines


def render_pages(pages: dict) -> list[str]:
    """Bytes, requests and throttled render time of the intro page and every chapter."""
    rows = pages["pages"]
    intro = next(iter(rows.values()))
    lines = [
        "",
        "## Page weight and render time",
        "",
        f"Each page loaded in headless Chromium at {pages['viewport']['width']} px with an empty "
        "cache, served from this machine (`benchmarks/pages.py`): bytes transferred (images "
        "below the fold load lazily, so they are not counted), requests, and the time until the "
        "page shows its math and its first figure with the CPU throttled "
        f"{pages['cpu_throttling']}x (median of {pages['runs']} loads). Budget: a chapter "
        "transfers at most 1.5 MB more than the intro page (a test checks it) and renders "
        "within 6 s. The formulas at the top of each page are typeset when the book is built; "
        "the last column is the time until MathJax, loaded once the page is shown, has read "
        "every other formula of the page (typeset in idle time, or when scrolled to).",
        "",
        "| page | MB | more than intro (MB) | requests | render, CPU / "
        f"{pages['cpu_throttling']} (s) | all formulas read (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        extra = (r["bytes"] - intro["bytes"]) / 1e6
        lines.append(
            f"| {name.split('/')[-1]} | {r['bytes'] / 1e6:.2f} | {extra:+.2f} | {r['requests']} "
            f"| {r['render_s_throttled']:.1f} | {r.get('all_math_s_throttled', float('nan')):.1f} |"
        )
    return lines


def render(results: dict, widgets: dict | None = None, pages: dict | None = None) -> str:
    m = results["machine"]
    lines = [INTRO, "## Machine and versions", ""]
    versions = ", ".join(f"{k} {m[k]}" for k in ("python", "numpy", "sklearn", "torch") if k in m)
    lines.append(
        f"{m.get('cpu_count', '?')} cores ({m.get('machine', '?')}), {m.get('threads', 1)} thread "
        f"per implementation; {versions}; {results['repeats']} interleaved rounds."
    )
    if "note" in results:
        lines += ["", results["note"]]
    for name, entry in results["workloads"].items():
        lines += ["", f"## {name}: {WORKLOADS.get(name, '')}", ""]
        lines.append(
            "| implementation | CPU s | per step (ms) | x nbcore f32 | final loss "
            "| accuracy | peak memory (MiB) |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for impl, r in entry["rows"].items():
            mem = f"{r['peak_mib']:.0f}" if "peak_mib" in r else "n/a"
            lines.append(
                f"| {impl} | {r['seconds']:.3f} | {1000 * r['per_step']:.3f} "
                f"| {r['ratio_to_nbcore_f32']:.2f} | {r['final_loss']:.6f} "
                f"| {r['accuracy']:.4f} | {mem} |"
            )
        if "gemm_fraction_nbcore_f32" in entry:
            lines += [
                "",
                f"GEMM floor: {entry['gemm_seconds_per_epoch']:.3f} s per epoch{gemm_rate(entry)}, "
                f"that is {100 * entry['gemm_fraction_nbcore_f32']:.0f} % of nbcore's float32 "
                "time.",
            ]
        lines += render_checks(entry)
    lines += render_ratios(results)
    if widgets:
        lines += render_widgets(widgets)
    if pages:
        lines += render_pages(pages)
    lines.append(PERF_NOTES)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    widgets = json.loads(WIDGETS.read_text()) if WIDGETS.exists() else None
    pages = json.loads(PAGES.read_text()) if PAGES.exists() else None
    page = render(json.loads(RESULTS.read_text()), widgets, pages)
    if args.check:
        if PAGE.read_text() != page:
            print(f"{PAGE} is out of date: run python benchmarks/report.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page)
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
