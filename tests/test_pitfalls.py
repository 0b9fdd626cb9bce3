"""Guards for the pitfalls of ``book/pitfalls.md``: one or more tests per pitfall.

Two kinds of test:

* ``test_<behaviour>`` checks that nbcore computes the right thing (and not the tutorial's wrong
  thing), e.g. that binary cross-entropy uses the natural logarithm.
* ``test_book_<pitfall>`` scans the book's pages (``book/*.md`` and the markdown and code cells of
  ``book/*.ipynb``) for the wrong statement. A page may quote a wrong statement in order to
  correct it (or to say which tutorial made it): a paragraph (or code cell) that contains one of
  the words in ``EXEMPT`` is skipped.
  ``pitfalls.md`` quotes every wrong statement on purpose; it is checked instead by running its
  code blocks (``test_pitfalls_page_code_runs``) and by ``test_pitfalls_page_structure``.

``test_book_patterns_catch_the_wrong_statements`` checks the scanners themselves: each pattern
flags the wrong statement it is written for and lets the right one through.
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import nbcore as nc

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PITFALLS = "pitfalls.md"

#: A paragraph or code cell containing one of these words may quote a wrong statement (to
#: correct it, or to say which tutorial or article made it).
EXEMPT = re.compile(
    r"\b(wrong|bug|buggy|mistakes?|incorrect|typo|pitfalls?|tutorials?|articles?)\b|错误|錯誤|文章",
    re.I,
)

#: The anchors of book/pitfalls.md, in page order.
ANCHORS = [
    "pitfall-log-base",
    "pitfall-adam-eps",
    "pitfall-sigmoid-grad",
    "pitfall-rmse-typo",
    "pitfall-sigmoid-variable",
    "pitfall-leaky-relu-sigma",
    "pitfall-relu-vanishing",
    "pitfall-backprop-cost",
    "pitfall-focal-alpha",
    "pitfall-onehot-sigmoid",
    "pitfall-onehot-accuracy",
    "pitfall-softmax-overflow",
    "pitfall-two-biases",
    "pitfall-adagrad-lr",
    "pitfall-softmax-example",
    "pitfall-sklearn-binary",
    "pitfall-dropout-scaling",
    "pitfall-activation-purpose",
    "pitfall-loss-sign",
    "pitfall-from-logits",
    "pitfall-logit-log-odds",
    "pitfall-activation-differentiable",
    "pitfall-weight-importance",
    "pitfall-activation-nonlinear",
    "pitfall-backprop-optimizer",
    "pitfall-l2-outliers",
    "pitfall-cross-entropy-unbiased",
    "pitfall-linear-collapse",
    "pitfall-local-minima",
    "pitfall-sparse-connectivity",
    "pitfall-julia-code",
    "pitfall-batchnorm-eval",
    "pitfall-scheduler-per-batch",
    "pitfall-adamw",
    "pitfall-moons-code",
]


# --------------------------------------------------------------------------------------------
# Reading the book
# --------------------------------------------------------------------------------------------


def _paragraphs(markdown):
    """Split markdown into paragraphs at blank lines; a fenced block stays one paragraph."""
    chunks, current, fence = [], [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        if not stripped and fence is None:
            if current:
                chunks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        chunks.append("\n".join(current))
    return chunks


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def book_pages(book=None):
    """{page name: list of (kind, text) chunks} for every book page but pitfalls.md.

    kind is "md" for a markdown paragraph and "code" for a whole code cell.
    """
    book = BOOK if book is None else Path(book)
    pages = {}
    for path in sorted(book.glob("*.md")) + sorted(book.glob("*.ipynb")):
        if path.name == PITFALLS:
            continue
        if path.suffix == ".md":
            pages[path.name] = [("md", p) for p in _paragraphs(path.read_text(encoding="utf-8"))]
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        chunks = []
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                chunks += [("md", p) for p in _paragraphs(_source(cell))]
            elif cell.get("cell_type") == "code":
                chunks.append(("code", _source(cell)))
        pages[path.name] = chunks
    return pages


# --------------------------------------------------------------------------------------------
# The wrong statements, as patterns; each with examples it must flag and examples it must pass
# --------------------------------------------------------------------------------------------

_SIGMOID_FRAC = (
    r"\\sigma\s*\(\s*(\w)\s*\)\s*=\s*\\d?frac\s*\{\s*1\s*\}\s*\{\s*1\s*\+\s*e\s*\^\s*\{\s*-\s*(\w)"
)
_SIGMOID_SLASH = r"\\sigma\s*\(\s*(\w)\s*\)\s*=\s*1\s*/\s*\(\s*1\s*\+\s*e\s*\^\s*\{?\s*-\s*(\w)"

PATTERNS = {
    # name: (regexes, extra exempt words, must flag, must pass)
    "log_base": (
        [r"(?<![\w\\])-\s*\\?(?:log|ln|lg)\s*\(?\s*0\.9\s*\)?\s*(?:=|≈|\\approx)\s*0\.04[56]"],
        None,
        ["the loss is $-\\log 0.9 = 0.046$", "-log(0.9) = 0.0458", "$-\\ln 0.9 \\approx 0.046$"],
        ["$-\\ln 0.9 = 0.105$", "$-\\log_{10} 0.9 = 0.046$", "-log10(0.9) = 0.046"],
    ),
    "eps_sqrt": (
        # eps inside the root of an optimizer's denominator (v, v_hat, G, s, E[g^2], cache)
        [
            r"\\sqrt\s*\{\s*(?:\\hat\s*(?:\{\s*v\s*\}|v)|v|G|s|E\s*\[)(?:[^{}]|\{[^{}]*\})*"
            r"\+\s*\\(?:epsilon|varepsilon|eps)\b",
            r"np\.sqrt\(\s*(?:v(?:_hat|_t)?|s|G|G_t|cache|square_avg|state_sum)\b(?:\s*/[^()+]*)?"
            r"\s*\+\s*(?:self\.)?eps\w*\s*\)",
        ],
        # the book's convention is PyTorch's; Keras's (eps inside, for AdaGrad and RMSprop) may
        # be quoted by a paragraph that names it
        r"\bKeras\b|\bTensorFlow\b",
        [
            "\\frac{\\eta}{\\sqrt{\\hat{v}_t + \\epsilon}}",
            "\\frac{\\eta}{\\sqrt{G_t + \\epsilon}}",
            "theta -= lr * m_hat / np.sqrt(v_hat + eps)",
        ],
        [
            "\\frac{\\eta}{\\sqrt{\\hat v_t} + \\epsilon}",
            "\\hat m/(\\sqrt{\\hat v} + \\epsilon)",
            "lr * m_hat / (np.sqrt(v_hat) + eps)",
            "X_std = (X - mu) / np.sqrt(var + eps)",
        ],
    ),
    "sigmoid_grad": (
        [
            r"\\sigma'\s*\(\s*z\s*\)\s*=\s*z\s*\\?,?\s*\(\s*1\s*-\s*z\s*\)",
            r"(?<![\w.])z\s*\*\s*\(\s*1\s*-\s*z\s*\)",
        ],
        None,
        ["$\\sigma'(z) = z(1 - z)$", "def sigmoid_grad(z):\n    return z * (1 - z)"],
        ["$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$", "return a * (1 - a)", "s = nc.sigmoid(z)"],
    ),
    "rmse_typo": (
        [r"\(\s*y_\{?i\}?\s*-\s*y_\{?i\}?\s*\)", r"\(\s*y\[i\]\s*-\s*y\[i\]\s*\)"],
        None,
        ["\\sqrt{\\frac{1}{n}\\sum_{i=1}^{n}(y_i-y_i)^2}", "(y[i] - y[i])**2"],
        ["\\sqrt{\\frac{1}{m}\\sum_{i=1}^{m}(\\hat y_i - y_i)^2}", "(y_hat[i] - y[i])**2"],
    ),
    "sigmoid_variable": (
        [_SIGMOID_FRAC, _SIGMOID_SLASH],
        None,
        ["$\\sigma(z)=\\frac{1}{1+e^{-x}}$", "$\\sigma(z) = 1/(1 + e^{-x})$"],
        ["$\\sigma(z) = \\frac{1}{1 + e^{-z}}$", "$\\sigma(x) = 1/(1 + e^{-x})$"],
    ),
    "leaky_relu_sigma": (
        [r"\\sigma\s*\(\s*\w\s*\)\s*=\s*\\?max\b"],
        None,
        ["$\\sigma(z)=max(\\alpha x, x)$", "$\\sigma(z) = \\max(0, z)$"],
        ["$\\operatorname{LeakyReLU}(z) = \\max(\\alpha z, z)$", "$\\sigma(z) = 1/(1 + e^{-z})$"],
    ),
    "relu_claim": (
        [
            r"\bReLU\b[^.\n]{0,80}?\b(?:solves|solved|eliminates|eliminated|cures)\b"
            r"[^.\n]{0,40}vanishing",
            r"\bvanishing[^.\n]{0,40}\b(?:solved|eliminated|cured)\b\s+by\s+ReLU",
            r"ReLU[^。\n]{0,40}(?:解决了梯度消失|不存在梯度消失)",
        ],
        None,
        [
            "ReLU solves the vanishing gradient problem.",
            "The vanishing gradient problem is solved by ReLU.",
            "ReLU 解决了梯度消失问题",
        ],
        [
            "ReLU mitigates vanishing gradients for positive inputs; it does not solve them.",
            "ReLU avoids the vanishing factor for positive inputs.",
        ],
    ),
    "backprop_cost": (
        [r"\bcubic\b[^.\n]{0,80}\blinear\b", r"三次方[^。\n]{0,20}线性"],
        None,
        ["backpropagation reduces the cost from cubic to linear", "从参数数量的三次方降至线性"],
        ["backpropagation costs O(P) per gradient against O(P^2) for numerical differentiation"],
    ),
    "focal_alpha_code": (
        [
            r"alpha\s*\[\s*[\w.]+\s*==\s*1\s*\]\s*=\s*1\s*-",
            r"\(\s*1\s*-\s*(?:self\.)?alpha\s*\)\s*\*\s*(y|target|Y|label)\b\s*\+\s*"
            r"(?:self\.)?alpha\s*\*\s*\(\s*1\s*-\s*\1\s*\)",
        ],
        None,
        [
            "alpha[label == 1] = 1 - self.alpha",
            "alpha_t = (1 - alpha) * y + alpha * (1 - y)",
        ],
        ["alpha_t = alpha * y + (1 - alpha) * (1 - y)"],
    ),
    "softmax_naive_def": (
        # a softmax defined in code that exponentiates without a max shift (unless the cell
        # says it is naive); a placeholder body (``return None``) or one that calls a stable
        # helper has no ``exp(`` of its own and is not flagged
        [r"def\s+\w*softmax\w*\s*\((?:(?!\bmax\b).)*\bexp\s*\((?:(?!\bmax\b).)*\Z"],
        r"naive|overflow|unstable",
        ["def softmax(z):\n    e = np.exp(z)\n    return e / e.sum()"],
        [
            "def softmax(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()",
            "def naive_softmax(z):\n    return np.exp(z) / np.exp(z).sum()",
        ],
    ),
    "bias_inside_sum": (
        # a unit's bias inside the sum over its inputs, so that it is added once per input
        [
            r"(?:\\sum|Σ)[^$\n]{0,40}?\(\s*w_\{?\w+\}?\s*(?:\\cdot|\*|\\,)?\s*"
            r"[xa](?:\^\{?\[\w+\]\}?)?_\{?\w+\}?\s*\+\s*b(?:_\{?\w+\}?)?\s*\)"
        ],
        None,
        [
            "$\\mathrm{ReLU}(\\sum_j (w_{ij} x_j + b_i))$",
            "ReLU(Σ(w_{ij} * x_j + b_i))",
        ],
        [
            "$z_j = \\sum_k w_{jk} x_k + b_j$",
            "$z_i = \\sum_j (w_{ij} x_j) + b_i$",
            "$\\sum_{k=1}^{n} w^{[l]}_{jk} a^{[l-1]}_k + b^{[l]}_j$",
            "$\\sum_i (w_1 x_i + b - y_i)^2$",
        ],
    ),
    "sparse_distant": (
        # sparse connectivity defined by distance rather than by the number of connections
        [
            r"\bsparse(?:ly)?\b[^.\n]{0,80}\b(?:distant|far[ -]away|remote)\b",
            r"稀疏[^。\n]{0,30}(?:相距较远|相距較遠|距离较远|距離較遠)",
        ],
        None,
        [
            "In a sparsely connected network each node connects to a few distant nodes.",
            "稀疏连接型:网络中的节点只与少数相距较远的节点相连",
        ],
        [
            "A sparse layer has few connections per unit; a convolution connects near neighbours.",
        ],
    ),
    "softmax_example": (
        [r"90\s*\\?%\s*,\s*5\s*\\?%\s*,\s*[23]\s*\\?%\s*,\s*[23]\s*\\?%"],
        None,
        ["the softmax of (3, 1, 0.1, 0.5) is (90%, 5%, 2%, 3%)"],
        ["the softmax of (3, 1, 0.1, 0.5) is (0.786, 0.106, 0.043, 0.065)"],
    ),
}


def _flags(name, kind, text):
    """True when chunk ``text`` states pitfall ``name``'s wrong statement (and is not exempt)."""
    regexes, extra, _, _ = PATTERNS[name]
    if EXEMPT.search(text) or (extra and re.search(extra, text, re.I)):
        return False
    flags = re.S if name == "softmax_naive_def" else 0
    if name == "softmax_naive_def" and kind != "code":
        return False
    for rx in regexes:
        for m in re.finditer(rx, text, flags):
            groups = m.groups()
            if name == "sigmoid_variable" and groups[0] == groups[1]:
                continue  # sigma(x) = 1 / (1 + e^{-x}) is fine: one variable
            return True
    return False


