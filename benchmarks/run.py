"""Benchmark: the same MLP, same initial weights, same data, trained by nbcore, scikit-learn's
MLPClassifier and (when installed) PyTorch on the CPU, interleaved in one run.

Every library runs single-threaded (BLAS and PyTorch), so the ratios compare implementations,
not thread counts. Times are CPU seconds of this process (``time.process_time``), which other
programs running on the machine disturb far less than wall-clock time; for one thread they are
the same thing on an idle machine. Usage::

    python benchmarks/run.py            # full run, writes benchmarks/results.json
    python benchmarks/run.py --quick    # tiny sizes, a smoke test (used by the test suite)

Workloads (issue "nbcore fast as well as readable"):
    W1  digits 1797x64, 64-64-10 ReLU, softmax cross-entropy, Adam lr 1e-3 (eps 1e-10), batch 32,
        20 epochs
    W2  synthetic MNIST-shaped 60000x784 float32, 784-256-128-10 ReLU, Adam, batch 128, 1 epoch
    W3  two moons (300, noise 0.1), 2-16-16-1 ReLU, full-batch gradient descent, 2000 steps
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import nbcore as nc  # noqa: E402

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- workloads
def workload(name, quick=False):
    """Data, layer sizes and training settings of a workload."""
    rng = np.random.default_rng(0)
    if name == "W1":
        X, y = nc.load_digits()
        X = X / 16.0
        if quick:
            X, y = X[:256], y[:256]
        return dict(
            X=X,
            y=y,
            sizes=[64, 64, 10],
            opt="adam",
            lr=1e-3,
            eps=1e-10,  # Adam's eps (1e-8 is where the libraries' Adam formulas differ: see main)
            batch=32,
            epochs=2 if quick else 20,
            task="multiclass",
        )
    if name == "W2":
        m = 2048 if quick else 60000
        X = rng.random((m, 784), dtype=np.float32)
        teacher = rng.standard_normal((784, 10)).astype(np.float32)
        y = np.argmax((X - 0.5) @ teacher, axis=1)
        return dict(
            X=X,
            y=y,
            sizes=[784, 256, 128, 10],
            opt="adam",
            lr=1e-3,
            eps=1e-8,
            batch=128,
            epochs=1,
            task="multiclass",
        )
    if name == "W3":
        X, y = nc.make_moons(300, noise=0.1, rng=rng)
        return dict(
            X=X,
            y=y,
            sizes=[2, 16, 16, 1],
            opt="sgd",
            lr=0.1,
            batch=None,
            epochs=200 if quick else 2000,
            task="binary",
        )
    raise ValueError(name)


def initial_weights(sizes):
    """He-initialised (W, b) pairs shared by every implementation (W of shape (n_out, n_in))."""
    model = nc.MLP(sizes, "relu", rng=np.random.default_rng(42))
    return [(layer.W.data.copy(), layer.b.data.copy()) for layer in model if hasattr(layer, "W")]


def final_loss(weights, X, y, task):
    """The cost of trained weights on the whole training set, computed the same way for all."""
    A = X.astype(np.float64)
    for i, (W, b) in enumerate(weights):
        A = A @ np.asarray(W, np.float64).T + np.asarray(b, np.float64)
        if i < len(weights) - 1:
            A = np.maximum(A, 0)
    if task == "binary":
        loss = nc.binary_cross_entropy_with_logits(A, y[:, None].astype(float))
        acc = float(np.mean((A[:, 0] > 0) == y))
    else:
        loss = nc.cross_entropy(A, y)
        acc = float(np.mean(A.argmax(axis=1) == y))
    return loss, acc


# ---------------------------------------------------------------- implementations
class SklearnAdam(nc.Adam):
    """scikit-learn's Adam, for the convention check only: the bias corrections are folded into
    the learning rate and eps is added to sqrt(v), not to sqrt(v_hat) (chapter 7), i.e.
    lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), step = lr_t m / (sqrt(v) + eps)."""

    def update(self, g):
        b1, b2 = self.betas
        m, v = self._vectors("m", "v")  # the flat state vectors (zeros at the first step)
        self.t += 1
        tmp = self._tmp
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        lr_t = self.lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= lr_t
        return tmp


def run_nbcore(w, weights, dtype, optimizer=None):
    X = w["X"].astype(dtype, copy=False)
    model = nc.MLP(w["sizes"], "relu", dtype=dtype)
    for layer, (W, b) in zip([la for la in model if hasattr(la, "W")], weights, strict=True):
        layer.W.data[...] = W
        layer.b.data[...] = b
    if w["task"] == "binary":
        Y, loss_fn = w["y"][:, None].astype(dtype), nc.BCEWithLogitsLoss()
    else:
        Y, loss_fn = w["y"], nc.CrossEntropyLoss()
    if optimizer is not None:
        opt = optimizer(model.parameters(), lr=w["lr"], eps=w["eps"])
    elif w["opt"] == "adam":
        opt = nc.Adam(model.parameters(), lr=w["lr"], eps=w["eps"])
    else:
        opt = nc.SGD(model.parameters(), lr=w["lr"])
    t0 = time.process_time()
    nc.train(
        model,
        loss_fn,
        opt,
        X,
        Y,
        epochs=w["epochs"],
        batch_size=w["batch"],
        shuffle=False,
        progress=False,
    )
    elapsed = time.process_time() - t0
    return elapsed, [(la.W.data, la.b.data) for la in model if hasattr(la, "W")]


def run_sklearn(w, weights, dtype):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X = w["X"].astype(dtype, copy=False)
    m = X.shape[0]
    common = dict(
        hidden_layer_sizes=tuple(w["sizes"][1:-1]),
        activation="relu",
        alpha=0.0,
        batch_size=w["batch"] or m,
        learning_rate_init=w["lr"],
        shuffle=False,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    if w["opt"] == "adam":
        clf = MLPClassifier(solver="adam", epsilon=w["eps"], **common)
    else:
        clf = MLPClassifier(solver="sgd", momentum=0.0, nesterovs_momentum=False, **common)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_params(max_iter=1).fit(X, w["y"])  # builds every attribute; weights replaced next
        clf.coefs_ = [W.T.astype(dtype).copy() for W, _ in weights]
        clf.intercepts_ = [b.astype(dtype).copy() for _, b in weights]
        clf.set_params(max_iter=w["epochs"], warm_start=True)
        clf.n_iter_, clf.t_, clf.loss_curve_ = 0, 0, []
        clf._no_improvement_count, clf.best_loss_ = 0, np.inf
        t0 = time.process_time()
        clf.fit(X, w["y"])
        elapsed = time.process_time() - t0
    return elapsed, [(W.T, b) for W, b in zip(clf.coefs_, clf.intercepts_, strict=True)]


def run_torch(w, weights, dtype):
    import torch

    torch.set_num_threads(1)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    layers = []
    for i, (W, b) in enumerate(weights):
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).to(tdtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(weights) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    X = torch.from_numpy(w["X"].astype(dtype, copy=False))
    if w["task"] == "binary":
        Y, loss_fn = torch.from_numpy(w["y"][:, None].astype(dtype)), torch.nn.BCEWithLogitsLoss()
    else:
        Y, loss_fn = torch.from_numpy(w["y"]), torch.nn.CrossEntropyLoss()
    if w["opt"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=w["lr"], eps=w["eps"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=w["lr"])
    m, bs = X.shape[0], w["batch"] or X.shape[0]
    t0 = time.process_time()
    for _ in range(w["epochs"]):
        for i in range(0, m, bs):
            opt.zero_grad()
            loss = loss_fn(model(X[i : i + bs]), Y[i : i + bs])
            loss.backward()
            opt.step()
    elapsed = time.process_time() - t0
    lins = [la for la in model if isinstance(la, torch.nn.Linear)]
    return elapsed, [(la.weight.detach().numpy(), la.bias.detach().numpy()) for la in lins]


IMPLS = {
    "nbcore f32": (run_nbcore, np.float32),
    "nbcore f64": (run_nbcore, np.float64),
    "sklearn f32": (run_sklearn, np.float32),
    "torch f32": (run_torch, np.float32),
}


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def batches_per_epoch(w):
    """Optimizer steps in one epoch: ceil(samples / batch), 1 for full-batch workloads."""
    return 1 if w["batch"] is None else -(-w["X"].shape[0] // w["batch"])


def gemm_floor(w):
    """Seconds one epoch spends in the matrix products alone (NumPy float32, same shapes and
    number of steps); measured once per round, next to the training runs of that round."""
    sizes, bs = w["sizes"], w["batch"]
    steps = batches_per_epoch(w)
    rng = np.random.default_rng(1)
    A = [rng.random((bs, n), dtype=np.float32) for n in sizes]
    # W in Fortran order and dW as (A_prev^T dZ)^T: the layout nbcore's Dense uses, the faster one
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    Ws = [np.asfortranarray(rng.random((o, i), dtype=np.float32)) for i, o in pairs]
    t0 = time.process_time()
    for _ in range(steps):
        for layer, W in enumerate(Ws):
            A[layer] @ W.T  # forward
            A[layer].T @ A[layer + 1]  # dW^T = A_prev^T dZ
            if layer > 0:
                A[layer + 1] @ W  # dA_prev (not needed for the first layer)
    return time.process_time() - t0


def gemm_flop(w):
    """Floating-point operations of ``gemm_floor(w)``'s products (2 per multiply-add)."""
    sizes, bs = w["sizes"], w["batch"]
    steps = batches_per_epoch(w)
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    # forward and dW for every layer, dA_prev for all but the first
    macs = sum(2 * bs * i * o for i, o in pairs) + sum(bs * i * o for i, o in pairs[1:])
    return 2 * macs * steps


