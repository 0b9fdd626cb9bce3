"""Chapter 6 (Softmax and multi-class classification): checkers and the softmax explorer."""

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises import ch06
from nbcore.widgets import softmax as W

Z_HAND = ch06.HAND_Z
P_HAND = nc.softmax(Z_HAND)
LOSS_HAND = -np.log(P_HAND[ch06.HAND_CLASS])
Y_HAND = nc.one_hot([ch06.HAND_CLASS], 3)[0]

# --------------------------------------------------------------------------- checkers


class TestCheckSoftmaxByHand:
    def test_reference_solution_passes(self):
        assert ch06.check_softmax_by_hand(P_HAND, LOSS_HAND)
        assert ch06.check_softmax_by_hand([0.8438, 0.1142, 0.0420], 2.1698)

    @pytest.mark.parametrize(
        "p, tag",
        [
            (np.exp(Z_HAND), "not_normalised"),
            (Z_HAND / Z_HAND.sum(), "normalised_logits"),
            (nc.sigmoid(Z_HAND), "sigmoid"),
            (10**Z_HAND / np.sum(10**Z_HAND), "base10"),
        ],
    )
    def test_probability_mistakes(self, p, tag):
        fb = ch06.check_softmax_by_hand(p, LOSS_HAND)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize(
        "loss, tag",
        [
            (LOSS_HAND / np.log(10), "log10"),
            (-LOSS_HAND, "sign"),
            (-np.log(P_HAND[0]), "wrong_class"),
            (1 - P_HAND[1], "one_minus_p"),
        ],
    )
    def test_loss_mistakes(self, loss, tag):
        fb = ch06.check_softmax_by_hand(P_HAND, loss)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize(
        "p, loss", [(None, None), ("abc", 1.0), ([0.5, 0.5], 1.0), (P_HAND, None), (P_HAND, "x")]
    )
    def test_nonsense_gets_a_polite_wrong(self, p, loss):
        fb = ch06.check_softmax_by_hand(p, loss)
        assert not fb and fb.message


def _stable(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


class TestCheckStableSoftmax:
    def test_reference_solutions_pass(self):
        assert ch06.check_stable_softmax(_stable)

        def from_logsumexp(Z):  # another NumPy-only answer
            m = Z.max(axis=1, keepdims=True)
            return np.exp(Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))

        assert ch06.check_stable_softmax(from_logsumexp)

    def test_softmax_from_nbcore_is_refused(self):
        # the exercise asks for NumPy only
        fb = ch06.check_stable_softmax(lambda Z: nc.softmax(Z, axis=1))
        assert not fb and fb.mistake == "uses_nbcore"

    def test_forgetting_the_max_shift(self):
        fb = ch06.check_stable_softmax(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))
        assert not fb and fb.mistake == "no_max_shift"

    def test_global_max(self):
        def global_max(Z):
            E = np.exp(Z - Z.max())
            return E / E.sum(axis=1, keepdims=True)

        fb = ch06.check_stable_softmax(global_max)
        assert not fb and fb.mistake == "global_max"

    @pytest.mark.parametrize(
        "fn",
        [
            lambda Z: (
                np.exp(Z - Z.max(axis=1, keepdims=True))
                / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=0, keepdims=True)
            ),
            lambda Z: (
                np.exp(Z - Z.max(axis=1, keepdims=True))
                / np.exp(Z - Z.max(axis=1, keepdims=True)).sum()
            ),
        ],
    )
    def test_dividing_by_the_wrong_sum(self, fn):
        fb = ch06.check_stable_softmax(fn)
        assert not fb and fb.mistake == "wrong_axis"

    def test_missing_keepdims(self):
        def no_keepdims(Z):
            E = np.exp(Z - Z.max(axis=1))
            return E / E.sum(axis=1)

        fb = ch06.check_stable_softmax(no_keepdims)
        assert not fb and fb.mistake == "keepdims"

    def test_a_broadcast_error_gets_a_keepdims_hint(self):
        def raises(Z):
            if Z.shape[0] != Z.shape[1]:
                raise ValueError("operands could not be broadcast together")
            return _stable(Z)

        fb = ch06.check_stable_softmax(raises)
        assert not fb and fb.mistake == "raised" and "keepdims" in fb.message

    @pytest.mark.parametrize("value", [None, "softmax", 3, lambda Z: None])
    def test_nonsense_gets_a_polite_wrong(self, value):
        fb = ch06.check_stable_softmax(value)
        assert not fb and fb.message


