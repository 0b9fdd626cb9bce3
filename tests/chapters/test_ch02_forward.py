"""Chapter 2 (Layers and forward propagation): exercise checkers and widget logic."""

from __future__ import annotations

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises.ch02 import (
    check_forward,
    check_hidden_unit,
    check_layers_and_params,
    check_xnor_network,
    check_z1_shape,
)
from nbcore.widgets import forward as fw

# --- the running example (chapter 5 reuses these exact numbers) ------------------------------


def test_running_example_values():
    model = fw.running_example()
    X = fw.RUNNING_X.reshape(1, 2)
    z1 = model[0](X)[0]
    a1 = model[1](z1[None])[0]
    z2 = model[2](a1[None])[0]
    y_hat = model(X)[0, 0]
    assert np.allclose(z1, [0.25, -0.5, 1.0])
    assert np.allclose(a1, [0.5622, 0.3775, 0.7311], atol=5e-5)
    assert np.isclose(z2[0], 0.5775, atol=5e-5)
    assert round(y_hat, 4) == 0.6405
    assert fw.RUNNING_Y == 1.0
    assert [p.data.size for p in model.parameters()] == [6, 3, 3, 1]


def test_running_example_matches_notebook_weights():
    # the notebook sets the same numbers by hand; keep both in sync
    assert np.array_equal(fw.RUNNING_W1, [[0.5, -1.0], [-1.0, 0.5], [1.0, 1.0]])
    assert np.array_equal(fw.RUNNING_B1, [0.25, 0.25, -0.5])
    assert np.array_equal(fw.RUNNING_W2, [[-0.5, 1.0, 1.0]])
    assert np.array_equal(fw.RUNNING_B2, [-0.25])


# --- exercise 1: one hidden unit -------------------------------------------------------------


def test_hidden_unit_correct():
    assert check_hidden_unit((-2.25, 0.0953))
    assert check_hidden_unit((-2.25, float(nc.sigmoid(-2.25))))
    assert check_hidden_unit([-2.25, 0.09535])


@pytest.mark.parametrize(
    "answer, tag",
    [
        ((-2.5, float(nc.sigmoid(-2.5))), "no_bias"),
        ((-2.0, float(nc.sigmoid(-2.0))), "double_bias"),
        ((-2.75, float(nc.sigmoid(-2.75))), "transposed"),
        ((-2.25, -2.25), "no_activation"),
        ((-2.25, float(nc.sigmoid(2.25))), "sign"),
        ((0.0953, -2.25), "swapped"),
        ((-2.25, 0.5), "a"),
        ((3.0, 0.1), "z_wrong"),
        (0.0953, "format"),
        ("hello", "format"),
        (None, "missing"),
    ],
)
def test_hidden_unit_mistakes(answer, tag):
    fb = check_hidden_unit(answer)
    assert not fb and fb.mistake == tag, fb


def test_hidden_unit_source_numbering_message():
    # z = w2 x1 + w5 x2 + b2 = (-1)(2) + (1)(-1) + 0.25: the source's numbering, by input
    fb = check_hidden_unit((-2.75, float(nc.sigmoid(-2.75))))
    assert "w2 and w5" in fb.message and "(w3, w4) = (-1, 0.5)" in fb.message


# --- exercise 2: forward(X, params) ----------------------------------------------------------


def _forward_ok(X, params):
    A = X
    for W, b in params:
        A = nc.sigmoid(A @ W.T + b)
    return A


def _forward_not_transposed(X, params):
    A = X
    for W, b in params:
        A = nc.sigmoid(A @ W + b)
    return A


def _forward_no_bias(X, params):
    A = X
    for W, _b in params:
        A = nc.sigmoid(A @ W.T)
    return A


def _forward_no_output_activation(X, params):
    A = X
    for i, (W, b) in enumerate(params):
        Z = A @ W.T + b
        A = Z if i == len(params) - 1 else nc.sigmoid(Z)
    return A