def eps_rule_check(w, weights, rows, eps=1e-8):
    """Final losses with Adam's default eps, where scikit-learn's formula differs from PyTorch's
    (and nbcore's): nbcore, scikit-learn, and nbcore with scikit-learn's rule (``SklearnAdam``).

    With eps this large the two formulas take different steps for weights whose gradients are
    tiny, so the runs end at different losses; nbcore with scikit-learn's rule must land on
    scikit-learn's loss, which shows that the rule is the whole difference.
    """
    losses = {"eps": eps}
    timed_with_eps = w["eps"] == eps  # then the timed runs are these runs
    w = dict(w, eps=eps)
    runs = {
        "nbcore f32": lambda: run_nbcore(w, weights, np.float32),
        "sklearn f32": lambda: run_sklearn(w, weights, np.float32),
        "nbcore f32, scikit-learn's rule": lambda: run_nbcore(
            w, weights, np.float32, optimizer=SklearnAdam
        ),
    }
    for name, fn in runs.items():
        if name in rows and timed_with_eps:
            losses[name] = rows[name]["final_loss"]
        else:
            losses[name] = final_loss(fn()[1], w["X"], w["y"], w["task"])[0]
    return losses


def adam_time(w, repeats):
    """Seconds per epoch nbcore's Adam update alone takes (float32, the workload's network)."""
    model = nc.MLP(w["sizes"], "relu", dtype=np.float32)
    opt = nc.Adam(model.parameters(), lr=w["lr"], eps=w["eps"])
    rng = np.random.default_rng(2)
    for p in model.parameters():
        p.grad[...] = rng.standard_normal(p.grad.shape) * 1e-3
    steps = batches_per_epoch(w)
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(20):
            opt.step()
        times.append((time.process_time() - t0) / 20)
    return float(np.median(times)) * steps


