"""Chapter 4 (Loss and cost functions): exercise checkers and the loss-explorer logic."""

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises import ch04
from nbcore.widgets import losses as W

# --------------------------------------------------------------------------- checkers


def _bce_terms():
    y, p = ch04.BCE_Y, ch04.BCE_P
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


class TestCheckBCEByHand:
    def test_reference_solution_passes(self):
        assert ch04.check_bce_by_hand(nc.binary_cross_entropy(ch04.BCE_P, ch04.BCE_Y))
        assert ch04.check_bce_by_hand(0.4243)  # rounded to 4 digits

    @pytest.mark.parametrize(
        "value, tag",
        [
            (_bce_terms().mean() / np.log(10), "log10"),
            (_bce_terms().sum(), "sum"),
            (-_bce_terms().mean(), "sign"),
            (_bce_terms().mean() / np.log(2), "log2"),
            (-np.log(ch04.BCE_P).mean(), "negative_class"),
        ],
    )
    def test_typical_mistakes_are_named(self, value, tag):
        fb = ch04.check_bce_by_hand(value)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("value", [None, "0.42", [0.1, 0.2], object(), 7.0])
    def test_nonsense_gets_a_polite_wrong(self, value):
        fb = ch04.check_bce_by_hand(value)
        assert not fb and fb.message


class TestCheckRMSE:
    def test_reference_solution_passes(self):
        assert ch04.check_rmse(lambda y_hat, y: np.sqrt(np.mean((y_hat - y) ** 2)))

        def solution(y_hat, y):  # the solution shown in the chapter
            r = y_hat - y
            return np.sqrt(np.mean(r**2))

        assert ch04.check_rmse(solution)

    @pytest.mark.parametrize(
        "fn, tag",
        [
            (lambda y_hat, y: np.sqrt(np.mean((y - y) ** 2)), "typo_yi_minus_yi"),
            (lambda y_hat, y: np.mean((y_hat - y) ** 2), "no_sqrt"),
            (lambda y_hat, y: np.sqrt(np.sum((y_hat - y) ** 2)), "sum"),
            (lambda y_hat, y: np.sum((y_hat - y) ** 2), "sum_no_sqrt"),
            (lambda y_hat, y: np.mean(np.abs(y_hat - y)), "mae"),
            (lambda y_hat, y: np.sqrt((y_hat - y) ** 2), "not_reduced"),
            (lambda y_hat, y: None, "missing"),
            (lambda y_hat, y: 1 / 0, "raised"),
        ],
    )
    def test_typical_mistakes_are_named(self, fn, tag):
        fb = ch04.check_rmse(fn)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("value", [None, "rmse", 3.0])
    def test_nonsense_gets_a_polite_wrong(self, value):
        fb = ch04.check_rmse(value)
        assert not fb and fb.message


class TestCheckHuberByHand:
    def test_reference_solution_passes(self):
        r = ch04.HUBER_R
        assert ch04.check_huber_by_hand(nc.huber(r, np.zeros_like(r), delta=1.0))
        assert ch04.check_huber_by_hand(1.375)

    @pytest.mark.parametrize(
        "value, tag",
        [
            ((0.25 + 1.5 + 2.5) / 3, "missing_half"),  # r^2 instead of r^2 / 2
            ((0.125 + 1.0 + 2.0) / 3, "missing_half"),  # delta(|r| - delta)
            ((0.25 + 1.0 + 2.0) / 3, "missing_half"),
            (0.125 + 1.5 + 2.5, "sum"),
            ((0.25 + 4 + 9) / 3, "mse"),
        ],
    )
    def test_typical_mistakes_are_named(self, value, tag):
        fb = ch04.check_huber_by_hand(value)
        assert not fb and fb.mistake == tag

    def test_nonsense(self):
        assert ch04.check_huber_by_hand(None).mistake == "missing"
        assert ch04.check_huber_by_hand("x").mistake == "type"


