"""Chapter 3 (Activation functions): exercise checkers and the activation explorer's logic."""

import warnings

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises.ch03 import (
    chain_factors,
    check_chain_gradient,
    check_leaky_relu,
    check_sigmoid_grad,
    check_stable_sigmoid,
    check_tanh_via_sigmoid,
)
from nbcore.widgets.activations import (
    NAMES,
    SCRUBBER_NAMES,
    ActivationExplorer,
    Comparison,
    activation_pair,
    compare_at,
)

NONSENSE = [None, "0.045", [1, 2], object(), float("nan"), True]


def assert_mistake(feedback, tag):
    assert not feedback, feedback
    assert feedback.mistake == tag, (feedback.mistake, feedback.message)
    assert str(feedback).startswith("Not yet")


# ------------------------------------------------------------------ ex-03-sigmoid-grad
def test_sigmoid_grad_reference():
    s = 1 / (1 + np.exp(-3.0))
    assert check_sigmoid_grad(s * (1 - s))
    assert check_sigmoid_grad(0.0452)  # four digits, as written by hand
    assert check_sigmoid_grad(np.float64(0.045177))


@pytest.mark.parametrize(
    "answer, tag",
    [
        (-6.0, "z-instead-of-sigma"),  # 3 * (1 - 3)
        (0.9526, "value-not-derivative"),
        (0.0474, "one-factor"),
        (1 - 0.9526**2, "tanh-formula"),
        (0.25, "max-at-zero"),
        (0.0475, "rounding"),  # 0.95 * 0.05
        (0.5, "unknown"),
    ],
)
def test_sigmoid_grad_mistakes(answer, tag):
    assert_mistake(check_sigmoid_grad(answer), tag)


@pytest.mark.parametrize("answer", NONSENSE)
def test_sigmoid_grad_nonsense_never_raises(answer):
    assert not check_sigmoid_grad(answer)