def _forward_activation_first(X, params):
    A = X
    for W, b in params:
        A = nc.sigmoid(A) @ W.T + b
    return A


def _forward_transposed_output(X, params):
    return _forward_ok(X, params).T


def _forward_list(X, params):
    out = [X]
    for W, b in params:
        out.append(nc.sigmoid(out[-1] @ W.T + b))
    return out


def _forward_unchanged(X, params):
    return X


def _forward_crash(X, params):
    raise RuntimeError("boom")


def test_forward_correct():
    assert check_forward(_forward_ok)


@pytest.mark.parametrize(
    "fn, tag",
    [
        (_forward_not_transposed, "W_not_transposed"),
        (_forward_no_bias, "no_bias"),
        (_forward_no_output_activation, "no_output_activation"),
        (_forward_activation_first, "activation_wrong_layer"),
        (_forward_transposed_output, "transposed_output"),
        (_forward_list, "list"),
        (_forward_unchanged, "unchanged"),
        (_forward_crash, "error"),
        (None, "missing"),
        (42, "format"),
    ],
)
def test_forward_mistakes(fn, tag):
    fb = check_forward(fn)
    assert not fb and fb.mistake == tag, fb


def test_forward_square_case_catches_silent_transpose():
    # A @ W only raises on non-square W; on the 2-2-2 case the checker must still catch it
    def only_square_wrong(X, params):
        A = X
        for W, b in params:
            M = W if W.shape[0] == W.shape[1] else W.T
            A = nc.sigmoid(A @ M + b)
        return A

    fb = check_forward(only_square_wrong)
    assert not fb and fb.mistake == "W_not_transposed"


# --- exercise 3: the shape of Z^[1] ----------------------------------------------------------


def test_z1_shape_correct():
    assert check_z1_shape((5, 3))
    assert check_z1_shape([5, 3])
    assert check_z1_shape(nc.Dense(4, 3)(np.zeros((5, 4))).shape)


@pytest.mark.parametrize(
    "answer, tag",
    [
        ((3, 5), "transposed"),
        ((5, 4), "input_shape"),
        ((3, 4), "W_shape"),
        ((4, 3), "W_transposed"),
        ((5, 2), "wrong_layer"),
        ((3,), "bias_shape"),
        ((7, 7), "unknown"),
        (15, "format"),
        (None, "missing"),
    ],
)
def test_z1_shape_mistakes(answer, tag):
    fb = check_z1_shape(answer)
    assert not fb and fb.mistake == tag, fb


# --- exercise 4: layers and parameters --------------------------------------------------------


def test_layers_and_params_correct():
    net = nc.MLP([784, 128, 64, 10])
    P = sum(p.data.size for p in net.parameters())
    assert P == 109386
    assert check_layers_and_params((3, P))


@pytest.mark.parametrize(
    "answer, tag",
    [
        ((4, 109386), "counted_input_layer"),
        ((2, 109386), "L"),
        ((3, 109184), "no_biases"),
        ((3, 109386 + 784), "input_biases"),
        ((3, 986), "units"),
        ((3, 785 * 129 + 129 * 65 + 65 * 11), "plus_one_twice"),
        ((3, 12345), "P"),
        ("3", "format"),
        (None, "missing"),
    ],
)
def test_layers_and_params_mistakes(answer, tag):
    fb = check_layers_and_params(answer)
    assert not fb and fb.mistake == tag, fb


# --- exercise 5: XNOR network -----------------------------------------------------------------

XNOR = dict(
    W1=np.array([[1.0, 1.0], [-1.0, -1.0]]),
    b1=np.array([-1.5, 0.5]),
    W2=np.array([[1.0, 1.0]]),
    b2=np.array([-0.5]),
)


def test_xnor_correct():
    assert check_xnor_network(**XNOR)
    assert check_xnor_network(XNOR["W1"], XNOR["b1"], XNOR["W2"], -0.5)  # scalar b2 accepted