class TestCheckFocalByHand:
    def test_reference_solution_passes(self):
        value = nc.focal_loss(ch04.FOCAL_P, ch04.FOCAL_Y, alpha=0.25, gamma=2.0)
        assert ch04.check_focal_by_hand(value)
        assert ch04.check_focal_by_hand(0.0151)

    def test_alpha_on_the_wrong_class(self):
        # the popular code sample: alpha[label == 1] = 1 - alpha
        swapped = nc.focal_loss(ch04.FOCAL_P, ch04.FOCAL_Y, alpha=0.75, gamma=2.0)
        fb = ch04.check_focal_by_hand(swapped)
        assert not fb and fb.mistake == "alpha_wrong_class"

    @pytest.mark.parametrize(
        "kwargs, tag",
        [({"alpha": 0.25, "gamma": 0.0}, "gamma_ignored"), ({"alpha": None}, "alpha_ignored")],
    )
    def test_missing_factors(self, kwargs, tag):
        value = nc.focal_loss(ch04.FOCAL_P, ch04.FOCAL_Y, **kwargs)
        fb = ch04.check_focal_by_hand(value)
        assert not fb and fb.mistake == tag

    def test_log10_and_sum(self):
        value = nc.focal_loss(ch04.FOCAL_P, ch04.FOCAL_Y)
        assert ch04.check_focal_by_hand(value / np.log(10)).mistake == "log10"
        assert ch04.check_focal_by_hand(value * 3).mistake == "sum"

    def test_nonsense(self):
        assert not ch04.check_focal_by_hand(None)
        assert not ch04.check_focal_by_hand({"a": 1})


class TestCheckBCEWithLogits:
    def test_reference_solution_passes(self):
        assert ch04.check_bce_with_logits(nc.binary_cross_entropy_with_logits)

        def stable(z, y):
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))

        assert ch04.check_bce_with_logits(stable)

    def test_naive_formula_overflows(self):
        def naive(z, y):
            a = 1 / (1 + np.exp(-z))
            return np.mean(-(y * np.log(a) + (1 - y) * np.log(1 - a)))

        fb = ch04.check_bce_with_logits(naive)
        assert not fb and fb.mistake == "overflow"

    def test_clamped_probabilities(self):
        fb = ch04.check_bce_with_logits(lambda z, y: nc.binary_cross_entropy(nc.sigmoid(z), y))
        assert not fb and fb.mistake == "clamped"

    def test_log10(self):
        fb = ch04.check_bce_with_logits(
            lambda z, y: nc.binary_cross_entropy_with_logits(z, y) / np.log(10)
        )
        assert not fb and fb.mistake == "log10"

    def test_nonsense(self):
        assert ch04.check_bce_with_logits(None).mistake == "missing"
        assert ch04.check_bce_with_logits(42).mistake == "type"


# --------------------------------------------------------------------------- widget logic


class TestCurves:
    def test_regression_curves_match_nbcore_point_by_point(self):
        for r in (-3.0, -1.0, -0.4, 0.0, 0.7, 2.0, 3.5):
            for delta in (0.5, 1.0, 2.0):
                c = W.regression_curves(np.array([r]), delta)
                assert np.isclose(c["MSE"][0], nc.mse([r], [0.0]))
                assert np.isclose(c["MAE"][0], nc.mae([r], [0.0]))
                assert np.isclose(c["Huber"][0], nc.huber([r], [0.0], delta=delta))

    def test_classification_curves_match_nbcore_point_by_point(self):
        for p in (0.01, 0.3, 0.5, 0.9, 0.99):
            for alpha, gamma in ((0.25, 2.0), (1.0, 0.0), (0.6, 5.0)):
                c = W.classification_curves(np.array([p]), alpha, gamma)
                assert np.isclose(c["BCE"][0], nc.binary_cross_entropy([p], [1.0]))
                expected = nc.focal_loss([p], [1.0], alpha=alpha, gamma=gamma)
                assert np.isclose(c["focal"][0], expected)
                assert c["0-1"][0] == float(p < 0.5)

    def test_bad_parameters_are_rejected(self):
        with pytest.raises(ValueError, match="regression_curves"):
            W.regression_curves([1.0], delta=0)
        with pytest.raises(ValueError, match="classification_curves"):
            W.classification_curves([0.5], alpha=1.5)