def _violations(name, pages=None, page_ok=None):
    pages = book_pages() if pages is None else pages
    found = []
    for page, chunks in pages.items():
        if page_ok is not None and page_ok(page, chunks):
            continue
        for kind, text in chunks:
            if _flags(name, kind, text):
                found.append(f"{page}: {text.strip()[:200]!r}")
    return found


def _assert_absent(name, page_ok=None):
    found = _violations(name, page_ok=page_ok)
    assert not found, (
        f"The book states pitfall {name!r} (see book/pitfalls.md); if a page quotes it to "
        f"correct it, say so in the same paragraph ('wrong', 'bug', 'pitfall', ...):\n"
        + "\n".join(found)
    )


def test_book_patterns_catch_the_wrong_statements():
    for name, (_, _, wrong, right) in PATTERNS.items():
        kind = "code" if name == "softmax_naive_def" else "md"
        for text in wrong:
            assert _flags(name, kind, text), f"{name}: pattern misses the wrong {text!r}"
        for text in right:
            assert not _flags(name, kind, text), f"{name}: pattern flags the right {text!r}"
        assert not _flags(name, kind, f"This is wrong: {wrong[0]}"), f"{name}: exemption ignored"


# --------------------------------------------------------------------------------------------
# 1. log base
# --------------------------------------------------------------------------------------------


