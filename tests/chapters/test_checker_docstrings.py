"""The exercise checkers' docstrings give no answer away.

``book/api.md`` renders, with ``automodule ... :members: :undoc-members:``, the module docstring
of ``nbcore.exercises.ch01`` ... ``ch09``, every public function (signature and docstring) and
every module constant documented with a ``#:`` comment (its comment and its value). A reader who
opens the API page must not find there the numbers the exercises ask for, in any common rounding
(2.71, 2.7; 3.2581, 3.258, 3.26), nor the formula or the lines that are the answer.

The reference answers come from the checkers' own constants and reference computations where
they have them, and from the table below otherwise. Every ``check_*`` of a chapter must be in
the table (with its answers, or with none when the answer is code or has no single value), so
that a new checker is not forgotten.
"""

import importlib
import inspect
import math
import re

import numpy as np
import pytest
from sphinx.pycode import ModuleAnalyzer

import nbcore as nc
from nbcore.exercises import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09

CHAPTERS = [f"nbcore.exercises.ch{n:02d}" for n in range(1, 10)]


# ================================================================ what the API page shows
def shown_texts(module):
    """``{where: text}`` for every text the API page shows of ``module``."""
    texts = {"module docstring": inspect.getdoc(module) or ""}
    analyzer = ModuleAnalyzer.for_module(module.__name__)
    analyzer.analyze()
    for (namespace, name), comment in analyzer.attr_docs.items():
        if namespace == "" and not name.startswith("_"):
            value = repr(getattr(module, name, ""))
            texts[f"constant {name}"] = "\n".join(comment) + "\n" + value
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            texts[name] = f"{name}{_signature(obj)}\n{inspect.getdoc(obj) or ''}"
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and inspect.getdoc(member):
                    texts[f"{name}.{attr}"] = inspect.getdoc(member)
    return texts


def _signature(obj):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def checkers(module):
    return sorted(
        name
        for name, obj in vars(module).items()
        if name.startswith("check_") and inspect.isfunction(obj)
    )


# ================================================================ numbers in a text
_NUMBER = re.compile(r"(?<![\w.])[-\u2212]?(\d+(?:\.\d+)?)(?:[eE]([-+\u2212]?\d+))?(?![\w.]\w)")


def numbers(text):
    """``(token, value, unit, significant digits, in_brackets)`` of every number in ``text``."""
    for m in _NUMBER.finditer(text):
        mantissa, exponent = m.group(1), m.group(2)
        exp = int(exponent.replace("\u2212", "-")) if exponent else 0
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        digits = mantissa.replace(".", "").lstrip("0")
        value = float(mantissa) * 10.0**exp
        bracketed = text[m.start() - 1 : m.start()] == "[" and text[m.end() : m.end() + 1] == "]"
        yield m.group(0), value, 10.0 ** (exp - decimals), max(len(digits), 1), bracketed


def leaks(text, answer, *, exact_only=False):
    """The tokens of ``text`` that are ``answer`` (sign ignored), exactly or rounded.

    A token with two decimals or more (and two significant digits or more) counts when it is the
    answer rounded to the token's last place (3.26 and 3.258 for 3.2581, 0.095 for 0.0953);
    any token counts when it is the answer exactly. A rounding to one decimal is left out: it
    is often an input of the same exercise (1.5 for 1.467). Layer indices in brackets
    (``W^[1]``) are notation, not numbers.
    """
    target = abs(float(answer))
    found = []
    for token, value, unit, significant, bracketed in numbers(text):
        if bracketed:
            continue
        if math.isclose(value, target, rel_tol=1e-12, abs_tol=1e-15):
            found.append(token)
        elif (
            not exact_only
            and significant >= 2
            and unit <= 0.01 * (1 + 1e-9)
            and abs(value - target) <= unit / 2 * (1 + 1e-9) + 1e-15
        ):
            found.append(token)
    return found


def test_leaks_finds_roundings():
    text = "v_3 = 2.71 (2.7 is rounding); ln 26 = 3.2581 or 3.26, z = -2.25, 1.003e-4, W^[1]"
    assert leaks(text, 2.71) == ["2.71"]
    assert leaks(text, math.log(26)) == ["3.2581", "3.26"]
    assert leaks(text, -2.25) == ["-2.25"]
    assert leaks(text, 1.00296e-4) == ["1.003e-4"]
    assert leaks(text, 1) == []
    assert leaks("lr = 0.1, 0.01, 10", 0.1) == ["0.1"]
    assert leaks("epochs 0 to 6", 0.3) == []
    assert leaks("w = 1.5, 1.47", 1.467) == ["1.47"]


# ================================================================ the answers
def _sigmoid(z):
    return float(nc.sigmoid(np.float64(z)))


def _softmax(z):
    e = np.exp(np.asarray(z, dtype=float) - np.max(z))
    return e / e.sum()