class TestLineFits:
    def test_mse_fit_is_least_squares(self):
        x, y = W.outlier_data(5.0)
        w, b = W.fit_lines(x, y)["MSE"]
        assert np.allclose([w, b], np.polyfit(x, y, 1))

    def test_gradient_descent_fit_reaches_the_huber_minimum(self):
        x, y = W.outlier_data(8.0)
        w, b = W.fit_line(nc.HuberLoss(1.0), x, y, steps=300)
        loss = nc.HuberLoss(1.0)
        loss.forward(w * x + b, y)
        g = loss.backward()
        assert abs(g @ x) < 1e-3 and abs(g.sum()) < 1e-3  # gradient ~ 0 at the minimum

    def test_gradient_descent_fit_is_close_to_the_mae_minimum(self):
        x, y = W.outlier_data(8.0)
        w, b = W.fit_line(nc.MAELoss(), x, y)
        best = min(
            np.mean(np.abs(y - (s * x + c)))
            for i in range(len(x))
            for j in range(i + 1, len(x))
            for s in [(y[j] - y[i]) / (x[j] - x[i])]
            for c in [y[i] - s * x[i]]
        )  # an L1 line passes through two data points
        assert nc.mae(w * x + b, y) < best + 0.01

    def test_outlier_moves_mse_but_not_mae_or_huber(self):
        s6 = {k: v[0] for k, v in W.fit_lines(*W.outlier_data(6.0)).items()}
        s12 = {k: v[0] for k, v in W.fit_lines(*W.outlier_data(12.0)).items()}
        assert s12["MSE"] - s6["MSE"] > 0.5
        assert abs(s12["MAE"] - s6["MAE"]) < 0.01 and abs(s12["Huber"] - s6["Huber"]) < 0.01