def test_bce_uses_natural_log():
    loss = nc.binary_cross_entropy(np.array([0.9]), np.array([1.0]))
    assert loss == pytest.approx(-np.log(0.9), rel=1e-12)
    assert loss == pytest.approx(0.1053605, abs=1e-7)
    assert abs(loss - 0.0458) > 0.05  # not -log10(0.9)
    assert nc.BCELoss()(np.array([0.9]), np.array([1.0])) == pytest.approx(loss, rel=1e-12)
    # the same number from a logit (sigma(ln 9) = 0.9) and from softmax logits
    z = np.array([np.log(9.0)])
    assert nc.binary_cross_entropy_with_logits(z, np.array([1.0])) == pytest.approx(loss)
    logits = np.log(np.array([[0.9, 0.1]]))
    assert nc.cross_entropy(logits, np.array([0])) == pytest.approx(loss)
    # the tidy gradient sigma(z) - y holds only with ln
    bce = nc.BCEWithLogitsLoss()
    bce(z, np.array([1.0]))
    assert bce.backward()[0] == pytest.approx(0.9 - 1.0)


def test_book_log_base():
    _assert_absent("log_base")


# --------------------------------------------------------------------------------------------
# 2. eps outside the square root
# --------------------------------------------------------------------------------------------


def _one_step(opt_cls, g, theta=1.0, **kw):
    p = nc.Parameter(np.array([theta]))
    p.grad[:] = g
    opt_cls([p], **kw).step()
    return theta - p.data[0]


def test_adam_eps_outside_sqrt():
    g, lr, eps = 1e-8, 1e-3, 1e-8
    step = _one_step(nc.Adam, g, lr=lr, eps=eps)  # m_hat = g, v_hat = g^2 on step 1
    outside = lr * g / (np.sqrt(g * g) + eps)
    inside = lr * g / np.sqrt(g * g + eps)
    assert step == pytest.approx(outside, rel=1e-9)
    assert step == pytest.approx(5e-4, rel=1e-9)
    assert step / inside > 1000

    # two steps with varied gradients against the formula with bias correction
    rng = np.random.default_rng(0)
    theta0, grads = rng.normal(size=3), rng.normal(size=(2, 3)) * [1.0, 1e-6, 1e-9]
    p = nc.Parameter(theta0.copy())
    opt = nc.Adam([p], lr=0.01)
    theta, m, v = theta0.copy(), np.zeros(3), np.zeros(3)
    for t, gt in enumerate(grads, start=1):
        p.grad[:] = gt
        opt.step()
        m = 0.9 * m + 0.1 * gt
        v = 0.999 * v + 0.001 * gt * gt
        theta -= 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        assert np.allclose(p.data, theta, rtol=1e-12, atol=0)

    try:
        import torch
    except ImportError:
        return
    w = torch.tensor(theta0.copy(), requires_grad=True)
    topt = torch.optim.Adam([w], lr=0.01)
    for gt in grads:
        w.grad = torch.tensor(gt)
        topt.step()
    assert np.allclose(w.detach().numpy(), p.data, rtol=1e-12, atol=1e-15)


def test_rmsprop_adagrad_eps_outside_sqrt():
    g = 1e-8
    step = _one_step(nc.RMSprop, g, lr=0.01, alpha=0.99, eps=1e-8)
    v = 0.01 * g * g
    assert step == pytest.approx(0.01 * g / (np.sqrt(v) + 1e-8), rel=1e-9)
    assert step / (0.01 * g / np.sqrt(v + 1e-8)) > 1000

    g = 1e-10
    step = _one_step(nc.AdaGrad, g, lr=0.01, eps=1e-10)
    assert step == pytest.approx(0.01 * g / (np.sqrt(g * g) + 1e-10), rel=1e-9)
    assert step == pytest.approx(0.005, rel=1e-9)
    assert step / (0.01 * g / np.sqrt(g * g + 1e-10)) > 1000


def test_book_eps_outside_sqrt():
    _assert_absent("eps_sqrt")


# --------------------------------------------------------------------------------------------
# 3. sigma' from z
# --------------------------------------------------------------------------------------------


def test_sigmoid_grad_takes_z():
    z = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0])
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(nc.sigmoid_grad(z), s * (1 - s), rtol=1e-12)
    assert nc.sigmoid_grad(np.array([0.0]))[0] == 0.25  # z(1 - z) would give 0
    assert nc.sigmoid_grad(np.array([2.0]))[0] == pytest.approx(0.104993585, abs=1e-9)
    assert np.all(nc.sigmoid_grad(z) > 0)  # z(1 - z) is negative for z > 1
    # the Sigmoid layer's backward uses the same derivative
    layer = nc.Sigmoid()
    Z = z.reshape(2, 3)
    layer(Z)
    assert np.allclose(layer.backward(np.ones_like(Z)), nc.sigmoid_grad(Z), rtol=1e-12)


def test_book_sigmoid_grad():
    _assert_absent("sigmoid_grad")


# --------------------------------------------------------------------------------------------
# 4. RMSE typo
# --------------------------------------------------------------------------------------------


def test_rmse_formula():
    y, y_hat = np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0])
    expected = np.sqrt(np.mean((y - y_hat) ** 2))
    assert nc.rmse(y_hat, y) == pytest.approx(expected, rel=1e-12)
    assert nc.rmse(y_hat, y) == pytest.approx(0.6454972, abs=1e-7)
    assert nc.RMSELoss()(y_hat, y) == pytest.approx(expected, rel=1e-12)
    assert nc.rmse(y_hat, y) > 0
    assert nc.rmse(y, y) == 0.0


def test_book_rmse_typo():
    _assert_absent("rmse_typo")


# --------------------------------------------------------------------------------------------
# 5. sigmoid written with the right variable
# --------------------------------------------------------------------------------------------