class TestCheckSoftmaxCEGrad:
    def test_reference_solution_passes(self):
        assert ch06.check_softmax_ce_grad(P_HAND - Y_HAND)
        assert ch06.check_softmax_ce_grad([0.8438, -0.8858, 0.0420])

    @pytest.mark.parametrize(
        "grad, tag",
        [
            (Y_HAND - P_HAND, "sign"),
            (P_HAND - ch06.HAND_CLASS, "label_not_one_hot"),
            (P_HAND, "forgot_y"),
            (-Y_HAND / P_HAND, "dL_dp"),
            (P_HAND - np.array([1.0, 0, 0]), "wrong_class"),
        ],
    )
    def test_typical_mistakes_are_named(self, grad, tag):
        fb = ch06.check_softmax_ce_grad(grad)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("value", [None, "p - y", [1.0, 2.0]])
    def test_nonsense_gets_a_polite_wrong(self, value):
        fb = ch06.check_softmax_ce_grad(value)
        assert not fb and fb.message


class TestCheckTemperature:
    def test_reference_solution_passes(self):
        assert ch06.check_temperature(nc.softmax(Z_HAND / 0.5))

    @pytest.mark.parametrize(
        "p, tag",
        [
            (nc.softmax(Z_HAND * 0.5), "multiplied"),
            (nc.softmax(Z_HAND), "ignored_T"),
            (nc.softmax(Z_HAND) / 0.5, "divided_p"),
        ],
    )
    def test_typical_mistakes_are_named(self, p, tag):
        fb = ch06.check_temperature(p)
        assert not fb and fb.mistake == tag

    def test_nonsense(self):
        assert ch06.check_temperature(None).mistake == "missing"
        assert ch06.check_temperature("x").mistake == "type"


class TestCheckLogSumExp:
    def test_reference_solutions_pass(self):
        assert ch06.check_logsumexp(nc.logsumexp)
        assert ch06.check_logsumexp(lambda z: z.max() + np.log(np.sum(np.exp(z - z.max()))))

    @pytest.mark.parametrize(
        "fn, tag",
        [
            (lambda z: np.log(np.sum(np.exp(z))), "overflow"),
            (lambda z: np.log(np.sum(np.exp(z))) if z.max() < 0 else nc.logsumexp(z), "underflow"),
            (lambda z: np.log(np.sum(np.exp(z - z.max()))), "forgot_m"),
            (lambda z: z.max() + np.log10(np.sum(np.exp(z - z.max()))), "log10"),
            (lambda z: z.max(), "max_only"),
        ],
    )
    def test_typical_mistakes_are_named(self, fn, tag):
        fb = ch06.check_logsumexp(fn)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("value", [None, 1.0, lambda z: "x", lambda z: z])
    def test_nonsense_gets_a_polite_wrong(self, value):
        fb = ch06.check_logsumexp(value)
        assert not fb and fb.message


# --------------------------------------------------------------------------- widget logic


class TestSoftmaxState:
    def test_default_readout_matches_the_brief(self):
        s = W.softmax_state([2.0, 1.0, 0.0], 1.0, 0)
        text = W.format_readout(s["p"], s["loss"], s["target"])
        assert text == "p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076"

    @pytest.mark.parametrize("T", [0.1, 0.5, 1.0, 3.0])
    @pytest.mark.parametrize("target", [0, 1, 2, 3])
    def test_against_nbcore(self, T, target):
        z = np.array([3.0, 1.0, 0.1, 0.5])
        s = W.softmax_state(z, T, target)
        assert np.allclose(s["p"], nc.softmax(z / T))
        assert np.isclose(s["loss"], -nc.log_softmax(z / T)[target])

    def test_bad_inputs(self):
        with pytest.raises(ValueError, match="softmax_state"):
            W.softmax_state([1.0, 2.0], T=0.0)
        with pytest.raises(ValueError, match="softmax_state"):
            W.softmax_state([1.0, 2.0], target=2)
        with pytest.raises(TypeError, match="softmax_state"):
            W.softmax_state([1.0, 2.0], target=0.5)
        with pytest.raises(ValueError, match="softmax_state"):
            W.softmax_state([1.0])


