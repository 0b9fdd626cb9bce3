"""Chapter 5 (Backpropagation): the Value autograd, the exercise checkers, the backprop stepper."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nbcore as nc  # noqa: E402
from nbcore.autograd import Value  # noqa: E402
from nbcore.exercises.ch05 import (  # noqa: E402
    BATCH,
    NEURON,
    _second_iteration_losses,
    check_batch_update,
    check_dense_backward,
    check_double_backward_error,
    check_neuron_grad,
    check_second_iteration,
    check_sigmoid_backward,
)
from nbcore.widgets.backprop import (  # noqa: E402
    RUNNING_EXAMPLE,
    BackpropStepper,
    backprop_stepper,
    show_backprop_stepper,
)

NONSENSE = [None, "0.5", [1, 2, 3], object(), float("nan"), True, {}]


def assert_mistake(feedback, tag):
    assert not feedback, feedback
    assert feedback.mistake == tag, (feedback.mistake, feedback.message)
    assert str(feedback).startswith("Not yet")


def centred(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# ====================================================================== Value
UNARY = [
    ("exp", lambda v: v.exp(), math.exp),
    ("log", lambda v: v.log(), math.log),
    ("tanh", lambda v: v.tanh(), math.tanh),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    ("relu", lambda v: v.relu(), lambda x: max(x, 0.0)),
    ("square", lambda v: v**2, lambda x: x**2),
    ("cube", lambda v: v**3, lambda x: x**3),
    ("sqrt", lambda v: v**0.5, math.sqrt),
    ("inverse", lambda v: v**-1, lambda x: 1 / x),
    ("neg", lambda v: -v, lambda x: -x),
    ("radd", lambda v: 2.5 + v, lambda x: 2.5 + x),
    ("rsub", lambda v: 2.5 - v, lambda x: 2.5 - x),
    ("rmul", lambda v: 2.5 * v, lambda x: 2.5 * x),
    ("div_const", lambda v: v / 4.0, lambda x: x / 4.0),
]


@pytest.mark.parametrize("name, op, f", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("x", [0.3, 1.7, 2.9])
def test_value_unary_ops_match_finite_differences(name, op, f, x):
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(f(x), rel=1e-12)
    assert v.grad == pytest.approx(centred(f, x), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("x", [-2.0, -0.4])
@pytest.mark.parametrize("name", ["exp", "tanh", "sigmoid", "relu", "neg", "rsub"])
def test_value_unary_ops_negative_inputs(name, x):
    _, op, f = next(u for u in UNARY if u[0] == name)
    v = Value(x)
    op(v).backward()
    assert v.grad == pytest.approx(centred(f, x), rel=1e-6, abs=1e-9)


BINARY = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
]


@pytest.mark.parametrize("name, op", BINARY, ids=[b[0] for b in BINARY])
def test_value_binary_ops_match_finite_differences(name, op):
    a, b = 1.3, -0.7
    va, vb = Value(a), Value(b)
    out = op(va, vb)
    out.backward()
    assert out.data == pytest.approx(op(a, b))
    assert va.grad == pytest.approx(centred(lambda t: op(t, b), a), rel=1e-6)
    assert vb.grad == pytest.approx(centred(lambda t: op(a, t), b), rel=1e-6)


def test_value_composite_function_and_reuse_accumulates():
    # f = (x y + z) x, the chapter's worked example 1: x is used twice
    x, y, z = Value(2.0), Value(-1.0), Value(0.5)
    f = (x * y + z) * x
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-3.0, -3.5, 4.0, 2.0)
    # the same value used in both factors
    w = Value(3.0)
    (w * w).backward()
    assert w.grad == 6.0


def test_value_neuron_with_bce():
    w, b = Value(0.5), Value(-1.0)
    a = (w * 2.0 + b).sigmoid()
    loss = -(1.0 * a.log() + (1 - 1.0) * (1 - a).log())
    loss.backward()
    assert loss.data == pytest.approx(math.log(2))
    assert (w.grad, b.grad, a.grad) == pytest.approx((-1.0, -0.5, -2.0))


def test_value_random_expression_matches_finite_differences():
    rng = np.random.default_rng(3)
    xs = rng.uniform(0.5, 1.5, size=4)

    def f(v):
        a, b, c, d = v
        return ((a * b).tanh() + (c / d).exp() - (a + 1) ** 2 * d.sigmoid() + (b * c).log()).relu()

    vals = [Value(float(x)) for x in xs]
    out = f(vals)
    out.backward()

    def f_float(arr):
        return f([Value(float(t)) for t in arr]).data

    num = nc.numerical_gradient(f_float, xs.copy())
    np.testing.assert_allclose([v.grad for v in vals], num, rtol=1e-6, atol=1e-9)


def test_value_leaves_accumulate_across_backward_calls_until_zero_grad():
    x, y = Value(2.0), Value(-1.0)
    f = (x * y + 1.0) * x
    f.backward()
    g = x.grad
    f.backward()  # no zero_grad: leaves add, like nbcore.Parameter
    assert x.grad == 2 * g and y.grad == 2 * 4.0
    f.zero_grad()
    assert x.grad == y.grad == f.grad == 0.0
    f.backward()
    assert x.grad == g


def test_value_intermediate_grads_restart_each_backward():
    x = Value(1.5)
    h = x.tanh()
    out = h * 3.0
    out.backward()
    first = h.grad
    out.backward()
    assert h.grad == first  # an intermediate node is not double-counted
    assert x.grad == pytest.approx(2 * 3.0 * (1 - math.tanh(1.5) ** 2))


def test_value_relu_subgradient_at_zero_and_sigmoid_extremes():
    z = Value(0.0)
    z.relu().backward()
    assert z.grad == 0.0
    for big in (1000.0, -1000.0):
        v = Value(big)
        s = v.sigmoid()
        s.backward()
        assert s.data == (1.0 if big > 0 else 0.0) and v.grad == 0.0


def test_value_deep_graph_needs_no_recursion():
    x = Value(1.0)
    s = Value(0.0)
    for _ in range(5000):
        s = s + x
    s.backward()
    assert x.grad == 5000.0


def test_value_nodes_in_topological_order():
    x, y = Value(1.0), Value(2.0)
    q = x * y
    f = q + x
    order = f.nodes()
    assert order[-1] is f
    assert order.index(q) > order.index(x) and order.index(q) > order.index(y)
    assert len(order) == 4


def test_value_repr_and_label():
    x = Value(2.0, label="x")
    (x * 3.0).backward()
    assert repr(x) == "Value(x: data=2, grad=3)"
    assert repr(Value(0.693147180)) == "Value(data=0.693147, grad=0)"


@pytest.mark.parametrize("bad", ["1", None, [1.0], True, np.array([1.0])])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="Value: expected data as a real number"):
        Value(bad)


def test_value_errors():
    with pytest.raises(ValueError, match="Value.log: expected a positive number, got -1"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="Value.__pow__: expected a number exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError):
        Value(2.0) + "a"
    assert Value(np.float64(1.5)).data == 1.5 and Value(np.int64(2)).data == 2.0


def _value_dense(X, W, b, G, act):
    """sum(act(X W^T + b) * G) built from Values; returns the Value grads of W, b, X."""
    Wv = [[Value(float(w)) for w in row] for row in W]
    bv = [Value(float(v)) for v in b]
    Xv = [[Value(float(v)) for v in row] for row in X]
    total = Value(0.0)
    for i, row in enumerate(Xv):
        for j, wrow in enumerate(Wv):
            z = sum((w * a for w, a in zip(wrow, row, strict=True)), bv[j])
            total = total + act(z) * float(G[i, j])
    total.backward()
    grad = lambda M: np.array([[v.grad for v in r] for r in M])  # noqa: E731
    return grad(Wv), np.array([v.grad for v in bv]), grad(Xv)


@pytest.mark.parametrize(
    "layer, act",
    [
        (nc.Sigmoid, lambda z: z.sigmoid()),
        (nc.Tanh, lambda z: z.tanh()),
        (nc.ReLU, lambda z: z.relu()),
        (nc.Identity, lambda z: z),
    ],
    ids=["sigmoid", "tanh", "relu", "identity"],
)
def test_value_agrees_with_nbcore_dense_and_activation_backward(layer, act):
    rng = np.random.default_rng(7)
    X, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    dense, g = nc.Dense(3, 2, rng=rng), layer()
    dense.b.data[...] = rng.normal(size=2)
    Z = dense(X)
    assert np.all(np.abs(Z) > 1e-3)  # away from ReLU's kink
    g(Z)
    dX = dense.backward(g.backward(G))
    dW, db, dXv = _value_dense(X, dense.W.data, dense.b.data, G, act)
    np.testing.assert_allclose(dense.W.grad, dW, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dense.b.grad, db, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dX, dXv, rtol=1e-10, atol=1e-12)


def test_value_reproduces_the_running_example_gradients():
    stepper = BackpropStepper()
    EX = RUNNING_EXAMPLE
    W1v = [[Value(w) for w in row] for row in EX["W1"]]
    b1v = [Value(b) for b in EX["b1"]]
    W2v = [Value(w) for w in EX["W2"][0]]
    b2v = Value(EX["b2"][0])
    x1, x2 = EX["x"]
    a1 = [(W1v[j][0] * x1 + W1v[j][1] * x2 + b1v[j]).sigmoid() for j in range(3)]
    a2 = (sum(w * a for w, a in zip(W2v, a1, strict=True)) + b2v).sigmoid()
    loss = -(a2.log())  # y = 1
    loss.backward()
    v = stepper.values
    assert loss.data == pytest.approx(float(v["L"]))
    np.testing.assert_allclose([[w.grad for w in r] for r in W1v], v["dW1"], rtol=1e-12)
    np.testing.assert_allclose([b.grad for b in b1v], v["db1"], rtol=1e-12)
    np.testing.assert_allclose([w.grad for w in W2v], v["dW2"][0], rtol=1e-12)
    assert b2v.grad == pytest.approx(float(v["db2"][0]), rel=1e-12)


def test_autograd_module_is_short():
    import nbcore.autograd

    with open(nbcore.autograd.__file__, encoding="utf-8") as fh:
        assert len(fh.read().splitlines()) < 100


# ====================================================================== the running example
def test_running_example_numbers():
    s = BackpropStepper()
    q = s.quantity
    np.testing.assert_allclose(q(1), [0.25, -0.5, 1.0])
    assert round(float(q(4)), 6) == 0.640494
    assert round(float(q(5)), 6) == 0.445515
    assert round(float(q(6)), 6) == -0.359506
    assert round(float(q(17)), 6) == 0.318097
    assert float(q(17)) < float(q(5))


def test_running_example_against_sequential_bce_sgd_and_gradcheck():
    EX = RUNNING_EXAMPLE
    X, Y = np.array([EX["x"]]), np.array([[EX["y"]]])

    def model():
        m = nc.Sequential(nc.Dense(2, 3), nc.Sigmoid(), nc.Dense(3, 1), nc.Sigmoid())
        for p, v in zip(m.parameters(), (EX["W1"], EX["b1"], EX["W2"], EX["b2"]), strict=True):
            p.data[...] = v
        return m

    m, loss = model(), nc.BCELoss()
    loss(m(X), Y)
    m.backward(loss.backward())
    s = BackpropStepper()
    for p, key in zip(m.parameters(), ("dW1", "db1", "dW2", "db2"), strict=True):
        np.testing.assert_allclose(p.grad, s.values[key], rtol=1e-12)
    nc.SGD(m.parameters(), lr=EX["lr"]).step()
    for p, key in zip(m.parameters(), ("W1_new", "b1_new", "W2_new", "b2_new"), strict=True):
        np.testing.assert_allclose(p.data, s.values[key], rtol=1e-12)
    assert loss(m(X), Y) == pytest.approx(float(s.values["L_new"]), rel=1e-12)
    assert nc.gradcheck_model(model(), nc.BCELoss(), X, Y) < 1e-8


# ====================================================================== ex-05-neuron-grad
def _neuron():
    x, w, b, y = NEURON["x"], NEURON["w"], NEURON["b"], NEURON["y"]
    a = float(nc.sigmoid(w * x + b))
    return x, a, y


def test_neuron_grad_reference():
    x, a, y = _neuron()
    assert check_neuron_grad((x * (a - y), a - y))
    assert check_neuron_grad((0.403412, 0.268941))  # six decimals, by hand
    assert check_neuron_grad(np.array([0.4034, 0.2689]))


def test_neuron_grad_mistakes():
    x, a, y = _neuron()
    dz, s = a - y, a * (1 - a)
    assert_mistake(check_neuron_grad((-x * dz, -dz)), "sign")
    assert_mistake(check_neuron_grad((dz, x * dz)), "swapped")
    assert_mistake(check_neuron_grad((dz, dz)), "forgot_x")
    assert_mistake(check_neuron_grad((x * dz * s, dz * s)), "extra_sigma_prime")
    dA = 1 / (1 - a)
    assert_mistake(check_neuron_grad((x * dA, dA)), "stopped_at_da")
    assert_mistake(check_neuron_grad((1.0, 2.0)), "unknown")


@pytest.mark.parametrize("bad", NONSENSE)
def test_neuron_grad_nonsense(bad):
    fb = check_neuron_grad(bad)
    assert not fb and fb.mistake in ("missing", "format")


# ====================================================================== ex-05-batch-update
def test_batch_update_reference():
    assert check_batch_update((0.957712, -0.054300))
    x, y = np.array(BATCH["x"]), np.array(BATCH["y"])
    r = nc.sigmoid(BATCH["w"] * x + BATCH["b"]) - y
    assert check_batch_update((BATCH["w"] - np.mean(x * r), BATCH["b"] - np.mean(r)))


@pytest.mark.parametrize(
    "answer, tag",
    [
        ((1.415424, -0.108600), "forgot_1_over_m"),
        ((0.042288, 0.054300), "update_sign"),
        ((-0.415424, 0.108600), "update_sign"),  # sign error and no 1/m
        ((-0.457712, 0.054300), "gave_gradient"),
        ((0.9, 0.1), "unknown"),
    ],
)
def test_batch_update_mistakes(answer, tag):
    assert_mistake(check_batch_update(answer), tag)


@pytest.mark.parametrize("bad", NONSENSE)
def test_batch_update_nonsense(bad):
    assert not check_batch_update(bad)


# ====================================================================== ex-05-dense-backward
def test_dense_backward_reference():
    assert check_dense_backward(lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0), dZ @ W))


@pytest.mark.parametrize(
    "fn, tag",
    [
        (lambda dZ, A, W: (A.T @ dZ, dZ.sum(axis=0), dZ @ W), "dW_transposed"),
        (lambda dZ, A, W: (dZ.T @ A, dZ, dZ @ W), "db_not_summed"),
        (lambda dZ, A, W: (dZ.T @ A / len(A), dZ.mean(axis=0), dZ @ W), "extra_1_over_m"),
        (lambda dZ, A, W: (dZ.T @ A, dZ.mean(axis=0), dZ @ W), "extra_1_over_m"),
        (lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0), dZ @ W.T), "raised"),
        (lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0), -(dZ @ W)), "dA_prev"),
        (lambda dZ, A, W: (-(dZ.T @ A), dZ.sum(axis=0), dZ @ W), "dW"),
        (lambda dZ, A, W: (dZ.T @ A, -dZ.sum(axis=0), dZ @ W), "db"),
        (lambda dZ, A, W: None, "none"),
    ],
    ids=["dW-T", "db-rows", "dW-over-m", "db-mean", "W-T", "dA-sign", "dW-sign", "db-sign", "none"],
)
def test_dense_backward_mistakes(fn, tag):
    assert_mistake(check_dense_backward(fn), tag)


@pytest.mark.parametrize("bad", [None, "dense_backward", 3])
def test_dense_backward_nonsense(bad):
    assert not check_dense_backward(bad)


# ====================================================================== ex-05-double-backward
def test_double_backward_reference_and_mistakes():
    assert check_double_backward_error(1 / 3)
    assert check_double_backward_error(0.3333)
    assert_mistake(check_double_backward_error(2), "ratio")
    assert_mistake(check_double_backward_error(0.5), "denominator")
    assert_mistake(check_double_backward_error(1.0), "denominator")
    assert_mistake(check_double_backward_error(0), "zero")
    assert_mistake(check_double_backward_error(0.7), "unknown")


def test_double_backward_matches_gradcheck():
    rng = np.random.default_rng(0)
    g, x = rng.normal(size=5), rng.normal(size=5)
    assert nc.gradcheck(lambda: float(g @ x), x, 2 * g) == pytest.approx(1 / 3, rel=1e-6)


@pytest.mark.parametrize("bad", NONSENSE)
def test_double_backward_nonsense(bad):
    assert not check_double_backward_error(bad)


# ====================================================================== ex-05-sigmoid-backward
def test_sigmoid_backward_reference():
    def ok(dA, Z):
        s = nc.sigmoid(Z)
        return dA * s * (1 - s)

    assert check_sigmoid_backward(ok)
    assert check_sigmoid_backward(lambda dA, Z: dA * nc.sigmoid_grad(Z))


@pytest.mark.parametrize(
    "fn, tag",
    [
        (lambda dA, Z: dA * Z * (1 - Z), "sigma_from_z"),
        (lambda dA, Z: nc.sigmoid(Z) * (1 - nc.sigmoid(Z)), "no_dA"),
        (lambda dA, Z: dA * nc.sigmoid(Z), "sigma_not_grad"),
        (lambda dA, Z: None, "none"),
        (lambda dA, Z: dA @ Z, "raised"),
        (lambda dA, Z: dA, "unknown"),
    ],
    ids=["z(1-z)", "no-dA", "sigma", "none", "raises", "identity"],
)
def test_sigmoid_backward_mistakes(fn, tag):
    assert_mistake(check_sigmoid_backward(fn), tag)


# ====================================================================== ex-05-second-iteration
def test_second_iteration_reference_and_mistakes():
    losses = _second_iteration_losses()
    assert losses["right"] < losses["one_step"] < float(BackpropStepper().values["L"])
    assert check_second_iteration(losses["right"])
    assert check_second_iteration(round(losses["right"], 5))
    assert_mistake(check_second_iteration(losses["no_zero_grad"]), "no_zero_grad")
    assert_mistake(check_second_iteration(losses["update_sign"]), "update_sign")
    assert_mistake(check_second_iteration(losses["one_step"]), "one_step")
    assert_mistake(check_second_iteration(1.0), "unknown")


def test_second_iteration_matches_nc_train_style_loop():
    EX = RUNNING_EXAMPLE
    m = nc.Sequential(nc.Dense(2, 3), nc.Sigmoid(), nc.Dense(3, 1), nc.Sigmoid())
    for p, v in zip(m.parameters(), (EX["W1"], EX["b1"], EX["W2"], EX["b2"]), strict=True):
        p.data[...] = v
    X, Y = np.array([EX["x"]]), np.array([[EX["y"]]])
    nc.train(m, nc.BCELoss(), nc.SGD(m.parameters(), lr=EX["lr"]), X, Y, epochs=2, progress=False)
    assert nc.BCELoss()(m(X), Y) == pytest.approx(_second_iteration_losses()["right"], rel=1e-12)


@pytest.mark.parametrize("bad", NONSENSE)
def test_second_iteration_nonsense(bad):
    assert not check_second_iteration(bad)


# ====================================================================== the stepper's logic
def test_stepper_steps_and_readouts():
    s = BackpropStepper()
    assert s.n_steps == 17
    assert s.key(0) == "start" and s.quantity(0) is None
    assert s.readout(0) == "step 0/17: nothing computed yet (x = (1.00, 0.50), y = 1.00)"
    assert s.readout(6) == "step 6/17: dZ^[2] = A^[2] - y = -0.3595"
    assert s.readout(1) == "step 1/17: Z^[1] = X W^[1]ᵀ + b^[1] = (0.2500, -0.5000, 1.0000)"
    assert s.readout(17).endswith(f"= {float(s.values['L_new']):.4f}")
    assert s.known(3) == {"start", "Z1", "A1", "Z2"}


@pytest.mark.parametrize("step", range(18))
def test_stepper_quantity_matches_readout(step):
    s = BackpropStepper()
    text = s.readout(step)
    if step == 0:
        return
    numbers = [float(t) for t in text.split(" = ")[-1].replace("(", " ").replace(")", " ")
               .replace(",", " ").split()]  # fmt: skip
    np.testing.assert_allclose(numbers, np.ravel(s.quantity(step)), atol=5e-5)


def test_stepper_with_other_input_matches_nbcore():
    s = BackpropStepper((-1.0, 2.0), 0.0)
    model = nc.Sequential(nc.Dense(2, 3), nc.Sigmoid(), nc.Dense(3, 1), nc.Sigmoid())
    for p, k in zip(model.parameters(), ("W1", "b1", "W2", "b2"), strict=True):
        p.data[...] = RUNNING_EXAMPLE[k]
    X, Y = np.array([[-1.0, 2.0]]), np.array([[0.0]])
    loss = nc.BCELoss()
    assert loss(model(X), Y) == pytest.approx(float(s.quantity(5)))
    model.backward(loss.backward())
    np.testing.assert_allclose(model[0].W.grad, s.quantity(11))
    np.testing.assert_allclose(s.quantity(6), model[3]._A - 0.0)  # dZ2 = a - y


def test_stepper_draw_updates_one_figure():
    s = BackpropStepper()
    fig = s.draw(0)
    texts0 = [t.get_text() for t in fig.axes[0].texts]
    assert s.draw(12) is fig  # the same figure: artists are updated, not re-created
    texts12 = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts0) == len(texts12) and texts0 != texts12
    assert any("d=0.0442" in t for t in texts12)  # dw1 on its edge
    assert s._title.get_text() == s.readout(12)
    s.draw(17)
    assert any(t.startswith("after: L=") for t in (x.get_text() for x in fig.axes[0].texts))


def test_stepper_rejects_bad_input():
    with pytest.raises(ValueError, match="expected x of shape"):
        BackpropStepper((1.0, 2.0, 3.0), 1.0)
    with pytest.raises(ValueError, match="expected y in"):
        BackpropStepper((1.0, 2.0), 2.0)
    with pytest.raises(TypeError, match="expected x as numbers"):
        BackpropStepper(("a", "b"), 1.0)
    s = BackpropStepper()
    with pytest.raises(ValueError, match=r"expected step in \[0, 17\]"):
        s.readout(18)
    with pytest.raises(TypeError, match="expected step as an int"):
        s.quantity(1.5)


# ====================================================================== the widgets
def test_kernel_free_widget_structure():
    import ipywidgets as widgets

    box = backprop_stepper()
    assert repr(box) == "BackpropStepperWidget(frames=18)"
    assert {"nbcore-kernel-free", "nbcore-backprop-frames"} <= set(box._dom_classes)
    controls, readouts, frames = box.children
    slider, play = controls.children
    assert isinstance(slider, widgets.SelectionSlider) and "nbcore-ctl-step" in slider._dom_classes
    assert (slider.index, len(slider.options), slider.options[0][0]) == (0, 18, "0")
    assert isinstance(play, widgets.Play)
    assert "nbcore-readout" in readouts._dom_classes
    s = BackpropStepper()
    assert [r.value for r in readouts.children] == [s.readout(k) for k in range(18)]
    assert len(frames.children) == 18
    pngs = [bytes(f.value) for f in frames.children]
    assert all(p.startswith(b"\x89PNG") and len(p) < 40_000 for p in pngs)
    assert len(set(pngs)) == 18  # every step looks different
    links = box._nb_links
    assert {(ln.source[1], ln.target[1]) for ln in links} == {
        ("value", "index"),
        ("index", "selected_index"),
    }
    # The HTML book's view: a range input, 18 frames, 18 readouts and a Play button.
    page = box._repr_mimebundle_()["text/html"]
    assert page.count('class="nbcore-kf-frame"') == 18
    assert page.count('class="nbcore-kf-readout"') == 18
    assert 'type="range"' in page and 'max="17"' in page and "nbcore-kf-play" in page


def test_live_widget_controls_update_the_readout():
    box = show_backprop_stepper(step=10)
    assert "nbcore-backprop-live" in box._dom_classes
    controls, readout = box.controls, box.readout
    assert set(controls) == {"x1", "x2", "y", "step"}
    assert "nbcore-readout" in readout._dom_classes
    for name, ctl in controls.items():
        assert f"nbcore-ctl-{name}" in ctl._dom_classes
    assert readout.value == BackpropStepper().readout(10)
    first_png, fig = bytes(box.image.value), box.stepper.fig
    controls["x1"].value = -1.0
    controls["x2"].value = 2.0
    controls["y"].value = 0.0
    controls["step"].value = 6
    assert readout.value == BackpropStepper((-1.0, 2.0), 0.0).readout(6)
    assert bytes(box.image.value) != first_png and box.stepper.fig is fig
    controls["step"].value = 11  # the readout's numbers are nbcore's
    dW1 = [float(t) for t in readout.value.split(" = ")[-1].replace("(", " ").replace(")", " ")
           .replace(",", " ").split()]  # fmt: skip
    model = nc.Sequential(nc.Dense(2, 3), nc.Sigmoid(), nc.Dense(3, 1), nc.Sigmoid())
    for p, k in zip(model.parameters(), ("W1", "b1", "W2", "b2"), strict=True):
        p.data[...] = RUNNING_EXAMPLE[k]
    loss = nc.BCELoss()
    loss(model(np.array([[-1.0, 2.0]])), np.array([[0.0]]))
    model.backward(loss.backward())
    np.testing.assert_allclose(dW1, model[0].W.grad.ravel(), atol=5e-5)
    with pytest.raises(ValueError, match="expected y = 0 or 1"):
        show_backprop_stepper(y=0.5)


def test_live_widget_fast_png_matches_a_full_draw():
    import io

    from PIL import Image

    from nbcore.widgets._html import figure_to_png
    from nbcore.widgets.backprop import _ChangedArtists

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    stepper, full = BackpropStepper(), BackpropStepper()
    fast = _ChangedArtists(stepper.draw(0))
    fast.png(80)
    changes = [(1.0, 0.5, 1.0, k) for k in range(18)]  # every step, then inputs and jumps
    changes += [
        (-1.0, 2.0, 0.0, 17),
        (0.3, -1.2, 0.0, 17),
        (0.3, -1.2, 1.0, 3),
        (2.0, -2.0, 1.0, 11),
    ]
    changes += [(-0.7, 1.4, 0.0, 0), (1.6, 0.1, 1.0, 9), (1.6, 0.1, 1.0, 9)]
    for x1, x2, y, k in changes:
        stepper.set_input((x1, x2), y)
        stepper.draw(k)
        full.set_input((x1, x2), y)
        a = pixels(fast.png(80))
        b = pixels(figure_to_png(full.draw(k), dpi=80, close=False))
        assert a.shape == b.shape and np.array_equal(a, b), (x1, x2, y, k)


# ====================================================================== what the text states
# Issue 21: every checker enforces what its exercise states (four decimals, shapes, arguments
# left unchanged), and accepts every answer the text allows.
@pytest.mark.parametrize(
    "answer", [(0.4034, 0.2689), (0.403412, 0.268941), (0.4035, 0.2690), [0.4034, 0.2689]]
)
def test_neuron_grad_to_four_decimals_passes(answer):
    assert check_neuron_grad(answer)


@pytest.mark.parametrize("answer", [(0.40, 0.27), (0.403, 0.269), (0.4034, 0.27)])
def test_neuron_grad_with_too_few_decimals_is_refused(answer):
    fb = check_neuron_grad(answer)
    assert_mistake(fb, "precision")
    assert "expected" in fb.message


@pytest.mark.parametrize("answer", [(0.9577, -0.0543), (0.957712, -0.054300), (0.9578, -0.0544)])
def test_batch_update_to_four_decimals_passes(answer):
    assert check_batch_update(answer)


@pytest.mark.parametrize("answer", [(0.96, -0.05), (0.958, -0.054), (0.9577, -0.05)])
def test_batch_update_with_too_few_decimals_is_refused(answer):
    assert_mistake(check_batch_update(answer), "precision")


def test_batch_update_wrong_shape_is_format():
    assert_mistake(check_batch_update([[0.957712], [-0.0543]]), "format")


def test_double_backward_exact_forms_pass():
    from fractions import Fraction

    for value in (1 / 3, 0.3333, 0.3334, Fraction(1, 3), np.float32(1 / 3)):
        assert check_double_backward_error(value), value


@pytest.mark.parametrize("value", [0.33, 0.333, 0.34])
def test_double_backward_with_too_few_decimals_is_refused(value):
    assert_mistake(check_double_backward_error(value), "precision")


def test_double_backward_solution_passes():
    assert check_double_backward_error(1 / 3)  # the solution shown in the chapter


def test_second_iteration_to_four_decimals():
    right = _second_iteration_losses()["right"]
    assert check_second_iteration(0.2418) and check_second_iteration(round(right, 6))
    assert_mistake(check_second_iteration(0.24), "precision")
    assert_mistake(check_second_iteration(0.242), "precision")


def _dense_ok(dZ, A, W):
    return dZ.T @ A, dZ.sum(axis=0), dZ @ W


def test_dense_backward_solutions_pass():
    def fixed(dZ, A_prev, W):  # ex-05-find-bug's solution
        return dZ.T @ A_prev, dZ.sum(axis=0), dZ @ W

    assert check_dense_backward(fixed)
    assert check_dense_backward(lambda dZ, A, W: [dZ.T @ A, dZ.sum(axis=0), dZ @ W])


def test_dense_backward_the_given_buggy_function_is_named():
    def buggy_dense_backward(dZ, A_prev, W):  # given in ex-05-find-bug
        m = dZ.shape[0]
        return dZ.T @ A_prev / m, dZ.sum(axis=0) / m, dZ @ W

    assert_mistake(check_dense_backward(buggy_dense_backward), "extra_1_over_m")


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0, keepdims=True), dZ @ W), "keepdims"),
        (lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0), W.T @ dZ.T), "not its transpose"),
        (lambda dZ, A, W: ((dZ.T @ A).ravel(), dZ.sum(axis=0), dZ @ W), "broadcast"),
    ],
    ids=["db-keepdims", "dA-transposed", "dW-flat"],
)
def test_dense_backward_wrong_shapes_are_named(fn, fragment):
    fb = check_dense_backward(fn)
    assert_mistake(fb, "shape")
    assert fragment in fb.message


def test_dense_backward_that_changes_its_arguments_is_refused():
    def in_place(dZ, A, W):
        dZ *= 1.0
        A[0] = 0.0
        return _dense_ok(dZ, A, W)

    assert_mistake(check_dense_backward(in_place), "modified_input")


@pytest.mark.parametrize(
    "fn",
    [lambda dZ, A, W: _dense_ok(dZ, A, W)[:2], lambda dZ, A, W: dZ, lambda dZ, A, W: "dW"],
    ids=["two-arrays", "one-array", "string"],
)
def test_dense_backward_not_three_arrays_is_format(fn):
    assert_mistake(check_dense_backward(fn), "format")


def test_dense_backward_wrong_values_show_the_entry():
    fb = check_dense_backward(lambda dZ, A, W: (dZ.T @ A, dZ.sum(axis=0), 2 * (dZ @ W)))
    assert_mistake(fb, "dA_prev")
    assert "entry [" in fb.message and "expected" in fb.message


def test_sigmoid_backward_solution_passes():
    def sigmoid_backward(dA, Z):  # the solution shown in the chapter
        s = nc.sigmoid(Z)
        return dA * s * (1 - s)

    assert check_sigmoid_backward(sigmoid_backward)


def test_sigmoid_backward_wrong_shape_and_in_place():
    flat = check_sigmoid_backward(lambda dA, Z: (dA * nc.sigmoid_grad(Z)).ravel())
    assert_mistake(flat, "shape")

    def in_place(dA, Z):
        s = nc.sigmoid(Z)
        dA *= s * (1 - s)
        return dA

    assert_mistake(check_sigmoid_backward(in_place), "modified_input")
    fb = check_sigmoid_backward(lambda dA, Z: dA * 0.25)
    assert_mistake(fb, "unknown")
    assert "expected" in fb.message