def _answers():
    """``{chapter: {checker: (values, exact_values, phrases)}}``.

    ``values`` are searched in every text the chapter's API section shows, in any rounding;
    ``exact_values`` (small whole numbers and one-digit values, which also occur as inputs,
    such as lr = 0.1) only in the checker's own docstring, and only exactly; ``phrases`` (the
    formula or the words that are the answer) in every text of the chapter.
    """
    hand_z = float(ch01.HAND_W @ ch01.HAND_X + ch01.HAND_B)
    z_unit2 = float(ch02._W_UNIT2 @ ch02._X_EX1 + ch02._B_UNIT2)
    sizes = ch02._SIZES_EX4
    params = sum((m + 1) * n for m, n in zip(sizes[:-1], sizes[1:], strict=True))
    s3 = _sigmoid(ch03.SIGMOID_GRAD_Z)
    p, y = ch04.BCE_P, ch04.BCE_Y
    bce = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    huber = float(nc.huber(ch04.HUBER_R, np.zeros(3), delta=1.0))
    p_t = np.where(ch04.FOCAL_Y == 1, ch04.FOCAL_P, 1 - ch04.FOCAL_P)
    alpha_t = np.where(ch04.FOCAL_Y == 1, 0.25, 0.75)
    focal = float(np.mean(-alpha_t * (1 - p_t) ** 2 * np.log(p_t)))
    a, x, _ = ch05._neuron_reference()
    w, b, lr, dw, db, m = ch05._batch_reference()
    softmax = _softmax(ch06.HAND_Z)
    onehot = np.eye(3)[ch06.HAND_CLASS]
    thetas, _ = ch07._momentum_reference()
    mu = ch07.MOMENTUM_MU
    lam = ch08.L2_EXERCISE["lam"] / ch08.L2_EXERCISE["m"]
    bn_mu, bn_var, bn_y = ch09._bn(np.var)
    k = inspect.signature(ch09.check_init_loss).parameters["k"].default
    return {
        ch01: {
            "check_hand_neuron": (
                [_sigmoid(hand_z)],
                [],
                [f"z = {hand_z:g}", f"z = {hand_z:.1f}", f"sigmoid({hand_z:g})", f"σ({hand_z:g})"],
            ),
            "check_neuron_function": ([], [], []),
            "check_bias_prediction": ([], [], ["0, 1, 1, 1", "0, 0, 0, 1", "computes OR"]),
            "check_gate_weights": ([], [], []),
            "check_separable_count": ([], [14], []),
            "check_fix_neuron": ([], [], ["np.exp(-(X @ w + b))", "instead of ``np.exp(-z)``"]),
        },
        ch02: {
            "check_hidden_unit": ([z_unit2, _sigmoid(z_unit2)], [], []),
            "check_forward": ([], [], []),
            "check_z1_shape": ([], [], ["(5, 3)"]),
            "check_layers_and_params": ([params], [len(sizes) - 1], ["128·785", "128 * 785"]),
            "check_xnor_network": ([], [], []),
            "check_fix_forward": ([], [], ["sigmoid(A @ W.T + b)", "instead of ``A @ W.T``"]),
        },
        ch03: {
            "check_sigmoid_grad": ([s3 * (1 - s3)], [], []),
            "check_stable_sigmoid": ([], [], []),
            "check_leaky_relu": ([], [], []),
            "check_chain_gradient": ([float(np.prod(ch03.chain_factors()))], [], []),
            "check_tanh_via_sigmoid": ([], [], ["4 sigma'(2z)", "4 σ'(2z)"]),
            "check_fix_relu_grad": ([], [], []),
        },
        ch04: {
            "check_bce_by_hand": ([bce], [], []),
            "check_rmse": ([], [], []),
            "check_huber_by_hand": ([huber], [], []),
            "check_focal_by_hand": ([focal], [], []),
            "check_bce_with_logits": ([], [], []),
            "check_fix_bce": ([], [], ["np.log(1 - p)", "-ln(1 - p)", "-np.mean(y"]),
        },
        ch05: {
            "check_neuron_grad": ([(a - 0.0) * x, a], [], []),
            "check_batch_update": ([w - lr * dw / m, b - lr * db / m], [], []),
            "check_dense_backward": ([], [], ["dZ.sum(axis=0)", "dZᵀ A_prev", "dZ W "]),
            "check_double_backward_error": ([1 / 3], [], ["1/3"]),
            "check_sigmoid_backward": ([], [], []),
            "check_second_iteration": ([ch05._second_iteration_losses()["right"]], [], []),
        },
        ch06: {
            "check_softmax_by_hand": (
                [*softmax, -math.log(softmax[ch06.HAND_CLASS])],
                [],
                [],
            ),
            "check_stable_softmax": ([], [], []),
            "check_softmax_ce_grad": ([*(softmax - onehot)], [], ["p - y ="]),
            "check_temperature": ([*_softmax(ch06.HAND_Z / ch06.TEMPERATURE)], [], []),
            "check_logsumexp": ([], [], []),
        },
        ch07: {
            "check_adam_steps": ([*ch07.adam_reference()], [], []),
            "check_momentum_step": ([*thetas[:3]], [], []),
            "check_lr_threshold": ([], [ch07.lr_threshold()], ["2 / c", "2/c"]),
            "check_adagrad_step": ([], [], []),
            "check_fix_adam": ([], [], ["sqrt(v_hat) + eps``)", "m_hat / (sqrt(v_hat) + eps)"]),
            "check_momentum_velocity": (
                [1 + mu + mu**2, 1 + mu],
                [1 / (1 - mu)],
                ["1 / (1 - mu)", "1/(1 - mu)", "1 + 0.9 + 0.81"],
            ),
        },
        ch08: {
            "check_l2_update": ([*ch08._l2_values(lam), lam], [], []),
            "check_dropout": ([], [], []),
            "check_diagnosis": (
                [],
                [],
                [f"{case} {verdict}" for case, verdict in ch08._DIAGNOSIS.items()]
                + [f'"{case}": "{verdict}"' for case, verdict in ch08._DIAGNOSIS.items()],
            ),
            "check_symmetry": ([], [1], []),
            "check_spirals": ([], [], []),
            "check_fix_training_loop": ([], [], ["Y[start : start + batch_size]``)"]),
        },
        ch09: {
            "check_batchnorm_by_hand": ([bn_var, *bn_y], [bn_mu], ["26/3"]),
            "check_schedule_values": (
                [v for v in ch09._schedule() if len(f"{v:.4f}".rstrip("0")) > 4],
                [v for v in ch09._schedule() if len(f"{v:.4f}".rstrip("0")) <= 4],
                [],
            ),
            "check_clip_by_norm": ([], [], []),
            "check_init_loss": ([math.log(k)], [], [f"ln {k} ", "ln k ", "-ln(1/k)"]),
            "check_find_the_bug": (
                [],
                sorted(ch09.BUG_LINES),
                [str(set(ch09.BUG_LINES))] + [why[:40] for why in ch09.BUG_LINES.values()],
            ),
            "check_search_budget": ([], [], ["(4, 16)", "4 and 16", "right (4"]),
        },
    }