def test_xnor_mistakes():
    # the XOR network of the chapter computes the opposite
    fb = check_xnor_network([[1, 1], [-1, -1]], [-0.5, 1.5], [[1, 1]], [-1.5])
    assert not fb and fb.mistake == "xor"
    fb = check_xnor_network(XNOR["W1"], XNOR["b1"], XNOR["W2"].T, XNOR["b2"])
    assert not fb and fb.mistake == "W_transposed"
    # hidden weights written column-wise: W1.T instead of W1
    W1_rows = np.array([[1.0, -1.0], [1.0, -1.0]])
    fb = check_xnor_network(W1_rows, XNOR["b1"], XNOR["W2"], XNOR["b2"])
    assert not fb and fb.mistake == "W_transposed"
    fb = check_xnor_network(np.zeros((2, 3)), XNOR["b1"], XNOR["W2"], XNOR["b2"])
    assert not fb and fb.mistake == "shape"
    fb = check_xnor_network(np.zeros((2, 2)), np.zeros(2), np.zeros((1, 2)), np.zeros(1))
    assert not fb and fb.mistake == "truth_table" and "exactly 0" in fb.message
    fb = check_xnor_network(None, None, None, None)
    assert not fb and fb.mistake == "missing"
    fb = check_xnor_network("a", "b", "c", "d")
    assert not fb and fb.mistake == "format"


# --- widget logic -----------------------------------------------------------------------------


def test_forward_trace_matches_model():
    model = fw.running_example()
    zs, acts = fw.forward_trace(model, [1.0, 0.5])
    assert np.allclose(acts[0], [1.0, 0.5])
    assert np.allclose(zs[0], [0.25, -0.5, 1.0])
    assert np.isclose(acts[-1][0], model(np.array([[1.0, 0.5]]))[0, 0])
    with pytest.raises(ValueError, match="forward_trace"):
        fw.forward_trace(model, [[1.0, 0.5]])


@pytest.mark.parametrize("x1, x2", [(1.0, 0.5), (-2.0, 1.5), (0.0, 0.0), (3.0, -3.0)])
def test_network_view_update(x1, x2):
    model = fw.running_example()
    view = fw.NetworkView(model)
    y_hat = view.update(x1, x2)
    expected = model.predict(np.array([[x1, x2]]))[0, 0]
    assert np.isclose(y_hat, expected)
    assert view.readout() == f"\u0177 = a^[2] = {expected:.4f}"
    # node colours follow the activations (viridis of a)
    for j, a in enumerate(view.activations[1]):
        assert np.allclose(view.circles[1][j].get_facecolor(), view.cmap(view.norm(a)))
    assert view.values[2][0].get_text() == f"{expected:.4f}"
    assert view.zlabels[1][2].get_text() == f"z={view.zs[0][2]:.4f}"


def test_network_view_default_and_png():
    view = fw.NetworkView()
    assert view.readout() == "\u0177 = a^[2] = 0.6405"
    assert "0.6405" in repr(view)
    assert view.to_png()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="NetworkView.update"):
        view.update(1.0, None)
    with pytest.raises(ValueError, match="edge_labels"):
        fw.NetworkView(edge_labels="bad")
    with pytest.raises(TypeError, match="NetworkView"):
        fw.NetworkView(model=nc.Dense(2, 3))


def test_network_view_other_network():
    model = nc.MLP([3, 4, 2], "tanh", output="softmax")
    view = fw.NetworkView(model, x=[0.1, 0.2, 0.3], edge_labels=None)
    assert view.sizes == [3, 4, 2]
    assert np.allclose(view.y_hat, model(np.array([[0.1, 0.2, 0.3]]))[0])


