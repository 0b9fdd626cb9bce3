"""Interactive widgets of the book, one module per chapter, re-exported here.

Two kinds (see CONTRIBUTING.md): kernel-free widgets built with
:func:`frame_scrubber` work in the static HTML book too; live widgets need a kernel and are
replaced in the HTML book by :func:`static_fallback` (a figure of the default state and a
"Run it live" Binder link). ipywidgets and matplotlib are imported only when a widget is built.
"""

from nbcore.widgets._html import (
    BINDER_HUB,
    BRANCH,
    REPOSITORY,
    binder_url,
    figure_to_png,
    frame_scrubber,
    static_fallback,
)
from nbcore.widgets.activations import (
    ActivationExplorer,
    activation_scrubber,
    show_activation_explorer,
)
from nbcore.widgets.backprop import (
    BackpropStepper,
    backprop_stepper,
    show_backprop_stepper,
)
from nbcore.widgets.forward import (
    NetworkView,
    forward_scrubber,
    running_example,
    show_forward_explorer,
)
from nbcore.widgets.losses import (
    LossExplorer,
    outlier_scrubber,
    show_loss_explorer,
)

# Each chapter's widgets (the logic classes and the functions that build the widgets); the
# chapter modules hold more helpers, importable from them directly.
from nbcore.widgets.neuron import (
    NeuronExplorer,
    bias_scrubber,
    neuron_explorer,
)
from nbcore.widgets.optimizers import (
    OptimizerRace,
    race,
    race_scrubber,
    show_optimizer_race,
)
from nbcore.widgets.playground import (
    Playground,
    playground_scrubber,
    show_playground,
    train_reference,
)
from nbcore.widgets.schedules import (
    ScheduleExplorer,
    schedule_scrubber,
    show_schedule_explorer,
)
from nbcore.widgets.softmax import (
    SoftmaxExplorer,
    show_softmax_explorer,
    temperature_scrubber,
)

__all__ = [
    "BINDER_HUB",
    "BRANCH",
    "REPOSITORY",
    "binder_url",
    "figure_to_png",
    "frame_scrubber",
    "static_fallback",
    "NeuronExplorer",
    "bias_scrubber",
    "neuron_explorer",
    "NetworkView",
    "forward_scrubber",
    "running_example",
    "show_forward_explorer",
    "ActivationExplorer",
    "activation_scrubber",
    "show_activation_explorer",
    "LossExplorer",
    "outlier_scrubber",
    "show_loss_explorer",
    "BackpropStepper",
    "backprop_stepper",
    "show_backprop_stepper",
    "SoftmaxExplorer",
    "show_softmax_explorer",
    "temperature_scrubber",
    "OptimizerRace",
    "race",
    "race_scrubber",
    "show_optimizer_race",
    "Playground",
    "playground_scrubber",
    "show_playground",
    "train_reference",
    "ScheduleExplorer",
    "schedule_scrubber",
    "show_schedule_explorer",
]