class TestLossExplorer:
    def test_default_state_and_readout(self):
        ex = W.LossExplorer()
        s = ex.state()
        assert s["loss"]["Huber"] == nc.huber([2.0], [0.0], delta=1.0) == 1.5
        assert ex.readout().startswith(
            "Huber(r = 2.0, δ = 1.0) = 1.5000; MSE(r = 2.0) = 4.0000; MAE(r = 2.0) = 2.0000"
        )

    @pytest.mark.parametrize("r", [-3.5, -0.5, 0.0, 1.2])
    @pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
    def test_r_and_delta(self, r, delta):
        ex = W.LossExplorer()
        s = ex.set(r=r, delta=delta)
        assert np.isclose(s["loss"]["MSE"], nc.mse([r], [0.0]))
        assert np.isclose(s["loss"]["MAE"], nc.mae([r], [0.0]))
        assert np.isclose(s["loss"]["Huber"], nc.huber([r], [0.0], delta=delta))
        assert f"= {nc.huber([r], [0.0], delta=delta):.4f};" in ex.readout()

    @pytest.mark.parametrize("p, alpha, gamma", [(0.3, 0.25, 2.0), (0.9, 0.5, 0.0), (0.05, 1, 5)])
    def test_classification_controls(self, p, alpha, gamma):
        ex = W.LossExplorer()
        s = ex.set(kind="classification", p=p, alpha=alpha, gamma=gamma)
        assert np.isclose(s["loss"]["BCE"], nc.binary_cross_entropy([p], [1.0]))
        focal = nc.focal_loss([p], [1.0], alpha=alpha, gamma=gamma)
        assert np.isclose(s["loss"]["focal"], focal)
        assert ex.readout().startswith(f"BCE(p = {p:.2f}, y = 1) = ")
        assert f"= {focal:.4f}" in ex.readout()

    def test_outlier_control_refits(self):
        ex = W.LossExplorer()
        s = ex.set(outlier=10.0, delta=1.5)
        x, y = W.outlier_data(10.0)
        assert np.isclose(s["slopes"]["MSE"], np.polyfit(x, y, 1)[0])
        assert np.allclose(ex._lines["MSE"].get_ydata(), np.polyval(np.polyfit(x, y, 1), ex._xs))
        assert "outlier raised by 10.0" in ex.readout()

    def test_figure_artists_are_updated_not_recreated(self):
        ex = W.LossExplorer()
        fig, line = ex.fig, ex._curves["Huber"]
        ex.set(delta=2.0)
        assert ex.fig is fig and ex._curves["Huber"] is line
        x, yv = line.get_data()
        assert np.allclose(yv, W.regression_curves(x, 2.0)["Huber"])
        ex.set(kind="classification")
        assert not line.get_visible() and ex._curves["focal"].get_visible()

    def test_bad_controls_are_rejected(self):
        ex = W.LossExplorer()
        with pytest.raises(ValueError, match="LossExplorer.set.*kind"):
            ex.set(kind="ranking")
        with pytest.raises(ValueError, match="LossExplorer.set.*p"):
            ex.set(p=1.5)
        with pytest.raises(TypeError, match="LossExplorer.set"):
            ex.set(beta=1.0)

    def test_png(self):
        assert W.LossExplorer().png()[:4] == b"\x89PNG"

    def test_fast_png_matches_a_full_draw(self):
        import io

        from PIL import Image

        from nbcore.widgets._html import figure_to_png

        def pixels(png):
            return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

        fast, full = W.LossExplorer(), W.LossExplorer()
        fast.png()
        for controls in [
            {"r": -3.0},
            {"delta": 2.0},
            {"kind": "classification"},
            {"p": 0.8},
            {"gamma": 0.5},
            {"outlier": 11.0},
            {"kind": "regression"},
            {"r": 0.2},
        ]:
            fast.set(**controls)
            full.set(**controls)
            a = pixels(fast.png())
            b = pixels(figure_to_png(full.fig, dpi=72, close=False))
            assert a.shape == b.shape and np.abs(a - b).max() <= 2, controls


@pytest.mark.parametrize("outlier", [0.0, 4.5, 12.0])
def test_explorer_fits_are_fit_lines_exactly(outlier):
    """The live explorer's fast, remembered fits are fit_lines' numbers, bit for bit."""
    x, y = W.outlier_data(outlier)
    for delta in (0.1, 0.3, 1.0, 2.7):
        assert dict(W._explorer_fits(outlier, delta)) == W.fit_lines(x, y, delta)
    assert W._fit_line_fast("MAE", x, y) == W.fit_line(nc.MAELoss(), x, y)


def test_fast_png_is_exactly_a_full_draw():
    """Pixel equality of the blitted PNG and a full draw, through both kinds and back."""
    import io

    from PIL import Image

    from nbcore.widgets._html import figure_to_png

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    ex = W.LossExplorer()
    for controls in [
        {},
        {"r": 3.9},
        {"outlier": 12.0},
        {"delta": 0.3},
        {"alpha": 0.9},
        {"kind": "classification"},
        {"p": 0.02},
        {"gamma": 4.5},
        {"outlier": 1.5},
        {"kind": "regression"},
        {"delta": 2.5},
        {"kind": "classification"},
        {"alpha": 0.1, "p": 0.6},
    ]:
        ex.set(**controls)
        fast = pixels(ex.png())
        assert np.array_equal(fast, pixels(figure_to_png(ex.fig, dpi=72, close=False))), controls


def test_live_widget_controls_drive_the_readout():
    pytest.importorskip("ipywidgets")
    box = W.show_loss_explorer()
    names = {c: box.controls[c]._dom_classes for c in box.controls}
    assert all(f"nbcore-ctl-{c}" in cls for c, cls in names.items())
    assert "nbcore-readout" in box.readout._dom_classes
    box.controls["r"].value = -2.5
    box.controls["delta"].value = 0.5
    assert f"= {nc.huber([-2.5], [0.0], delta=0.5):.4f};" in box.readout.value
    box.controls["kind"].value = "classification"
    box.controls["p"].value = 0.2
    assert f"= {nc.binary_cross_entropy([0.2], [1.0]):.4f};" in box.readout.value
    assert repr(box).startswith("LossExplorerWidget(LossExplorer(kind='classification'")