def test_live_explorer_controls():
    pytest.importorskip("ipywidgets")
    box = fw.show_forward_explorer()
    assert repr(box) == "ForwardExplorer(controls=['x1', 'x2'])"
    assert "nbcore-readout" in box.readout._dom_classes
    assert box.readout.value == "\u0177 = a^[2] = 0.6405"
    for name in ("x1", "x2"):
        assert f"nbcore-ctl-{name}" in box.sliders[name]._dom_classes
        assert box.sliders[name].description == name
    model = fw.running_example()
    box.sliders["x1"].value = -1.5  # observe() runs the update
    box.sliders["x2"].value = 2.0
    expected = model.predict(np.array([[-1.5, 2.0]]))[0, 0]
    assert box.readout.value == f"\u0177 = a^[2] = {expected:.4f}"
    assert box.view.x.tolist() == [-1.5, 2.0]


def test_scrubber_frames():
    pytest.importorskip("ipywidgets")
    box = fw.forward_scrubber(values=[-1.0, 0.0, 1.0])
    assert repr(box) == "FrameScrubber(description='x\u2081', frames=3)"


# --------------------------------------------------------------------------- second edition
def test_hidden_unit_with_unit_1_weights_is_named():
    from nbcore.exercises.ch02 import check_hidden_unit

    z = 0.5 * 2.0 + (-1.0) * (-1.0) + 0.25  # row 1 of W1 and b1
    fb = check_hidden_unit((z, 1 / (1 + np.exp(-z))))
    assert not fb and fb.mistake == "unit1" and "unit 1" in fb.message


@pytest.mark.parametrize("a", [0.095, 0.1, 0.0950])
def test_hidden_unit_asks_for_four_decimals(a):
    from nbcore.exercises.ch02 import check_hidden_unit

    fb = check_hidden_unit((-2.25, a))
    assert not fb and fb.mistake == "precision"


@pytest.mark.parametrize("a", [0.0953, 0.0952, 0.09534946489910949])
def test_hidden_unit_four_decimals_pass(a):
    from nbcore.exercises.ch02 import check_hidden_unit

    assert check_hidden_unit((-2.25, a))


class TestCheckFixForward:
    from nbcore.exercises import ch02 as m

    def test_right_answer_passes(self):
        assert self.m.check_fix_forward(self.m._fwd_right)

    @pytest.mark.parametrize(
        "fn, tag",
        [
            ("_fwd_given", "unchanged"),
            ("_fwd_transpose_bug", "W_not_transposed"),
            ("_fwd_indent_bug", "activation_outside_loop"),
        ],
    )
    def test_each_remaining_bug_is_named(self, fn, tag):
        fb = self.m.check_fix_forward(getattr(self.m, fn))
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("fn", [None, "forward", 1.0, lambda X, params: X])
    def test_garbage(self, fn):
        fb = self.m.check_fix_forward(fn)
        assert not fb and fb.message


# --------------------------------------------------------- issue 21: check what the exercise states
def test_hidden_unit_solution_text_passes():
    """The solution writes z = -2.25 and a = 1 / (1 + 9.4877) = 0.0953."""
    assert check_hidden_unit((-2.25, 0.0953))
    assert check_hidden_unit((-2.25, 1 / (1 + 9.4877)))
    assert check_hidden_unit(np.array([-2.25, 0.0953]))


@pytest.mark.parametrize("z", [-2.252, -2.248, -2.245])
def test_hidden_unit_z_to_four_decimals(z):
    fb = check_hidden_unit((z, 0.0953))
    assert not fb and fb.mistake == "precision", fb
    assert str(z) in fb.message


@pytest.mark.parametrize("a", [0.1, 0.09, 0.095])
def test_hidden_unit_fewer_decimals_named(a):
    fb = check_hidden_unit((-2.25, a))
    assert not fb and fb.mistake == "precision" and str(a) in fb.message, fb


def test_hidden_unit_none_inside_the_pair_is_missing():
    fb = check_hidden_unit((None, None))
    assert not fb and fb.mistake == "missing"
    fb = check_hidden_unit((-2.25, None))
    assert not fb and fb.mistake == "missing"