# ------------------------------------------------------------------ ex-03-stable-sigmoid
def stable_reference(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_stable_sigmoid_reference():
    assert check_stable_sigmoid(stable_reference)
    assert check_stable_sigmoid(nc.sigmoid)


def test_stable_sigmoid_mistakes():
    # the naive formula: right values, but exp(1000) overflows (the warning is caught)
    assert_mistake(check_stable_sigmoid(lambda z: 1 / (1 + np.exp(-z))), "overflow")
    # the other naive form: inf / inf = nan at z = 1000
    assert_mistake(check_stable_sigmoid(lambda z: np.exp(z) / (1 + np.exp(z))), "nan")

    def with_if(z):
        if z >= 0:
            return 1 / (1 + np.exp(-z))
        return np.exp(z) / (1 + np.exp(z))

    assert_mistake(check_stable_sigmoid(with_if), "if-on-array")
    assert_mistake(check_stable_sigmoid(lambda z: stable_reference(-z)), "sign")

    def cancels(z):  # 1 - sigma(|z|) for negative z loses sigma(-40) = 4e-18 entirely
        s = 1 / (1 + np.exp(-np.abs(z)))
        return np.where(z >= 0, s, 1 - s)

    assert_mistake(check_stable_sigmoid(cancels), "cancellation")

    def in_place(z):
        z *= 1.0
        z[...] = stable_reference(z)
        return z

    assert_mistake(check_stable_sigmoid(in_place), "mutates-input")
    assert_mistake(check_stable_sigmoid(lambda z: 0.5), "shape")
    assert_mistake(check_stable_sigmoid(lambda z: 1 / 0), "raised")
    assert_mistake(check_stable_sigmoid(None), "missing")
    assert_mistake(check_stable_sigmoid(3), "not-callable")


def test_checkers_leak_no_warning():
    # pytest turns RuntimeWarnings into errors (pyproject); the checker must swallow them
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_stable_sigmoid(lambda z: 1 / (1 + np.exp(-z)))


# ------------------------------------------------------------------ ex-03-leaky-relu
def leaky(z, alpha):
    return np.where(z > 0, z, alpha * z)


def leaky_grad(z, alpha):
    return np.where(z > 0, 1.0, alpha)


def test_leaky_relu_reference():
    assert check_leaky_relu(leaky, leaky_grad)
    assert check_leaky_relu(nc.leaky_relu, nc.leaky_relu_grad)
    assert check_leaky_relu(lambda z, a: np.maximum(a * z, z), leaky_grad)  # fine for a <= 1


def test_leaky_relu_mistakes():
    assert_mistake(
        check_leaky_relu(lambda z, a: np.where(z > 0, a * z, z), leaky_grad),
        "slope-on-positive-side",
    )
    assert_mistake(check_leaky_relu(lambda z, a: a * z, leaky_grad), "slope-on-positive-side")
    assert_mistake(check_leaky_relu(lambda z, a: np.maximum(z, 0), leaky_grad), "forgot-alpha")
    assert_mistake(
        check_leaky_relu(lambda z, a: np.where(z > 0, z, 0.01 * z), leaky_grad),
        "hardcoded-alpha",
    )
    assert_mistake(
        check_leaky_relu(leaky, lambda z, a: (z > 0).astype(float)), "grad-zero-negative"
    )
    assert_mistake(
        check_leaky_relu(leaky, lambda z, a: np.where(z > 0, a, 1.0)),
        "grad-slope-on-positive-side",
    )
    assert_mistake(check_leaky_relu(leaky, leaky), "grad-returns-value")
    assert_mistake(check_leaky_relu(leaky, lambda z, a: 1.0), "grad-shape")
    assert_mistake(check_leaky_relu(lambda z, a: z * np.exp(z > 0) * 1e10, leaky_grad), "extreme")
    assert_mistake(check_leaky_relu(None, leaky_grad), "missing")


# ------------------------------------------------------------------ ex-03-chain
def test_chain_reference():
    a, grad = 3.0, 1.0
    for _ in range(5):
        s = 1 / (1 + np.exp(-a))
        grad *= s * (1 - s)
        a = s
    assert check_chain_gradient(grad)
    assert np.isclose(grad, np.prod(chain_factors()))
    # the same number by centred differences through the whole chain
    x = np.array([3.0])

    def chain():
        a = x
        for _ in range(5):
            a = nc.sigmoid(a)
        return float(a[0])

    assert check_chain_gradient(float(nc.numerical_gradient(chain, x)[0]))


@pytest.mark.parametrize(
    "make, tag",
    [
        (lambda f, v: 0.25**5, "assumed-z-zero"),
        (lambda f, v: np.prod(v), "product-of-sigma"),
        (lambda f, v: np.sum(f), "summed"),
        (lambda f, v: np.prod(f[1:]), "missing-factor"),
        (lambda f, v: 0.5, "above-bound"),
        (lambda f, v: 1e-9, "unknown"),
    ],
)
def test_chain_mistakes(make, tag):
    factors = chain_factors()
    values = []
    a = 3.0
    for _ in range(5):
        a = float(nc.sigmoid(a))
        values.append(a)
    assert_mistake(check_chain_gradient(make(factors, values)), tag)


def test_chain_z_instead_of_sigma():
    a, prod = 3.0, 1.0
    for _ in range(5):
        prod *= a * (1 - a)
        a = float(nc.sigmoid(a))
    assert_mistake(check_chain_gradient(prod), "z-instead-of-sigma")


@pytest.mark.parametrize("answer", NONSENSE)
def test_chain_nonsense_never_raises(answer):
    assert not check_chain_gradient(answer)


# ------------------------------------------------------------------ ex-03-tanh-sigmoid
def my_tanh(z):
    return 2 * nc.sigmoid(2 * z) - 1


def my_tanh_grad(z):
    s = nc.sigmoid(2 * z)
    return 4 * s * (1 - s)


def test_tanh_via_sigmoid_reference():
    assert check_tanh_via_sigmoid(my_tanh, my_tanh_grad)
    # "using only nc.sigmoid (no np.tanh, no np.exp)": nbcore's own tanh is refused
    assert_mistake(check_tanh_via_sigmoid(nc.tanh, nc.tanh_grad), "not-via-sigmoid")


def test_tanh_via_sigmoid_mistakes():
    assert_mistake(check_tanh_via_sigmoid(my_tanh, lambda z: 1 - my_tanh(z)), "one-minus-tanh")
    assert_mistake(
        check_tanh_via_sigmoid(my_tanh, lambda z: 2 * nc.sigmoid_grad(2 * z)),
        "missing-chain-factor",
    )
    assert_mistake(check_tanh_via_sigmoid(my_tanh, lambda z: 4 * nc.sigmoid_grad(z)), "chain-rule")
    assert_mistake(check_tanh_via_sigmoid(my_tanh, my_tanh), "value-not-derivative")
    assert_mistake(
        check_tanh_via_sigmoid(lambda z: 2 * nc.sigmoid(z) - 1, my_tanh_grad), "forgot-2z"
    )
    naive = lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))  # noqa: E731
    assert_mistake(check_tanh_via_sigmoid(naive, my_tanh_grad), "overflow")
    assert_mistake(check_tanh_via_sigmoid(my_tanh, None), "missing")