def test_outlier_scrubber_is_kernel_free():
    pytest.importorskip("ipywidgets")
    box = W.outlier_scrubber(values=[0.0, 6.0, 12.0])
    assert repr(box) == "FrameScrubber(description='outlier raised by', frames=3)"
    assert "nbcore-scrubber" in box._dom_classes


# --------------------------------------------------------------------------- second edition
def test_huber_without_the_half_delta_offset_is_named():
    r = np.abs(ch04.HUBER_R)
    value = np.where(r <= 1.0, 0.5 * r * r, r).mean()  # delta |r| instead of delta (|r| - delta/2)
    fb = ch04.check_huber_by_hand(value)
    assert not fb and fb.mistake == "missing_offset"


def test_focal_with_p_instead_of_pt_is_named():
    y, p = ch04.FOCAL_Y, ch04.FOCAL_P
    at = np.where(y == 1, 0.25, 0.75)
    fb = ch04.check_focal_by_hand((-at * (1 - p) ** 2 * np.log(p)).mean())
    assert not fb and fb.mistake == "p_instead_of_pt"


def test_bce_with_logits_plus_zy_is_named():
    fb = ch04.check_bce_with_logits(
        lambda z, y: np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z))))
    )
    assert not fb and fb.mistake == "plus_zy"


class TestCheckFixBCE:
    def test_right_answers_pass(self):
        assert ch04.check_fix_bce(ch04._bce_right)
        assert ch04.check_fix_bce(lambda p, y: nc.binary_cross_entropy(p, y))

    @pytest.mark.parametrize(
        "fn, tag",
        [
            ("_bce_given", "unchanged"),
            ("_bce_sum_bug", "sum"),
            ("_bce_class_bug", "negative_class"),
        ],
    )
    def test_each_remaining_bug_is_named(self, fn, tag):
        fb = ch04.check_fix_bce(getattr(ch04, fn))
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("fn", [None, "bce", 0.4243, lambda p, y: p])
    def test_garbage(self, fn):
        fb = ch04.check_fix_bce(fn)
        assert not fb and fb.message