def test_hidden_unit_wrong_a_is_shown():
    fb = check_hidden_unit((-2.25, 0.5))
    assert not fb and fb.mistake == "a" and "0.5" in fb.message


def _forward_solution(X, params):  # the solution cell of ex-02-forward
    A = X
    for W, b in params:
        Z = A @ W.T + b  # (m, n_in) @ (n_in, n_out) + (n_out,) -> (m, n_out)
        A = nc.sigmoid(Z)
    return A


def _forward_dense(X, params):
    A = X
    for W, b in params:
        layer = nc.Dense(W.shape[1], W.shape[0])
        layer.W.data[...], layer.b.data[...] = W, b
        A = nc.sigmoid(layer(A))
    return A


def _forward_sequential(X, params):
    layers = []
    for W, b in params:
        layer = nc.Dense(W.shape[1], W.shape[0])
        layer.W.data[...], layer.b.data[...] = W, b
        layers += [layer, nc.Sigmoid()]
    return nc.Sequential(*layers)(X)


def _forward_nested_list(X, params):
    return _forward_ok(X, params).tolist()


def test_forward_solution_and_harmless_variants_pass():
    assert check_forward(_forward_solution)
    assert check_forward(_forward_nested_list)  # the right numbers, as nested lists


@pytest.mark.parametrize("fn", [_forward_dense, _forward_sequential])
def test_forward_with_dense_is_refused(fn):
    """'Use NumPy and nc.sigmoid only, no nc.Dense': right values from nc.Dense are refused."""
    fb = check_forward(fn)
    assert not fb and fb.mistake == "used_dense", fb
    assert "values are right" in fb.message


def test_forward_wrong_values_show_the_entry():
    def off(X, params):
        return _forward_ok(X, params) + 0.01

    fb = check_forward(off)
    assert not fb and fb.mistake == "values"
    assert "expected" in fb.message and "difference" in fb.message


def test_z1_shape_solution_passes():
    assert check_z1_shape((5, 3))
    assert check_z1_shape(np.array([5, 3]))
    assert check_z1_shape((5.0, 3.0))  # whole numbers written as floats: harmless


@pytest.mark.parametrize("answer", ["53", "(5, 3)", {5: 0, 3: 0}, (5.7, 3.2), (True, 3), ()])
def test_z1_shape_garbage_is_not_read_as_a_shape(answer):
    """A string, a dict, fractions or booleans are not a shape (int("5") made "53" pass)."""
    fb = check_z1_shape(answer)
    assert not fb and fb.mistake == "format", fb


def test_layers_and_params_solution_text_passes():
    assert check_layers_and_params((3, 109386))
    assert check_layers_and_params((3.0, 109386.0))


def test_layers_and_params_wrong_p_is_shown():
    fb = check_layers_and_params((3, 12345))
    assert not fb and fb.mistake == "P" and "12345" in fb.message


def test_xnor_solution_text_passes():
    """The solution: h1 = AND, h2 = NOR, y = step(h1 + h2 - 0.5)."""
    W1, b1 = np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([-1.5, 0.5])
    assert check_xnor_network(W1, b1, np.array([[1.0, 1.0]]), np.array([-0.5]))
    assert check_xnor_network([[1, 1], [-1, -1]], [-1.5, 0.5], [[1, 1]], [-0.5])  # ints, lists


def test_xnor_non_finite_is_refused():
    W1 = np.array([[np.nan, 1.0], [-1.0, -1.0]])
    fb = check_xnor_network(W1, XNOR["b1"], XNOR["W2"], XNOR["b2"])
    assert not fb and fb.mistake == "not_finite"


def test_fix_forward_solution_passes():
    from nbcore.exercises.ch02 import check_fix_forward

    assert check_fix_forward(_forward_solution)
