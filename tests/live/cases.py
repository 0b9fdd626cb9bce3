"""What the live tests do to each chapter's widgets: one entry per widget control.

To cover a new widget, add one ``LiveCase``: the notebook, the control (its CSS class is
``nbcore-ctl-<control>``), the value to type into it (sliders) or select (dropdowns), a regular
expression that picks the number out of the widget's ``nbcore-readout`` text, and the value that
nbcore computes independently for the new setting. Each notebook is opened and run once, and
its cases are applied in the order listed, so a later case sees the settings of the earlier
ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import nbcore as nc
from nbcore.widgets.backprop import BackpropStepper
from nbcore.widgets.forward import running_example
from nbcore.widgets.optimizers import race
from nbcore.widgets.playground import train_reference
from nbcore.widgets.schedules import ScheduleExplorer


@dataclass(frozen=True)
class LiveCase:
    notebook: str  # file in book/
    control: str  # the control's CSS class is nbcore-ctl-<control>
    value: object  # typed into a slider's readout, or selected in a dropdown
    pattern: str  # regex with one group: the number in the readout text
    expected: Callable[[], float]  # computed by nbcore for the new setting
    root: str = ""  # CSS selector of the widget when the notebook has several
    tol: float = 5e-5  # the readouts print 4 decimals

    @property
    def id(self) -> str:
        return f"{self.notebook.split('.')[0]}-{self.control}"


CASES = [
    # Chapter 1: neuron explorer, defaults w1 = w2 = 1, g = sigmoid; readout at x = (1, 1).
    LiveCase(
        "01_neuron.ipynb",
        "b",
        0.5,
        r"a = g\(z\) = \w+\([-\d.]+\) = ([-\d.]+)",
        lambda: float(nc.sigmoid(1.0 * 1 + 1.0 * 1 + 0.5)),
        root=".nbcore-neuron-explorer",
    ),
    # Chapter 2: the running 2-3-1 network drawn; x2 stays 0.5, x1 is set to -1.
    LiveCase(
        "02_forward.ipynb",
        "x1",
        -1.0,
        r"= ([-\d.]+)",
        lambda: float(running_example().predict(np.array([[-1.0, 0.5]]))[0, 0]),
    ),
    # Chapter 3: activation explorer, default sigmoid at z = 1.
    LiveCase(
        "03_activations.ipynb",
        "z",
        -2.0,
        r"g\(z\) = ([-\d.e+]+),",
        lambda: float(nc.sigmoid(-2.0)),
        root=".nbcore-activation-explorer",
    ),
    LiveCase(
        "03_activations.ipynb",
        "activation",
        "tanh",
        r"g'\(z\) = ([-\d.e+]+)",
        lambda: float(nc.tanh_grad(-2.0)),  # z is still -2 from the case above
        root=".nbcore-activation-explorer",
    ),
    # Chapter 4: loss explorer, regression view, residual r then Huber's delta.
    LiveCase(
        "04_losses.ipynb",
        "r",
        -2.5,
        r"Huber\(r = [-\d.]+, δ = [\d.]+\) = ([-\d.]+);",
        lambda: nc.huber(np.array([-2.5]), np.array([0.0]), delta=1.0),
        root=".nbcore-loss-explorer",
    ),
    LiveCase(
        "04_losses.ipynb",
        "delta",
        0.5,
        r"Huber\(r = [-\d.]+, δ = [\d.]+\) = ([-\d.]+);",
        lambda: nc.huber(np.array([-2.5]), np.array([0.0]), delta=0.5),
        root=".nbcore-loss-explorer",
    ),
    # Chapter 5: live backprop stepper on the running example; step 6 is dZ^[2] = A^[2] - y.
    LiveCase(
        "05_backprop.ipynb",
        "step",
        6,
        r"= ([-\d.]+)$",
        lambda: float(BackpropStepper().quantity(6)),
        root=".nbcore-backprop-live",
    ),
    LiveCase(
        "05_backprop.ipynb",
        "x1",
        -1.0,
        r"= ([-\d.]+)$",
        lambda: float(BackpropStepper((-1.0, 0.5), 1.0).quantity(6)),
        root=".nbcore-backprop-live",
    ),
    # Chapter 6: softmax explorer, logits (2, 1, 0), T = 1, true class 0; z0 set to 0.
    LiveCase(
        "06_softmax.ipynb",
        "z0",
        0.0,
        r"loss\(class \d\) = ([-\d.]+)",
        lambda: float(-nc.log_softmax(np.array([0.0, 1.0, 0.0]))[0]),
        root=".nbcore-softmax-explorer",
    ),
    # Chapter 7: optimizer race on the quadratic, 20 steps shown.
    LiveCase(
        "07_optimizers.ipynb",
        "steps",
        20,
        r"SGD f = ([-\d.e+]+)",
        lambda: race("quadratic", steps=20)["SGD"].f_at(20),
        root=".nbcore-optimizer-race",
        tol=5e-4,
    ),
    # Chapter 8: playground; choosing a data set restarts at epoch 0.
    LiveCase(
        "08_training.ipynb",
        "dataset",
        "circles",
        r"loss ([-\d.]+)",
        lambda: train_reference(0, dataset="circles")[1]["loss"],
        root=".nbcore-playground",
    ),
    # Chapter 9: schedule explorer, defaults peak 1 and 5 warm-up epochs; schedule set to cosine.
    LiveCase(
        "09_practice.ipynb",
        "schedule",
        "cosine",
        r"final training loss ([-\d.]+)",
        lambda: ScheduleExplorer("cosine").result["final_loss"],
        root=".nbcore-schedule-explorer",
    ),
]