class TestSoftmaxExplorer:
    def test_each_control(self):
        ex = W.SoftmaxExplorer()
        for name, value in [("z0", -1.5), ("z1", 4.0), ("z2", 0.3), ("T", 0.4), ("target", 2)]:
            s = ex.set(**{name: value})
            z = ex.z.copy()
            expected_p = nc.softmax(z / ex.T)
            assert np.allclose(s["p"], expected_p)
            expected_loss = nc.cross_entropy((z / ex.T)[None, :], np.array([ex.target]))
            assert np.isclose(s["loss"], expected_loss)
            assert ex.readout() == W.format_readout(expected_p, expected_loss, ex.target)
        assert list(ex.z) == [-1.5, 4.0, 0.3] and ex.T == 0.4 and ex.target == 2

    def test_bars_are_updated_in_place(self):
        ex = W.SoftmaxExplorer(z=(3.0, 1.0, 0.1, 0.5))
        bars = list(ex._pbars)
        ex.set(T=2.0)
        assert list(ex._pbars) == bars
        heights = [b.get_height() for b in ex._pbars]
        assert np.allclose(heights, nc.softmax(np.array([3.0, 1.0, 0.1, 0.5]) / 2.0))

    def test_bad_controls_leave_the_state_unchanged(self):
        ex = W.SoftmaxExplorer()
        with pytest.raises(ValueError):
            ex.set(T=-1.0)
        with pytest.raises(TypeError, match="SoftmaxExplorer.set"):
            ex.set(z7=1.0)
        with pytest.raises(ValueError, match="SoftmaxExplorer.set"):
            ex.set(z=[1.0, 2.0])
        assert ex.readout() == "p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076"

    def test_png(self):
        assert W.SoftmaxExplorer().png()[:4] == b"\x89PNG"

    def test_fast_png_matches_a_full_draw(self):
        import io

        from PIL import Image

        from nbcore.widgets._html import figure_to_png

        def pixels(png):
            return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

        fast, full = W.SoftmaxExplorer(), W.SoftmaxExplorer()
        fast.png()
        for controls in [{"z0": -2.0}, {"T": 0.3}, {"target": 2}, {"z2": 4.5}, {"target": 0}]:
            fast.set(**controls)
            full.set(**controls)
            a = pixels(fast.png())
            b = pixels(figure_to_png(full.fig, dpi=72, close=False))
            assert a.shape == b.shape and np.abs(a - b).max() <= 2, controls


def test_live_widget_controls_drive_the_readout():
    pytest.importorskip("ipywidgets")
    box = W.show_softmax_explorer()
    for name, control in box.controls.items():
        assert f"nbcore-ctl-{name}" in control._dom_classes and control.description
    assert "nbcore-readout" in box.readout._dom_classes
    assert box.readout.value == "p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076"
    box.controls["z2"].value = 3.0
    box.controls["T"].value = 2.0
    box.controls["target"].value = 1
    z = np.array([2.0, 1.0, 3.0]) / 2.0
    expected = W.format_readout(nc.softmax(z), -nc.log_softmax(z)[1], 1)
    assert box.readout.value == expected
    assert repr(box) == "SoftmaxExplorerWidget(SoftmaxExplorer(z=[2, 1, 3], T=2, target=1))"


def test_temperature_scrubber_is_kernel_free():
    pytest.importorskip("ipywidgets")
    box = W.temperature_scrubber(temps=[0.5, 1.0, 2.0])
    assert repr(box) == "FrameScrubber(description='temperature T', frames=3)"


# --------------------------------------------------------------------------- second edition
def test_softmax_without_keepdims_on_the_sum_only_is_named():
    from nbcore.exercises.ch06 import check_stable_softmax

    def softmax(Z):
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1)

    fb = check_stable_softmax(softmax)
    assert not fb and fb.mistake == "keepdims_sum"


@pytest.mark.parametrize("label", [0, 2])
def test_softmax_loss_of_the_wrong_class_is_named(label):
    from nbcore.exercises.ch06 import HAND_Z, check_softmax_by_hand

    p = np.exp(HAND_Z) / np.exp(HAND_Z).sum()
    fb = check_softmax_by_hand(p, -np.log(p[label]))
    assert not fb and fb.mistake == "wrong_class"