ANSWERS = {module.__name__: table for module, table in _answers().items()}


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_checker_is_in_the_table(name):
    module = importlib.import_module(name)
    assert sorted(ANSWERS[name]) == checkers(module)


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_answer_on_the_api_page(name):
    module = importlib.import_module(name)
    texts = shown_texts(module)
    found = []
    for checker, (values, exact_values, phrases) in ANSWERS[name].items():
        for value in values:
            for where, text in texts.items():
                for token in leaks(text, value):
                    found.append(f"{checker} answer {value:.6g} as {token!r} in {where}")
        for value in exact_values:
            for token in leaks(texts[checker], value, exact_only=True):
                found.append(f"{checker} answer {value:g} as {token!r} in its docstring")
        for phrase in phrases:
            for where, text in texts.items():
                if phrase in text:
                    found.append(f"{checker} answer {phrase!r} in {where}")
    assert not found, "\n".join(found)


# "Right: 3.2581", "The answer is 1.003e-4", "(answer: 1)", "answer = (2.71, 10)"; not "when the
# answer is right" or "answer = (z, a)".
_GIVEAWAYS = re.compile(
    r"\b(?:Right|Correct|Expected|Solution|Answer):|\bThe (?:right |correct )?answer is\b|"
    r"\b[Aa]nswer\s*(?:[:=]|is)\s*[-({\[`]*\s*\d"
)


@pytest.mark.parametrize("name", [*CHAPTERS, "nbcore.exercises"])
def test_no_docstring_announces_an_answer(name):
    module = importlib.import_module(name)
    texts = shown_texts(module)
    if name == "nbcore.exercises":
        texts = {"module docstring": texts["module docstring"]}
        for member in ("Feedback", "close", "correct", "wrong"):
            texts[member] = inspect.getdoc(getattr(module, member)) or ""
    found = [
        f"{where}: {m.group(0)!r}"
        for where, text in texts.items()
        for m in _GIVEAWAYS.finditer(text)
    ]
    assert not found, "\n".join(found)


def test_giveaways_pattern():
    for text in ("Right: ln 26", "Correct: 0.4243", "The answer is 1.003e-4", "(answer: 1)"):
        assert _GIVEAWAYS.search(text), text
    assert _GIVEAWAYS.search("``answer = (2.71, 10)``")
    for text in ("truthy when the answer is right", "``answer = (z, a)``", "A correct answer"):
        assert not _GIVEAWAYS.search(text), text
