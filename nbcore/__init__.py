"""nbcore: the small NumPy library of the book "Neural Networks, Verified".

Everything a chapter needs is importable from here (``import nbcore as nc``; ``nc.Dense``).
Importing nbcore imports NumPy only; plotting, widgets and data loaders import matplotlib,
ipywidgets or scikit-learn when they are used.
"""

from nbcore.activations import (
    gelu,
    gelu_grad,
    identity,
    leaky_relu,
    leaky_relu_grad,
    log_softmax,
    logsumexp,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softplus,
    softplus_grad,
    step,
    tanh,
    tanh_grad,
)
from nbcore.data import (
    load_digits,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    one_hot,
    standardize,
    train_test_split,
)
from nbcore.gradcheck import gradcheck, gradcheck_model, numerical_gradient
from nbcore.layers import (
    GELU,
    Dense,
    Dropout,
    Identity,
    Layer,
    LeakyReLU,
    Parameter,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Step,
    Tanh,
)
from nbcore.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    FocalLoss,
    HuberLoss,
    MAELoss,
    MSELoss,
    NLLLoss,
    RMSELoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    focal_loss,
    huber,
    mae,
    mse,
    nll_loss,
    rmse,
)
from nbcore.network import MLP, Sequential
from nbcore.optimizers import SGD, AdaGrad, Adam, RMSprop
from nbcore.training import History, accuracy, train

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