def test_softmax_by_hand_asks_for_four_decimals():
    from nbcore.exercises.ch06 import check_softmax_by_hand

    loss = -np.log(0.1142)
    assert check_softmax_by_hand([0.8438, 0.1142, 0.0420], loss)
    fb = check_softmax_by_hand([0.84, 0.11, 0.04], loss)
    assert not fb and fb.mistake == "precision"


# --------------------------------------------------------------------------- what the text states
class TestChapter6StatesWhatIsChecked:
    """Issue 21: every checker enforces what its exercise states, and accepts what it allows."""

    P = [0.8438, 0.1142, 0.0420]

    @pytest.mark.parametrize("loss", [2.1698, 2.1697, 2.169846, -np.log(0.1142)])
    def test_hand_loss_to_four_decimals_passes(self, loss):
        assert ch06.check_softmax_by_hand(self.P, loss)

    @pytest.mark.parametrize("loss", [2.17, 2.16, 2.172])
    def test_hand_loss_with_too_few_decimals_is_refused(self, loss):
        fb = ch06.check_softmax_by_hand(self.P, loss)
        assert not fb and fb.mistake == "precision" and "expected" in fb.message

    def test_hand_solution_passes(self):
        e = np.exp([2.0, 0.0, -1.0])
        p = e / e.sum()
        assert ch06.check_softmax_by_hand(p, -np.log(p[1]))
        assert ch06.check_softmax_by_hand((0.8438, 0.1142, 0.042), 2.1698)

    @pytest.mark.parametrize(
        "grad",
        [[0.8438, -0.8858, 0.0420], [0.8437, -0.8857, 0.042], (0.843795, -0.885805, 0.04201)],
    )
    def test_grad_to_four_decimals_passes(self, grad):
        assert ch06.check_softmax_ce_grad(grad)

    @pytest.mark.parametrize("grad", [[0.84, -0.89, 0.04], [0.844, -0.886, 0.042]])
    def test_grad_with_too_few_decimals_is_refused(self, grad):
        fb = ch06.check_softmax_ce_grad(grad)
        assert not fb and fb.mistake == "precision"

    @pytest.mark.parametrize("p_T", [[0.9796, 0.0179, 0.0024], [0.9797, 0.018, 0.0024]])
    def test_temperature_to_four_decimals_passes(self, p_T):
        assert ch06.check_temperature(p_T)

    @pytest.mark.parametrize("p_T", [[0.98, 0.018, 0.002], [0.979, 0.018, 0.0024]])
    def test_temperature_with_too_few_decimals_is_refused(self, p_T):
        fb = ch06.check_temperature(p_T)
        assert not fb and fb.mistake == "precision"

    def test_softmax_that_changes_its_logits_is_refused(self):
        def in_place(Z):
            Z -= Z.max(axis=1, keepdims=True)
            E = np.exp(Z)
            return E / E.sum(axis=1, keepdims=True)

        fb = ch06.check_stable_softmax(in_place)
        assert not fb and fb.mistake == "modified_input"

    def test_softmax_solutions_and_the_given_bug(self):
        def softmax_fixed(Z):  # ex-06-find-bug's solution
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            return E / E.sum(axis=1, keepdims=True)

        def buggy_softmax(Z):  # given in ex-06-find-bug
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            return E / E.sum(axis=1)

        assert ch06.check_stable_softmax(softmax_fixed)
        fb = ch06.check_stable_softmax(buggy_softmax)
        assert not fb and fb.mistake == "keepdims_sum"

    def test_softmax_unknown_mistake_shows_the_entry(self):
        fb = ch06.check_stable_softmax(lambda Z: np.full(Z.shape, 1 / Z.shape[1]))
        assert not fb and "entry [" in fb.message and "expected" in fb.message

    def test_logsumexp_solution_passes_and_slips_are_named(self):
        def logsumexp(z):  # the solution shown in the chapter
            z_max = np.max(z)
            return z_max + np.log(np.sum(np.exp(z - z_max)))

        assert ch06.check_logsumexp(logsumexp)
        fb = ch06.check_logsumexp(lambda z: np.log(np.exp(z - z.max())) + z.max())
        assert not fb and fb.mistake == "not_reduced"

        def in_place(z):
            m = z.max()
            z -= m
            return m + np.log(np.sum(np.exp(z)))

        fb = ch06.check_logsumexp(in_place)
        assert not fb and fb.mistake == "modified_input"