# ------------------------------------------------------------------ widget logic
@pytest.mark.parametrize("name", list(NAMES))
@pytest.mark.parametrize("z", [-2.0, 0.0, 0.35, 1.0, 5.5])
def test_explorer_matches_nbcore(name, z):
    ex = ActivationExplorer(name, z=z, alpha=0.2)
    g, d = nc.activations.ACTIVATIONS[name]
    if name == "leaky_relu":
        g, d = (lambda v: nc.leaky_relu(v, 0.2)), (lambda v: nc.leaky_relu_grad(v, 0.2))
    assert ex.value == pytest.approx(float(g(np.array([z]))[0]), rel=1e-15, abs=0)
    assert ex.slope == pytest.approx(float(d(np.array([z]))[0]), rel=1e-15, abs=0)


def test_explorer_readout_and_controls():
    ex = ActivationExplorer()  # sigmoid at z = 1
    assert ex.readout() == "g(z) = 0.7311, g'(z) = 0.1966"
    ex.set(name="tanh", z=0.0)
    assert ex.readout() == "g(z) = 0.0000, g'(z) = 1.0000"
    ex.set(name="leaky_relu", z=-2.0, alpha=0.25)
    assert ex.readout() == "g(z) = -0.5000, g'(z) = 0.2500"
    ex.set(alpha=0.05)
    assert (ex.value, ex.slope) == (-0.1, 0.05)
    ex.set(name="sigmoid", z=10.0)  # tiny slopes switch to scientific notation
    assert ex.readout() == f"g(z) = 1.0000, g'(z) = {float(nc.sigmoid_grad(10.0)):.3e}"


def test_explorer_figure_follows_controls():
    ex = ActivationExplorer("relu", z=2.0)
    fig = ex.figure()
    assert ex.figure() is fig  # created once
    ex.set(name="sigmoid", z=-1.0)
    assert ex.figure() is fig  # updated, not recreated
    x, y = ex._g_dot.get_data()
    assert (x[0], y[0]) == (-1.0, pytest.approx(float(nc.sigmoid(-1.0))))
    x, y = ex._d_dot.get_data()
    assert y[0] == pytest.approx(float(nc.sigmoid_grad(-1.0)))
    np.testing.assert_allclose(ex._d_line.get_ydata(), nc.sigmoid_grad(ex.z_grid))
    assert "sigmoid" in ex._ax_g.get_title()


def test_explorer_rejects_bad_controls():
    with pytest.raises(ValueError, match="expected name in"):
        ActivationExplorer("swish")
    with pytest.raises(ValueError, match="alpha"):
        ActivationExplorer().set(alpha=-0.1)
    with pytest.raises(TypeError, match="z"):
        ActivationExplorer().set(z="1")
    with pytest.raises(ValueError, match="expected name in"):
        activation_pair("softmax")


def test_live_widget_controls():
    pytest.importorskip("ipywidgets")
    from nbcore.widgets.activations import show_activation_explorer

    box = show_activation_explorer()
    controls, readout, image = box.children
    dropdown, z_slider, a_slider = controls.children
    assert "nbcore-readout" in readout._dom_classes
    assert [c._dom_classes[0] for c in (dropdown, z_slider, a_slider)] == [
        "nbcore-ctl-activation",
        "nbcore-ctl-z",
        "nbcore-ctl-alpha",
    ]
    assert readout.value == "g(z) = 0.7311, g'(z) = 0.1966"
    assert a_slider.disabled
    z_slider.value = -2.0
    assert readout.value == "g(z) = 0.1192, g'(z) = 0.1050"
    dropdown.value = "leaky_relu"
    assert not a_slider.disabled
    a_slider.value = 0.3
    assert readout.value == "g(z) = -0.6000, g'(z) = 0.3000"
    assert image.value[:4] == b"\x89PNG"