def _vm(field):
    """A field of /proc/self/status in MiB (VmRSS: resident now; VmHWM: peak since reset)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def measure_training_memory(workload_name, impl, quick):
    """Run one training in this process; the peak resident memory it adds (MiB).

    The kernel's peak counter is reset first (``/proc/self/clear_refs``), so creating the data
    set does not count: only what the training itself holds at its peak.
    """
    w = workload(workload_name, quick)
    fn, dtype = IMPLS[impl]
    weights = initial_weights(w["sizes"])
    Path("/proc/self/clear_refs").write_text("5")
    base = _vm("VmRSS")
    fn(w, weights, dtype)
    return _vm("VmHWM") - base


def peak_memory(workload_name, impl, quick):
    """Peak memory (MiB) added by one training, measured in a fresh child process."""
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; "
        f"print(run.measure_training_memory({workload_name!r}, {impl!r}, {quick!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 7)
    impls = [k for k in IMPLS if not k.startswith("torch") or have_torch()]
    results = {"machine": machine_info(), "repeats": repeats, "quick": args.quick, "workloads": {}}
    for name in ("W1", "W2", "W3"):
        w = workload(name, args.quick)
        weights = initial_weights(w["sizes"])
        times = {k: [] for k in impls}
        finals = {}
        # the float64 comparison is asked for W1 and W3 only
        run_impls = [k for k in impls if not (name == "W2" and k == "nbcore f64")]
        floors = []  # W2: the GEMM floor, measured in every round too
        for r in range(repeats):  # interleaved: every implementation once per round
            for k in run_impls[r % len(run_impls) :] + run_impls[: r % len(run_impls)]:
                fn, dtype = IMPLS[k]  # (the order rotates, so none always runs first)
                elapsed, trained = fn(w, weights, dtype)
                times[k].append(elapsed)
                finals[k] = final_loss(trained, w["X"], w["y"], w["task"])
            if name == "W2":
                floors.append(gemm_floor(w))
        steps = w["epochs"] * batches_per_epoch(w)
        rows = {}
        for k in impls:
            if not times[k]:
                continue
            med = float(np.median(times[k]))
            rows[k] = {
                "seconds": med,
                "per_epoch": med / w["epochs"],
                "per_step": med / steps,
                "final_loss": finals[k][0],
                "accuracy": finals[k][1],
            }
            if not args.no_memory:
                rows[k]["peak_mib"] = peak_memory(name, k, args.quick)
        base = times["nbcore f32"]
        for k in rows:
            # The median of the per-round ratios: both runs of a round see the same machine
            # load, so this is steadier than a ratio of medians on a shared machine.
            ratios = [t / b for t, b in zip(times[k], base, strict=True)]
            rows[k]["ratio_to_nbcore_f32"] = float(np.median(ratios))
        n_params = sum((i + 1) * o for i, o in zip(w["sizes"][:-1], w["sizes"][1:], strict=True))
        entry = {"steps": steps, "epochs": w["epochs"], "parameters": n_params, "rows": rows}
        if w["opt"] == "adam" and "sklearn f32" in rows:
            entry["eps"] = w["eps"]
            entry["eps_rule_check"] = eps_rule_check(w, weights, rows)
        if name == "W2":
            # float32 runs of W2 drift apart (a ReLU pre-activation within rounding of 0 flips
            # sign); in float64 nbcore and PyTorch follow the same path: their final losses.
            entry["float64_final_losses"] = {
                k.split()[0]: final_loss(
                    IMPLS[k][0](w, weights, np.float64)[1], w["X"], w["y"], w["task"]
                )[0]
                for k in ("nbcore f32", "torch f32")
                if k in rows
            }
            # per-round ratios, as for the implementations (one epoch: per run = per epoch)
            fractions = [f / t for f, t in zip(floors, times["nbcore f32"], strict=True)]
            entry["gemm_seconds_per_epoch"] = float(np.median(floors))
            entry["gemm_flop_per_epoch"] = gemm_flop(w)
            entry["gemm_fraction_nbcore_f32"] = float(np.median(fractions))
            entry["adam_seconds_per_epoch"] = adam_time(w, repeats)
        results["workloads"][name] = entry
        print(format_workload(name, entry), flush=True)
    if not have_torch():
        results["note"] = "PyTorch is not installed: its rows are skipped."
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


def machine_info():
    import sklearn

    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "threads": 1,
    }
    if have_torch():
        import torch

        info["torch"] = torch.__version__
    return info


def format_workload(name, entry):
    lines = [f"{name}: {entry['steps']} steps"]
    for k, r in entry["rows"].items():
        mem = f"  peak {r['peak_mib']:.0f} MiB" if "peak_mib" in r else ""
        lines.append(
            f"  {k:12s} {r['seconds']:8.3f} s  x{r['ratio_to_nbcore_f32']:5.2f}  "
            f"loss {r['final_loss']:.6f}  acc {r['accuracy']:.4f}{mem}"
        )
    if "float64_final_losses" in entry:
        losses = ", ".join(f"{k} {v:.10f}" for k, v in entry["float64_final_losses"].items())
        lines.append(f"  float64 final losses: {losses}")
    if "eps_rule_check" in entry:
        check = entry["eps_rule_check"]
        losses = ", ".join(f"{k} {v:.8f}" for k, v in check.items() if k != "eps")
        lines.append(f"  with eps {check['eps']:g}: {losses}")
    if "gemm_fraction_nbcore_f32" in entry:
        lines.append(
            f"  GEMM floor {entry['gemm_seconds_per_epoch']:.3f} s/epoch = "
            f"{100 * entry['gemm_fraction_nbcore_f32']:.0f} % of nbcore f32; "
            f"Adam updates alone {entry['adam_seconds_per_epoch']:.3f} s/epoch"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