# --------------------------------------------------------------------------- what the text states
class TestChapter4StatesWhatIsChecked:
    """Issue 21: every checker enforces what its exercise states, and no more."""

    @pytest.mark.parametrize("value", [0.4243, 0.4242, 0.4244, 0.42432, 0.4243218919])
    def test_bce_to_four_decimals_passes(self, value):
        assert ch04.check_bce_by_hand(value)

    @pytest.mark.parametrize("value", [0.42, 0.424, 0.425, 0.43])
    def test_bce_with_too_few_decimals_is_refused(self, value):
        fb = ch04.check_bce_by_hand(value)
        assert not fb and fb.mistake == "precision" and "0.4243218919" in fb.message

    def test_bce_per_sample_array_is_not_reduced(self):
        assert ch04.check_bce_by_hand(_bce_terms()).mistake == "not_reduced"

    @pytest.mark.parametrize("value", [1.375, 1.3750, 1.3751, 1.3749, 11 / 8])
    def test_huber_to_four_decimals_passes(self, value):
        assert ch04.check_huber_by_hand(value)

    @pytest.mark.parametrize("value", [1.38, 1.37, 1.373, 1.377])
    def test_huber_with_too_few_decimals_is_refused(self, value):
        fb = ch04.check_huber_by_hand(value)
        assert not fb and fb.mistake == "precision" and "expected 1.375" in fb.message

    @pytest.mark.parametrize(
        "value, tag",
        [((0.5 + 2 + 3) / 3, "mae"), ((0.125 + 2 + 4.5) / 3, "all_quadratic")],
    )
    def test_huber_other_named_mistakes(self, value, tag):
        fb = ch04.check_huber_by_hand(value)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("value", [0.0151, 0.01510, 0.01509, 0.01511, 0.015100])
    def test_focal_to_five_decimals_passes(self, value):
        assert ch04.check_focal_by_hand(value)

    @pytest.mark.parametrize("value", [0.015, 0.0152, 0.01505, 0.01515])
    def test_focal_with_too_few_decimals_is_refused(self, value):
        fb = ch04.check_focal_by_hand(value)
        assert not fb and fb.mistake == "precision"

    def test_focal_sign_is_named(self):
        value = nc.focal_loss(ch04.FOCAL_P, ch04.FOCAL_Y)
        assert ch04.check_focal_by_hand(-value).mistake == "sign"

    @pytest.mark.parametrize(
        "fn",
        [
            nc.rmse,
            lambda y_hat, y: nc.rmse(y_hat, y),
            lambda y_hat, y: np.sqrt(nc.mse(y_hat, y)),
        ],
    )
    def test_rmse_that_calls_nbcore_is_refused(self, fn):
        fb = ch04.check_rmse(fn)
        assert not fb and fb.mistake == "uses_nbcore"

    def test_rmse_that_changes_its_inputs_is_refused(self):
        def in_place(y_hat, y):
            y_hat -= y
            return np.sqrt(np.mean(y_hat**2))

        fb = ch04.check_rmse(in_place)
        assert not fb and fb.mistake == "modified_input"

    def test_bce_with_logits_solution_passes(self):
        def solution(z, y):  # the solution shown in the chapter
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))

        assert ch04.check_bce_with_logits(solution)
        assert ch04.check_bce_with_logits(lambda z, y: np.mean(np.logaddexp(0, z) - z * y))

    def test_bce_with_logits_overflowing_for_large_positive_z_is_refused(self):
        # exact from -800 to 40, but e^z is inf for z = 800: the text asks for any logit
        fb = ch04.check_bce_with_logits(lambda z, y: np.mean(np.log1p(np.exp(z)) - z * y))
        assert not fb and fb.mistake == "overflow" and "800" in fb.message

    def test_bce_with_logits_wrong_only_for_large_z_is_refused(self):
        def capped(z, y):
            z = np.minimum(z, 50.0)
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))

        fb = ch04.check_bce_with_logits(capped)
        assert not fb and fb.mistake == "large_logits" and "expected 207.5" in fb.message

    @pytest.mark.parametrize(
        "fn, tag",
        [
            (lambda z, y: -nc.binary_cross_entropy_with_logits(z, y), "sign"),
            (lambda z, y: 5 * nc.binary_cross_entropy_with_logits(z, y), "sum"),
            (lambda z, y: np.maximum(z, 0) - z * y, "not_reduced"),
        ],
    )
    def test_bce_with_logits_other_named_mistakes(self, fn, tag):
        fb = ch04.check_bce_with_logits(fn)
        assert not fb and fb.mistake == tag

    def test_bce_with_logits_that_changes_its_inputs_is_refused(self):
        def in_place(z, y):
            z *= 1.0
            z[0] = 0.0
            return nc.binary_cross_entropy_with_logits(z, y)

        fb = ch04.check_bce_with_logits(in_place)
        assert not fb and fb.mistake == "modified_input"

    def test_fix_bce_log10_is_named(self):
        fb = ch04.check_fix_bce(lambda p, y: ch04._bce_right(p, y) / np.log(10))
        assert not fb and fb.mistake == "log10"

    def test_fix_bce_solution_passes(self):
        def bce(p, y):  # the solution shown in the chapter
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

        assert ch04.check_fix_bce(bce)

    def test_fix_bce_that_changes_its_inputs_is_refused(self):
        def in_place(p, y):
            p[p < 0.5] = 1 - p[p < 0.5]
            y[:] = 1.0
            return -np.mean(np.log(p))

        fb = ch04.check_fix_bce(in_place)
        assert not fb and fb.mistake == "modified_input"