def test_comparison_frames_follow_z():
    comparison = Comparison()
    fig = comparison.at(-3.0)
    assert comparison.at(2.5) is fig  # one figure, updated per frame
    for name, s in zip(SCRUBBER_NAMES, comparison.slopes(2.5), strict=True):
        g, d = nc.activations.ACTIVATIONS[name]
        assert s == float(d(np.array([2.5]))[0])
    texts = [t.get_text() for t in comparison.legend.get_texts()]
    assert texts[1] == f"tanh: {float(nc.tanh_grad(2.5)):.3f}"
    assert comparison.g_dots[2].get_data()[1][0] == 2.5  # ReLU(2.5)
    with pytest.raises(ValueError, match="expected names"):
        Comparison(names=("swish",))


def test_scrubber_widget():
    pytest.importorskip("ipywidgets")
    from nbcore.widgets.activations import activation_scrubber

    box = activation_scrubber(values=[-1.0, 0.0, 1.0], start=0.0)
    assert repr(box) == "FrameScrubber(description='z', frames=3)"
    slider, stack = box.children
    assert stack.selected_index == 1 and len(stack.children) == 3


def test_compare_at_frame():
    fig = compare_at(1.0)
    ax_g, ax_d = fig.axes
    labels = [t.get_text() for t in ax_d.get_legend().get_texts()]
    assert labels[0].endswith(f"{float(nc.sigmoid_grad(1.0)):.3f}")
    assert "z = 1.0" in ax_g.get_title()


# --------------------------------------------------------------------------- second edition
def test_sigmoid_grad_asks_for_four_decimals():
    from nbcore.exercises.ch03 import check_sigmoid_grad

    assert check_sigmoid_grad(0.0452)
    fb = check_sigmoid_grad(0.045)
    assert not fb and fb.mistake == "precision"


def test_clipped_stable_sigmoid_shows_the_entry_that_differs():
    """A clip-based sigmoid gives 7e-218 at z = -1000 where the answer is 0: the message says so."""
    from nbcore.exercises.ch03 import check_stable_sigmoid

    fb = check_stable_sigmoid(lambda z: 1 / (1 + np.exp(-np.clip(z, -500, 500))))
    assert not fb and fb.mistake == "clipped"
    assert "7.1245764e-218" in fb.message or "e-218" in fb.message
    assert "entry [0, 0]" in fb.message


class TestCheckFixReluGrad:
    from nbcore.exercises import ch03 as m

    def test_right_answers_pass(self):
        assert self.m.check_fix_relu_grad(lambda z: (z > 0).astype(float))
        assert self.m.check_fix_relu_grad(lambda z: np.where(z > 0, 1.0, 0.0))

    def _inplace_fixed(z):
        g = z
        g[g > 0] = 1
        g[g < 0] = 0
        return g

    @pytest.mark.parametrize(
        "fn, tag",
        [
            ("_relu_grad_given", "unchanged"),
            ("_relu_grad_negatives_kept", "negatives-kept"),
            ("_relu_grad_at_zero_one", "zero-convention"),
            (_inplace_fixed, "modified_input"),
        ],
    )
    def test_each_remaining_bug_is_named(self, fn, tag):
        fn = getattr(self.m, fn) if isinstance(fn, str) else fn
        fb = self.m.check_fix_relu_grad(fn)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("fn", [None, "relu", 1.0, lambda z: "1"])
    def test_garbage(self, fn):
        fb = self.m.check_fix_relu_grad(fn)
        assert not fb and fb.message


# --------------------------------------------------------- issue 21: check what the exercise states
def test_sigmoid_grad_solution_text_passes():
    """The solution: sigma(3) = 1 / 1.0498 = 0.9526, 0.9526 x 0.0474 = 0.0452."""
    assert check_sigmoid_grad(0.0452)
    assert check_sigmoid_grad(0.9526 * 0.0474)  # from the rounded factors: 0.04515
    assert check_sigmoid_grad(1 / 1.0498 * (1 - 1 / 1.0498))  # from e^-3 = 0.0498
    assert check_sigmoid_grad(np.float32(0.0452))


@pytest.mark.parametrize("answer", [0.05, 0.045, 0.0450])
def test_sigmoid_grad_fewer_decimals_named(answer):
    fb = check_sigmoid_grad(answer)
    assert_mistake(fb, "precision")
    assert "four decimal places" in fb.message and str(answer) in fb.message


def test_sigmoid_grad_wrong_value_is_shown():
    fb = check_sigmoid_grad(0.123)
    assert_mistake(fb, "unknown")
    assert "0.123" in fb.message