def test_sigmoid_values():
    assert nc.sigmoid(np.array([0.0]))[0] == 0.5
    assert nc.sigmoid(np.array([2.0]))[0] == pytest.approx(1 / (1 + np.exp(-2.0)), rel=1e-15)
    z = np.linspace(-5, 5, 11)
    assert np.allclose(nc.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    assert np.allclose(nc.sigmoid(-z), 1 - nc.sigmoid(z), atol=1e-15)


def test_book_sigmoid_variable():
    _assert_absent("sigmoid_variable")


# --------------------------------------------------------------------------------------------
# 6. leaky ReLU is not sigma
# --------------------------------------------------------------------------------------------


def test_leaky_relu_values():
    assert float(nc.leaky_relu(-2, alpha=0.01)) == pytest.approx(-0.02, rel=1e-15)
    z = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(nc.leaky_relu(z, alpha=0.01), [-0.02, 0.0, 3.0], rtol=1e-15)
    assert np.allclose(nc.leaky_relu(z, alpha=0.2), [-0.4, 0.0, 3.0], rtol=1e-15)
    assert np.allclose(nc.leaky_relu_grad(z, alpha=0.01), [0.01, 0.01, 1.0])
    assert np.allclose(nc.LeakyReLU(alpha=0.01)(z.reshape(1, 3)), [[-0.02, 0.0, 3.0]])


def test_book_leaky_relu_not_sigma():
    _assert_absent("leaky_relu_sigma")


# --------------------------------------------------------------------------------------------
# 7. ReLU does not solve vanishing gradients
# --------------------------------------------------------------------------------------------


def test_relu_does_not_solve_vanishing():
    def chain_grad(w, depth=10):
        layers = []
        for _ in range(depth):
            d = nc.Dense(1, 1)
            d.W.data[:] = w
            layers += [d, nc.ReLU()]
        chain = nc.Sequential(*layers)
        out = chain(np.array([[1.0]]))
        return chain.backward(np.ones_like(out))[0, 0]

    assert chain_grad(0.5) == pytest.approx(0.5**10, rel=1e-12)  # vanishes
    assert chain_grad(2.0) == pytest.approx(2.0**10, rel=1e-12)  # explodes
    assert chain_grad(1.0) == 1.0
    # the sigmoid's derivative is at most 1/4
    assert nc.sigmoid_grad(np.linspace(-10, 10, 2001)).max() == 0.25
    # a dead ReLU unit (z < 0 on every sample) gets exactly zero gradient
    dead = nc.Dense(1, 1)
    dead.W.data[:] = 1.0
    dead.b.data[:] = -10.0
    X = np.linspace(-1, 1, 5).reshape(-1, 1)
    dead.backward(nc.relu_grad(dead(X)))
    assert np.all(dead.W.grad == 0) and np.all(dead.b.grad == 0)


def test_book_relu_claim():
    _assert_absent("relu_claim")


# --------------------------------------------------------------------------------------------
# 8. the cost of backprop
# --------------------------------------------------------------------------------------------


def test_numerical_gradient_needs_two_passes_per_parameter():
    model = nc.MLP([2, 3, 1], activation="sigmoid")
    X, Y = np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[1.0], [0.0]])
    loss_fn = nc.MSELoss()
    calls = []

    def loss():
        calls.append(1)
        return loss_fn(model(X), Y)

    numeric = [nc.numerical_gradient(loss, p.data).copy() for p in model.parameters()]
    P = sum(p.data.size for p in model.parameters())
    assert P == 13
    assert len(calls) == 2 * P  # O(P) forward passes, each O(P): O(P^2)

    calls.clear()
    model.zero_grad()
    loss()  # backprop: one forward pass ...
    model.backward(loss_fn.backward())  # ... and one backward pass
    assert len(calls) == 1
    for p, g in zip(model.parameters(), numeric, strict=True):
        assert np.allclose(p.grad, g, rtol=1e-6, atol=1e-9)
    assert sum(p.data.size for p in nc.MLP([784, 128, 10]).parameters()) == 101_770


def test_book_backprop_cost_claim():
    _assert_absent("backprop_cost")


# --------------------------------------------------------------------------------------------
# 9. focal loss alpha
# --------------------------------------------------------------------------------------------


def _focal_reference(p, y, alpha, gamma):
    """torchvision.ops.sigmoid_focal_loss, written on probabilities, reduction='mean'."""
    p_t = p * y + (1 - p) * (1 - y)
    alpha_t = alpha * y + (1 - alpha) * (1 - y)
    return float(np.mean(-alpha_t * (1 - p_t) ** gamma * np.log(p_t)))


def test_focal_alpha_weights_positive_class():
    p = np.array([0.9, 0.3, 0.2, 0.6])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    fl = nc.focal_loss(p, y, alpha=0.25, gamma=2.0)
    assert fl == pytest.approx(_focal_reference(p, y, 0.25, 2.0), rel=1e-12)
    assert nc.FocalLoss(alpha=0.25, gamma=2.0)(p, y) == pytest.approx(fl, rel=1e-12)
    swapped = _focal_reference(p, y, 0.75, 2.0)  # the article's code: 1 - alpha on positives
    assert abs(fl - swapped) > 0.01
    # one positive sample, the page's numbers
    assert nc.focal_loss(np.array([0.6]), np.array([1.0])) == pytest.approx(
        0.25 * 0.16 * -np.log(0.6), rel=1e-12
    )
    # direction: raising alpha scales positives up by alpha and negatives down by 1 - alpha
    pos, neg = y == 1, y == 0
    assert nc.focal_loss(p[pos], y[pos], alpha=0.75) == pytest.approx(
        3 * nc.focal_loss(p[pos], y[pos], alpha=0.25), rel=1e-12
    )
    assert nc.focal_loss(p[neg], y[neg], alpha=0.75) == pytest.approx(
        nc.focal_loss(p[neg], y[neg], alpha=0.25) / 3, rel=1e-12
    )
    # gamma = 0 and no alpha: plain binary cross-entropy
    assert nc.focal_loss(p, y, alpha=None, gamma=0.0) == pytest.approx(
        nc.binary_cross_entropy(p, y), rel=1e-12
    )

    try:
        import torch
    except ImportError:
        return
    x = torch.tensor(np.log(p / (1 - p)))  # logits whose sigmoid is p
    t = torch.tensor(y)
    prob = torch.sigmoid(x)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = prob * t + (1 - prob) * (1 - t)
    loss = ce * (1 - p_t) ** 2.0
    loss = (0.25 * t + 0.75 * (1 - t)) * loss  # torchvision's alpha_t
    assert fl == pytest.approx(float(loss.mean()), rel=1e-10)


def test_book_focal_alpha_code():
    _assert_absent("focal_alpha_code")


# --------------------------------------------------------------------------------------------
# 10. one-hot labels for one sigmoid output
# --------------------------------------------------------------------------------------------


def test_binary_loss_rejects_one_hot_targets():
    pred = np.array([[0.8], [0.3]])
    Y_onehot = nc.one_hot(np.array([1, 0]), 2)
    assert Y_onehot.shape == (2, 2)
    for loss in (nc.BCELoss(), nc.BCEWithLogitsLoss(), nc.FocalLoss(), nc.MSELoss()):
        with pytest.raises(ValueError, match="shape"):
            loss(pred, Y_onehot)
    y = np.array([[1.0], [0.0]])
    assert nc.binary_cross_entropy(pred, y) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)


