"""How long one widget update takes: set a control, wait for the callback to finish.

Each live widget of the book (built by its ``show``/``explorer`` function, which returns a box
whose ``controls`` dict holds the ipywidgets controls) gets each of its listed values in turn
(or its button is clicked); the CPU time (process_time) of each assignment, which runs the
widget's whole callback (computation, figure, PNG), is recorded. The target is a median of at
most 30 ms per update on the book's 2-core machine. Writes benchmarks/widget_results.json,
which benchmarks/report.py adds to the page.

    python benchmarks/widgets.py [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent

# (chapter, module, factory, control, values to cycle through)
WIDGETS = [
    ("01", "nbcore.widgets.neuron", "neuron_explorer", "b", np.linspace(-2.5, 2.5, 11)),
    ("02", "nbcore.widgets.forward", "show_forward_explorer", "x1", np.linspace(-2, 2, 11)),
    ("03", "nbcore.widgets.activations", "show_activation_explorer", "z", np.linspace(-3, 3, 11)),
    ("04", "nbcore.widgets.losses", "show_loss_explorer", "r", np.linspace(-3, 3, 11)),
    ("05", "nbcore.widgets.backprop", "show_backprop_stepper", "step", np.arange(1, 12)),
    ("06", "nbcore.widgets.softmax", "show_softmax_explorer", "z0", np.linspace(-3, 3, 11)),
    (
        "07",
        "nbcore.widgets.optimizers",
        "show_optimizer_race",
        "lr-adam",
        np.geomspace(0.01, 0.5, 11),
    ),
    ("08", "nbcore.widgets.playground", "show_playground", "width", np.arange(2, 8)),
    ("08", "nbcore.widgets.playground", "show_playground", "step", "click"),
    ("09", "nbcore.widgets.schedules", "show_schedule_explorer", "warmup", np.arange(0, 11)),
]


def time_widget(module, factory, control, values, rounds):
    box = getattr(importlib.import_module(module), factory)()
    ctl = box.controls[control]
    if isinstance(values, str):  # a button: time 11 clicks
        values = [values] * 11
    times = []
    for _ in range(rounds):
        for v in values:
            t0 = time.process_time()
            if v == "click":
                ctl.click()
            else:
                ctl.value = type(ctl.value)(v)
            times.append(time.process_time() - t0)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(HERE / "widget_results.json"))
    args = parser.parse_args(argv)
    rounds = 1  # each value once: a second visit would time a widget's cache
    results = {}
    for chapter, module, factory, control, values in WIDGETS:
        times = time_widget(module, factory, control, values, rounds)
        results[f"{chapter} {factory} {control}"] = {
            "control": control,
            "updates": len(times),
            "median_ms": 1000 * float(np.median(times)),
            "p90_ms": 1000 * float(np.percentile(times, 90)),
        }
        r = results[f"{chapter} {factory} {control}"]
        print(
            f"{chapter} {factory:28s} {control:8s} median {r['median_ms']:6.1f} ms  "
            f"p90 {r['p90_ms']:6.1f} ms  ({r['updates']} updates)"
        )
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