def stable_solution(z):  # the solution cell of ex-03-stable-sigmoid
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_stable_sigmoid_solution_passes_and_input_is_kept():
    """The text now says 'leave z unchanged', which the checker enforces."""
    assert check_stable_sigmoid(stable_solution)

    def in_place(z):
        z[...] = stable_solution(z)
        return z

    fb = check_stable_sigmoid(in_place)
    assert_mistake(fb, "mutates-input")


def test_stable_sigmoid_nan_names_where():
    fb = check_stable_sigmoid(lambda z: np.exp(z) / (1 + np.exp(z)))
    assert_mistake(fb, "nan")
    assert "NaN at z = 1000" in fb.message


def leaky_ge(z, alpha):
    return np.where(z >= 0, 1.0, alpha)


def test_leaky_relu_solution_passes():
    def leaky_solution(z, alpha):
        return np.where(z > 0, z, alpha * z)

    def leaky_grad_solution(z, alpha):
        return np.where(z > 0, 1.0, alpha)

    assert check_leaky_relu(leaky_solution, leaky_grad_solution)


def test_leaky_relu_grad_at_zero_is_alpha():
    """'g'(z) = 1 for z > 0 and alpha otherwise': the slope at z = 0 is alpha (nbcore too)."""
    assert np.all(nc.leaky_relu_grad(np.zeros(1), 0.2) == 0.2)
    fb = check_leaky_relu(leaky, leaky_ge)
    assert_mistake(fb, "grad-zero-convention")
    assert "z = 0" in fb.message


def test_leaky_relu_shape_messages_show_the_result():
    fb = check_leaky_relu(lambda z, a: 0.5, leaky_grad)
    assert_mistake(fb, "shape")
    assert "0.5" in fb.message


def test_chain_three_significant_digits():
    """The text asks for three significant digits: 1.00e-4 (the solution text) passes."""
    expected = float(np.prod(chain_factors()))
    assert round(expected, 7) == 1.003e-4
    for answer in (1.00e-4, 1.0e-4, 1.003e-4, 1.01e-4, 0.99e-4, expected):
        assert check_chain_gradient(answer), answer


@pytest.mark.parametrize("answer", [1.1e-4, 9.5e-5, 1.03e-4])
def test_chain_too_coarse_is_precision(answer):
    fb = check_chain_gradient(answer)
    assert_mistake(fb, "precision")
    assert "three significant digits" in fb.message


def tanh_solution(z):  # the solution cell of ex-03-tanh-sigmoid
    return 2 * nc.sigmoid(2 * z) - 1


def tanh_grad_solution(z):
    s = nc.sigmoid(2 * z)
    return 4 * s * (1 - s)


def tanh_numpy(z):
    return np.tanh(z)


def tanh_grad_numpy(z):
    return 1 - np.tanh(z) ** 2


def tanh_grad_exp(z):
    e = np.exp(-2 * np.abs(z))
    return 4 * e / (1 + e) ** 2


def test_tanh_via_sigmoid_solution_passes():
    assert check_tanh_via_sigmoid(tanh_solution, tanh_grad_solution)

    def grad_from_my_tanh(z):  # reusing the reader's own my_tanh is allowed
        return 1 - tanh_solution(z) ** 2

    assert check_tanh_via_sigmoid(tanh_solution, grad_from_my_tanh)


@pytest.mark.parametrize(
    "fn, grad, name",
    [
        (tanh_numpy, tanh_grad_solution, "my_tanh"),
        (tanh_solution, tanh_grad_numpy, "my_tanh_grad"),
        (tanh_solution, tanh_grad_exp, "my_tanh_grad"),
    ],
)
def test_tanh_via_sigmoid_refuses_np_tanh_and_np_exp(fn, grad, name):
    """'using only nc.sigmoid (no np.tanh, no np.exp)': right values from them are refused."""
    fb = check_tanh_via_sigmoid(fn, grad)
    assert_mistake(fb, "not-via-sigmoid")
    assert f"`{name}`" in fb.message


def test_tanh_wrong_grad_shows_the_entry():
    fb = check_tanh_via_sigmoid(tanh_solution, lambda z: tanh_grad_solution(z) + 0.1)
    assert_mistake(fb, "grad")
    assert "expected" in fb.message and "difference" in fb.message


def test_fix_relu_grad_solution_passes():
    from nbcore.exercises.ch03 import check_fix_relu_grad

    def relu_grad(z):  # the solution cell
        return (z > 0).astype(float)

    assert check_fix_relu_grad(relu_grad)