# --------------------------------------------------------------------------------------------
# 11. accuracy against one-hot labels
# --------------------------------------------------------------------------------------------


def test_accuracy_ignores_one_hot_zeros():
    k, y = 10, np.array([0, 1, 2, 3])
    y_pred = (y + 1) % k  # wrong on every sample
    P, Y = nc.one_hot(y_pred, k), nc.one_hot(y, k)
    assert np.mean(P == Y) == 0.8  # the elementwise comparison of the article
    assert nc.accuracy(P, Y) == 0.0
    assert nc.accuracy(P, y) == 0.0
    scores = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 0.5]])
    labels = np.array([0, 1, 0])
    assert nc.accuracy(scores, labels) == 1.0
    assert nc.accuracy(scores, nc.one_hot(labels, 3)) == 1.0
    assert nc.accuracy(scores, np.array([0, 2, 2])) == pytest.approx(1 / 3)
    # one sigmoid output: probabilities against 0/1 labels
    assert nc.accuracy(np.array([[0.8], [0.3], [0.6]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------------
# 12. softmax overflow
# --------------------------------------------------------------------------------------------


def test_softmax_large_logits_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.allclose(nc.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
        assert np.allclose(nc.softmax(np.array([-1000.0, -1000.0])), [0.5, 0.5])
        assert np.allclose(nc.softmax(np.array([1000.0, 999.0])), nc.softmax(np.array([1.0, 0.0])))
        assert np.all(np.isfinite(nc.log_softmax(np.array([1000.0, 0.0]))))
        assert nc.logsumexp(np.array([1000.0, 1000.0])) == pytest.approx(1000 + np.log(2))
        assert nc.cross_entropy(np.array([[1000.0, 0.0]]), np.array([1])) == pytest.approx(1000.0)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(np.array([1000.0, 1000.0]))
        naive = naive / naive.sum()
    assert np.all(np.isnan(naive))


def test_book_softmax_uses_max_shift():
    _assert_absent("softmax_naive_def")


# --------------------------------------------------------------------------------------------
# 13. one bias per neuron
# --------------------------------------------------------------------------------------------


def test_one_bias_per_unit():
    model = nc.MLP([2, 3, 1], activation="sigmoid")
    assert [p.data.shape for p in model.parameters()] == [(3, 2), (3,), (1, 3), (1,)]
    assert sum(p.data.size for p in model.parameters()) == 13
    assert nc.Dense(4, 5).b.data.shape == (5,)
    # the bias is added once, not once per input
    unit = nc.Dense(5, 1)
    unit.W.data[:] = 0.0
    unit.b.data[:] = 1.0
    assert unit(np.ones((3, 5))).tolist() == [[1.0], [1.0], [1.0]]
    rng = np.random.default_rng(0)
    layer = nc.Dense(4, 3, rng=rng)
    layer.b.data[:] = rng.normal(size=3)
    X = rng.normal(size=(2, 4))
    assert np.allclose(layer(X), X @ layer.W.data.T + layer.b.data, rtol=1e-12)


def test_book_bias_inside_sum():
    _assert_absent("bias_inside_sum")


# --------------------------------------------------------------------------------------------
# 14. AdaGrad never increases a learning rate
# --------------------------------------------------------------------------------------------


def test_adagrad_effective_lr_never_grows():
    rng = np.random.default_rng(0)
    p = nc.Parameter(np.zeros(3))
    opt = nc.AdaGrad([p], lr=0.01)
    scales = np.array([1.0, 1e-3, 1e-6])  # a large, a small and a tiny gradient
    previous = np.full(3, np.inf)
    for _ in range(20):
        p.grad[:] = rng.normal(size=3) * scales
        opt.step()
        effective = 0.01 / (np.sqrt(opt.state[0]["sum"]) + opt.eps)
        assert np.all(effective <= previous)
        previous = effective
    steps = []
    q = nc.Parameter(np.array([0.0]))
    opt = nc.AdaGrad([q], lr=0.01)
    for _ in range(4):
        before = q.data[0]
        q.grad[:] = 0.1
        opt.step()
        steps.append(before - q.data[0])
    assert np.allclose(steps, 0.01 / np.sqrt(np.arange(1, 5)), rtol=1e-8)


# --------------------------------------------------------------------------------------------
# 15. the softmax of (3, 1, 0.1, 0.5)
# --------------------------------------------------------------------------------------------


def test_softmax_example_values():
    z = np.array([3.0, 1.0, 0.1, 0.5])
    p = nc.softmax(z)
    assert np.allclose(p, np.exp(z) / np.exp(z).sum(), rtol=1e-14)
    assert np.allclose(np.round(p, 3), [0.786, 0.106, 0.043, 0.065])
    assert abs(p[0] - 0.90) > 0.1
    assert np.allclose(np.round(nc.softmax(np.array([1.0, 2.0])), 4), [0.2689, 0.7311])


def test_book_softmax_example():
    # a page may show the article's illustrative percentages if it also gives the real values
    _assert_absent(
        "softmax_example", page_ok=lambda page, chunks: any("0.786" in t for _, t in chunks)
    )


# --------------------------------------------------------------------------------------------
# 16. scikit-learn's binary output
# --------------------------------------------------------------------------------------------


def test_sklearn_binary_output_is_logistic():
    neural_network = pytest.importorskip("sklearn.neural_network")
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        two = neural_network.MLPClassifier(hidden_layer_sizes=(2,), max_iter=5, random_state=0)
        two.fit(X, np.arange(40) % 2)
        three = neural_network.MLPClassifier(hidden_layer_sizes=(2,), max_iter=5, random_state=0)
        three.fit(X, np.arange(40) % 3)
    assert two.out_activation_ == "logistic" and two.coefs_[-1].shape == (2, 1)
    assert three.out_activation_ == "softmax" and three.coefs_[-1].shape == (2, 3)


# --------------------------------------------------------------------------------------------
# 17. inverted dropout
# --------------------------------------------------------------------------------------------


def test_dropout_is_inverted():
    p = 0.5
    drop = nc.Dropout(p, rng=np.random.default_rng(0))
    model = nc.Sequential(drop)
    X = np.ones((1000, 10))
    A = model(X)
    assert set(np.unique(A)) == {0.0, 1 / (1 - p)}
    assert abs(A.mean() - 1.0) < 0.05
    dX = drop.backward(np.ones_like(A))
    assert np.array_equal(dX, A)  # the same mask and scale going back
    model.eval()
    assert np.array_equal(model(X), X)
    model.train()
    A = nc.Sequential(nc.Dropout(0.2, rng=np.random.default_rng(1)))(X)
    assert set(np.unique(A)) == {0.0, 1.25}


# --------------------------------------------------------------------------------------------
# 18. activation functions are for non-linearity
# --------------------------------------------------------------------------------------------


def _collapsed(first, second):
    """W and b of the one affine map that Dense ``second`` after Dense ``first`` computes."""
    return second.W.data @ first.W.data, second.W.data @ first.b.data + second.b.data


def test_linear_layers_collapse():
    rng = np.random.default_rng(0)
    l1, l2 = nc.Dense(3, 4, rng=rng), nc.Dense(4, 2, rng=rng)
    l1.b.data[:] = rng.normal(size=4)
    l2.b.data[:] = rng.normal(size=2)
    X = rng.normal(size=(5, 3))
    deep = nc.Sequential(l1, nc.Identity(), l2)
    W, b = _collapsed(l1, l2)
    assert np.allclose(deep(X), X @ W.T + b, rtol=1e-12)
    # with a ReLU between them, no single affine map reproduces the network on all inputs
    relu_net = nc.Sequential(l1, nc.ReLU(), l2)
    X = rng.normal(size=(50, 3))
    A = np.hstack([X, np.ones((50, 1))])
    coef, *_ = np.linalg.lstsq(A, relu_net(X), rcond=None)
    assert np.abs(A @ coef - relu_net(X)).max() > 1e-3


# --------------------------------------------------------------------------------------------
# 19. the sign of the log loss
# --------------------------------------------------------------------------------------------


def test_log_losses_are_positive_and_decrease_towards_truth():
    p = np.linspace(0.01, 0.99, 99)
    ones, zeros = np.ones(1), np.zeros(1)
    bce_pos = [nc.binary_cross_entropy(np.array([q]), ones) for q in p]
    bce_neg = [nc.binary_cross_entropy(np.array([q]), zeros) for q in p]
    assert min(bce_pos) > 0 and min(bce_neg) > 0
    assert np.all(np.diff(bce_pos) < 0) and np.all(np.diff(bce_neg) > 0)
    assert nc.binary_cross_entropy(np.array([1.0]), ones) == 0.0
    assert nc.binary_cross_entropy(np.array([0.1]), ones) == pytest.approx(-np.log(0.1))
    ce = [nc.cross_entropy(np.array([[s, 0.0]]), np.array([0])) for s in np.linspace(-3, 3, 13)]
    assert min(ce) > 0 and np.all(np.diff(ce) < 0)
    # one gradient step on the loss raises the probability of the true class
    bce = nc.BCELoss()
    q = np.array([0.3])
    bce(q, ones)
    assert (q - 0.01 * bce.backward())[0] > q[0]


# --------------------------------------------------------------------------------------------
# 20. loss from logits
# --------------------------------------------------------------------------------------------


def test_bce_from_logits_is_exact():
    z, y = np.array([40.0]), np.array([0.0])
    assert nc.sigmoid(z)[0] == 1.0  # sigma(40) = 1 - 4.2e-18 rounds to 1 in float64
    assert nc.binary_cross_entropy(nc.sigmoid(z), y) == 100.0  # PyTorch's clamp
    assert nc.binary_cross_entropy_with_logits(z, y) == pytest.approx(40.0, rel=1e-15)
    bce = nc.BCEWithLogitsLoss()
    bce(z, y)
    assert bce.backward()[0] == pytest.approx(1.0)  # sigma(40) - 0
    zs = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    losses = [nc.binary_cross_entropy_with_logits(np.array([v]), np.ones(1)) for v in zs]
    assert np.all(np.isfinite(losses))
    assert losses[0] == pytest.approx(800.0)


# --------------------------------------------------------------------------------------------
# 21. softmax logits and log-odds
# --------------------------------------------------------------------------------------------


def test_softmax_logits_shift_invariant():
    z = np.array([1.0, 2.0])
    p = nc.softmax(z)
    assert np.allclose(p, nc.softmax(z + 100.0), rtol=1e-12)
    assert np.log(p[1] / p[0]) == pytest.approx(1.0, rel=1e-12)
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(4, 3))
    P = nc.softmax(Z)
    assert np.allclose(np.log(P[:, 0] / P[:, 1]), Z[:, 0] - Z[:, 1], rtol=1e-10)
    q = nc.sigmoid(np.array([0.7]))[0]
    assert np.log(q / (1 - q)) == pytest.approx(0.7, rel=1e-12)
    # a 2-class softmax is the sigmoid of the logit difference
    assert p[1] == pytest.approx(nc.sigmoid(np.array([z[1] - z[0]]))[0], rel=1e-12)


# --------------------------------------------------------------------------------------------
# 22. an activation need not be differentiable everywhere
# --------------------------------------------------------------------------------------------


def test_relu_kink_does_not_stop_training():
    # ReLU has no derivative at 0; nbcore (like PyTorch) uses the subgradient 0 there
    assert nc.relu_grad(np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]
    assert nc.leaky_relu_grad(np.array([0.0]), alpha=0.01)[0] == pytest.approx(0.01)
    layer = nc.ReLU()
    Z = np.array([[-1.0, 0.0, 2.0]])
    layer(Z)
    assert layer.backward(np.ones_like(Z)).tolist() == [[0.0, 0.0, 1.0]]
    # away from the corner, backpropagation through ReLU matches numerical gradients
    rng = np.random.default_rng(0)
    model = nc.MLP([3, 5, 2], rng=rng)
    X, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    assert nc.gradcheck_model(model, nc.MSELoss(), X, Y) < 1e-6
    # and a ReLU network trains: XOR
    X, y = nc.make_xor(4, noise=0)
    Y = y.reshape(-1, 1).astype(float)
    model = nc.MLP([2, 8, 1], rng=np.random.default_rng(0))
    opt = nc.Adam(model.parameters(), lr=0.05)
    nc.train(model, nc.BCEWithLogitsLoss(), opt, X, Y, epochs=300, progress=False)
    assert np.array_equal((model(X) > 0).astype(float), Y)
    # differentiable almost everywhere is not enough: the step passes no gradient at all
    step = nc.Step()
    Z = np.array([[-2.0, -0.5, 0.5, 2.0]])
    step(Z)
    assert np.all(step.backward(np.ones_like(Z)) == 0)


# --------------------------------------------------------------------------------------------
# 23. a weight is not its input's importance
# --------------------------------------------------------------------------------------------


def test_weight_scales_with_input_unit():
    rng = np.random.default_rng(0)
    metres = rng.uniform(0, 5000, size=(30, 1))
    rooms = rng.integers(1, 7, size=(30, 1)).astype(float)
    y = -0.002 * metres[:, 0] + 0.5 * rooms[:, 0] + 1.0
    X_m = np.hstack([metres, rooms])
    X_km = X_m / [1000.0, 1.0]

    def least_squares(X):
        A = np.hstack([X, np.ones((len(X), 1))])
        return np.linalg.lstsq(A, y, rcond=None)[0]

    w_m, w_km = least_squares(X_m), least_squares(X_km)
    assert w_m[0] == pytest.approx(-0.002, rel=1e-9)
    assert w_km[0] == pytest.approx(1000 * w_m[0], rel=1e-9)  # same input, weight x 1000
    assert w_km[1] == pytest.approx(w_m[1], rel=1e-9)  # rooms: unchanged
    # standardised, both units give the same features and hence the same weights
    assert np.allclose(nc.standardize(X_m)[0], nc.standardize(X_km)[0], rtol=1e-12)
    assert np.allclose(
        least_squares(nc.standardize(X_m)[0]), least_squares(nc.standardize(X_km)[0])
    )


# --------------------------------------------------------------------------------------------
# 24. the identity is an activation function too
# --------------------------------------------------------------------------------------------


def test_identity_output_fits_any_range():
    z = np.linspace(-3, 3, 7)
    assert np.array_equal(nc.identity(z), z)
    model = nc.MLP([1, 16, 1], rng=np.random.default_rng(0))
    assert isinstance(model[-1], nc.Dense)  # MLP's default output is the identity
    X = np.linspace(-2, 2, 21).reshape(-1, 1)
    Y = X**2 - 3
    opt = nc.Adam(model.parameters(), lr=0.02)
    nc.train(model, nc.MSELoss(), opt, X, Y, epochs=500, progress=False)
    assert nc.mse(model(X), Y) < 0.01
    assert model(X).min() < -2.5  # outside the range (0, 1) of a sigmoid output


# --------------------------------------------------------------------------------------------
# 25. backpropagation computes gradients; the optimizer updates
# --------------------------------------------------------------------------------------------


def test_backward_changes_no_parameter():
    rng = np.random.default_rng(0)
    model = nc.MLP([2, 3, 1], activation="sigmoid", rng=rng)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    loss_fn = nc.MSELoss()
    before = [p.data.copy() for p in model.parameters()]
    loss_fn(model(X), Y)
    model.backward(loss_fn.backward())
    for p, b in zip(model.parameters(), before, strict=True):
        assert np.array_equal(p.data, b)  # backward only fills .grad
        assert np.any(p.grad != 0)
    grads = [p.grad.copy() for p in model.parameters()]
    nc.SGD(model.parameters(), lr=0.1).step()
    for p, b, g in zip(model.parameters(), before, grads, strict=True):
        assert np.allclose(p.data, b - 0.1 * g, rtol=1e-12)
        assert np.array_equal(p.grad, g)  # the step uses the gradient, it does not change it


# --------------------------------------------------------------------------------------------
# 26. the squared error follows outliers
# --------------------------------------------------------------------------------------------


def _fit_constant(loss_fn, y, lr, steps):
    c = nc.Parameter(np.array([0.0]))
    opt = nc.SGD([c], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(np.full(len(y), c.data[0]), y)
        c.grad[:] = loss_fn.backward().sum()
        opt.step()
    return c.data[0]


def test_mse_follows_outliers():
    y = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    assert _fit_constant(nc.MSELoss(), y, lr=0.1, steps=300) == pytest.approx(22.0)  # the mean
    assert _fit_constant(nc.MAELoss(), y, lr=0.01, steps=3000) == pytest.approx(3.0, abs=0.02)
    assert _fit_constant(nc.HuberLoss(delta=1.0), y, lr=0.1, steps=3000) == pytest.approx(3.0)
    mse = nc.MSELoss()
    mse(np.full(5, 3.0), y)
    assert np.allclose(mse.backward(), 2 * (3.0 - y) / 5, rtol=1e-12)  # pull grows with residual
    mae = nc.MAELoss()
    mae(np.full(5, 3.0), y)
    assert np.abs(mae.backward()).max() == pytest.approx(1 / 5)  # bounded pull


# --------------------------------------------------------------------------------------------
# 27. minimising cross-entropy is maximum likelihood, not unbiased
# --------------------------------------------------------------------------------------------


def test_cross_entropy_fit_is_maximum_likelihood():
    # fitting one logit by gradient descent on the cross-entropy gives the frequency
    y = np.array([1.0, 1.0, 1.0, 0.0])
    z = _fit_constant(nc.BCEWithLogitsLoss(), y, lr=1.0, steps=500)
    assert nc.sigmoid(np.array([z]))[0] == pytest.approx(0.75, abs=1e-6)
    # a fair coin tossed twice: the minimised loss is biased low
    losses, p_hats = [], []
    for tosses in itertools.product([0.0, 1.0], repeat=2):
        t = np.array(tosses)
        p_hats.append(t.mean())
        losses.append(nc.binary_cross_entropy(np.full(2, t.mean()), t))
    assert np.mean(p_hats) == 0.5
    assert np.mean(losses) == pytest.approx(np.log(2) / 2, rel=1e-12)
    assert nc.binary_cross_entropy(np.full(2, 0.5), np.array([0.0, 1.0])) == pytest.approx(
        np.log(2), rel=1e-12
    )


# --------------------------------------------------------------------------------------------
# 28. no activation: one affine layer, not a perceptron
# --------------------------------------------------------------------------------------------


def test_collapsed_network_is_not_a_perceptron():
    rng = np.random.default_rng(0)
    net = nc.Sequential(nc.Dense(2, 3, rng=rng), nc.Dense(3, 1, rng=rng))
    X = rng.normal(size=(50, 2))
    W, b = _collapsed(net[0], net[1])
    out = net(X)
    assert np.allclose(out, X @ W.T + b, rtol=1e-12)
    assert len(np.unique(out)) == 50  # real numbers, not two values
    assert set(nc.step(out).ravel()) == {0.0, 1.0}  # a perceptron's outputs


# --------------------------------------------------------------------------------------------
# 29. the loss of a network is not convex
# --------------------------------------------------------------------------------------------


def test_network_loss_is_not_convex():
    net = nc.MLP([1, 2, 1], activation="tanh")
    X = np.linspace(-2, 2, 9).reshape(-1, 1)
    Y = np.tanh(2 * X)
    loss_fn = nc.MSELoss()

    def loss_at(w_hidden, w_out):
        net[0].W.data[:] = np.reshape(w_hidden, (2, 1))
        net[2].W.data[:] = np.reshape(w_out, (1, 2))
        net[0].b.data[:] = net[2].b.data[:] = 0.0
        return loss_fn(net(X), Y)

    first, second = loss_at([2, 0], [1, 0]), loss_at([0, 2], [0, 1])
    middle = loss_at([1, 1], [0.5, 0.5])
    assert first == second == 0.0
    assert middle == pytest.approx(0.0311, abs=5e-5)
    assert middle > (first + second) / 2  # impossible for a convex function
    # linear regression's MSE is convex: the midpoint is never above the chord
    rng = np.random.default_rng(0)
    A, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    for _ in range(20):
        u, v = rng.normal(size=3), rng.normal(size=3)
        assert nc.mse(A @ ((u + v) / 2), y) <= (nc.mse(A @ u, y) + nc.mse(A @ v, y)) / 2


# --------------------------------------------------------------------------------------------
# 30. sparse connectivity
# --------------------------------------------------------------------------------------------


def test_book_sparse_connectivity():
    _assert_absent("sparse_distant")


# --------------------------------------------------------------------------------------------
# 31. shapes must match exactly
# --------------------------------------------------------------------------------------------


def test_losses_refuse_mismatched_shapes():
    y = np.array([1.0, 0, 1, 1, 0, 0, 1, 0, 1, 0])
    column, row = np.full((10, 1), 0.5), np.full((1, 10), 0.5)
    assert (column - y).shape == (10, 10)  # what NumPy would silently compute
    losses = (nc.BCELoss(), nc.BCEWithLogitsLoss(), nc.MSELoss(), nc.MAELoss(), nc.HuberLoss())
    for loss in losses:
        for pred in (column, row):
            with pytest.raises(ValueError, match="shape"):
                loss(pred, y)
        assert np.isfinite(loss(column, y.reshape(-1, 1)))


# --------------------------------------------------------------------------------------------
# The pitfalls page itself
# --------------------------------------------------------------------------------------------


# 32. Batch norm at test time uses the running statistics
def test_batchnorm_eval_uses_running_stats():
    rng = np.random.default_rng(0)
    bn = nc.BatchNorm1d(3)
    bn.gamma.data[...], bn.beta.data[...] = [1.0, 2.0, 0.5], [0.0, -1.0, 3.0]
    model = nc.Sequential(nc.Dense(2, 3, rng=rng), bn)
    X = rng.normal(size=(64, 2)) * 3 + 1
    for _ in range(20):
        model(X[rng.permutation(64)[:16]])
    model.eval()
    Z = model[0](X[:5])
    expected = bn.gamma.data * (Z - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
    assert np.allclose(model(X[:5]), expected + bn.beta.data, rtol=1e-12)
    assert np.allclose(model(X[:1]), model(X[:5])[:1], rtol=1e-12)  # one sample works alone
    model.train()
    Zb = model[0](X[:5])
    by_batch = (Zb - Zb.mean(0)) / np.sqrt(Zb.var(0) + bn.eps)  # the biased batch variance
    assert np.allclose(model(X[:5]), bn.gamma.data * by_batch + bn.beta.data, rtol=1e-10)


# 33. A scheduler written in epochs is stepped once per epoch
def test_scheduler_steps_per_epoch():
    opt = nc.SGD([nc.Parameter(np.zeros(1))], lr=0.1)
    sched = nc.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    lrs = []
    for _ in range(10):
        lrs.append(opt.lr)
        sched.step()
    assert lrs[0] == 0.1 and np.isclose(lrs[5], 0.05) and lrs[-1] > 0
    assert np.isclose(opt.lr, 0.0, atol=1e-15)  # after 10 steps: the end of the schedule
    sched.step()
    assert opt.lr > 0  # stepped past T_max the cosine climbs again (as PyTorch's)


# 34. Adam's weight_decay is L2, not weight decay: use AdamW
def test_adam_weight_decay_is_not_adamw():
    def one_step(cls, wd, g):
        p = nc.Parameter(np.array([1.0]))
        p.grad[...] = g
        cls([p], lr=0.1, weight_decay=wd).step()
        return p.data[0]

    assert np.isclose(one_step(nc.Adam, 0.1, 10.0), one_step(nc.Adam, 0.0, 10.0), rtol=1e-9)
    assert np.isclose(one_step(nc.AdamW, 0.1, 10.0), 0.89)
    assert np.isclose(one_step(nc.AdamW, 0.1, 0.0), 0.99)  # decays with no gradient at all
    sgd_l2, sgd_decay = one_step(nc.SGD, 0.1, 10.0), 1 * (1 - 0.1 * 0.1) - 0.1 * 10
    assert np.isclose(sgd_l2, sgd_decay)  # for SGD the two are the same


# 35. The two-moons code of How networks work does not draw its figure's contrast
def _article_moons_accuracy(job):
    """Test accuracy of the article's printed MLPClassifier code for (hidden sizes, seed)."""
    from sklearn.datasets import make_moons
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    sizes, seed = job
    X, y = make_moons(n_samples=300, noise=0.1, random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    scaler = StandardScaler()
    X_train, X_test = scaler.fit_transform(X_train), scaler.transform(X_test)
    mlp = MLPClassifier(
        hidden_layer_sizes=sizes,
        activation="relu",
        solver="sgd",
        max_iter=2000,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_train, y_train)
    return mlp.score(X_test, y_test)


def test_moons_code_has_no_contrast():
    """Over seeds 0-9 the article's code gives median test accuracy 0.88 for (1,), 0.90 for (2,)
    and 0.90 for (3, 3): no contrast between one neuron and two layers of three. The 30 fits
    are pure-Python bound, so they run in two processes (about 10 s on an idle 2-core machine)."""
    pytest.importorskip("sklearn.neural_network")
    from concurrent.futures import ProcessPoolExecutor

    configs = [(1,), (2,), (3, 3)]
    jobs = [(sizes, seed) for sizes in configs for seed in range(10)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        scores = list(pool.map(_article_moons_accuracy, jobs))
    medians = {
        sizes: float(np.median(scores[10 * i : 10 * i + 10])) for i, sizes in enumerate(configs)
    }
    assert round(medians[(1,)], 2) == 0.88
    assert round(medians[(2,)], 2) == 0.90 and round(medians[(3, 3)], 2) == 0.90
    assert max(medians.values()) - min(medians.values()) < 0.03  # the figure's contrast is absent
    assert min(scores) == 38 / 90  # some seeds predict class 0 everywhere


def _pitfalls_text():
    return (BOOK / PITFALLS).read_text(encoding="utf-8")


def test_pitfalls_page_code_runs():
    """Every ```python block of pitfalls.md runs, so its asserted numbers are right."""
    blocks = re.findall(r"^```python\n(.*?)^```", _pitfalls_text(), re.S | re.M)
    assert len(blocks) >= len(ANCHORS)
    for i, block in enumerate(blocks, start=1):
        namespace = {"__name__": f"pitfalls_block_{i}"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # sklearn's ConvergenceWarning
            exec(compile(block, f"book/pitfalls.md, python block {i}", "exec"), namespace)


def test_pitfalls_page_structure():
    text = _pitfalls_text()
    anchors = re.findall(r"^\((pitfall-[\w-]+)\)=$", text, re.M)
    assert anchors == ANCHORS
    sections = re.split(r"^\(pitfall-[\w-]+\)=$", text, flags=re.M)[1:]
    named = set()
    module = globals()
    for anchor, section in zip(anchors, sections, strict=True):
        for part in ("**Wrong.**", "**Right.**", "**Guarded by**", "```python"):
            assert part in section, f"{anchor}: missing {part}"
        guarded = section.split("**Guarded by**", 1)[1].split("\n\n", 1)[0]
        tests = re.findall(r"`(test_\w+)`", guarded)
        assert tests, f"{anchor}: names no test"
        for name in tests:
            assert callable(module.get(name)), f"{anchor}: no test called {name} in {__file__}"
        named.update(tests)
    # every pitfall test of this module is named on the page
    own = {name for name in module if name.startswith("test_") and callable(module[name])}
    meta = {
        "test_pitfalls_page_code_runs",
        "test_pitfalls_page_structure",
        "test_book_patterns_catch_the_wrong_statements",
    }
    assert own - meta <= named, f"tests not named on the page: {sorted(own - meta - named)}"
    # the scanner sees the book
    pages = book_pages()
    assert "notation.md" in pages and PITFALLS not in pages
