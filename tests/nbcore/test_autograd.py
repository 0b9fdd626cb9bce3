"""Value (chapter 5's scalar autograd) at its edges: reversed operators and impossible results.

The everyday operations are tested with the chapter, in tests/chapters/test_ch05_backprop.py.
"""

import math

import numpy as np
import pytest

import nbcore as nc
from nbcore import Value


def centred(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


REVERSED = [
    ("1 / x", lambda v: 1 / v, lambda x: 1 / x),
    ("3 / x", lambda v: 3.0 / v, lambda x: 3.0 / x),
    ("2 ** x", lambda v: 2**v, lambda x: 2**x),
    ("0.5 ** x", lambda v: 0.5**v, lambda x: 0.5**x),
    ("e ** x", lambda v: math.e**v, lambda x: math.e**x),
    ("x ** 0", lambda v: v**0, lambda x: x**0),
]


@pytest.mark.parametrize("name, op, f", REVERSED, ids=[r[0] for r in REVERSED])
@pytest.mark.parametrize("x", [-1.3, 0.4, 2.5])
def test_reversed_operators_value_and_gradient(name, op, f, x):
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(f(x), rel=1e-15)
    assert v.grad == pytest.approx(centred(f, x), rel=1e-7)


def test_power_of_zero_with_exponent_zero_and_one():
    v = Value(0.0)
    (v**0).backward()
    assert v.grad == 0.0  # a^0 = 1 is constant
    w = Value(0.0)
    (w**1).backward()
    assert w.grad == 1.0
    u = Value(0.0)
    (u**2).backward()
    assert u.grad == 0.0


def test_numpy_scalars_still_combine_with_values():
    assert (np.float64(2.0) * Value(3.0)).data == 6.0
    assert (Value(3.0) - np.float32(1.0)).data == 2.0


def test_unary_plus_is_refused_as_python_refuses_it_for_new_types():
    # Value has no __pos__ (the module stays under 100 lines); Python's TypeError is clear
    with pytest.raises(TypeError, match="unary"):
        +Value(1.0)  # noqa: B018


IMPOSSIBLE = [
    ("0 ** -1", lambda: Value(0) ** -1, r"Value\.__pow__: .*\(0\.0, -1\): division by zero"),
    ("1 / 0", lambda: 1 / Value(0), r"Value\.__pow__: .*\(0\.0, -1\): division by zero"),
    ("x / 0", lambda: Value(2) / 0, r"Value\.__pow__: .*division by zero"),
    ("x / Value(0)", lambda: Value(2) / Value(0.0), r"division by zero"),
    ("exp(1000)", lambda: Value(1000).exp(), r"Value\.exp: .*\(1000\.0,\): overflow"),
    ("(-8) ** 0.5", lambda: Value(-8) ** 0.5, r"Value\.__pow__: .*\(-8\.0, 0\.5\): complex"),
    ("0 ** 0.5 (infinite slope)", lambda: Value(0) ** 0.5, r"Value\.__pow__: .*division"),
    ("1e200 ** 2", lambda: Value(1e200) ** 2, r"Value\.__pow__: .*overflow"),
    ("2 ** 5000", lambda: 2 ** Value(5000), r"Value\.__rpow__: .*overflow"),
    ("(-2) ** x", lambda: (-2) ** Value(3), r"Value\.__rpow__: .*\(-2, 3\.0\): the logarithm"),
    ("0 ** x", lambda: 0 ** Value(3), r"Value\.__rpow__: .*logarithm"),
    ("x ** nan", lambda: Value(2) ** math.nan, r"Value\.__pow__: .*nan"),
]


@pytest.mark.parametrize("name, make, message", IMPOSSIBLE, ids=[i[0] for i in IMPOSSIBLE])
def test_no_finite_real_result_is_a_clear_value_error(name, make, message):
    with pytest.raises(ValueError, match=message):
        make()


WRONG_TYPES = [
    ("Value('a')", lambda: Value("a"), r"^Value: expected data as a real number, got 'a'"),
    ("Value(nan)", lambda: Value(math.nan), r"^Value: expected data as a real number, got nan"),
    ("x + 'a'", lambda: Value(1) + "a", r"^Value: expected data as a real number, got 'a'"),
    ("'a' + x", lambda: "a" + Value(1), r"^Value: expected data as a real number, got 'a'"),
    ("x - 'a'", lambda: Value(1) - "a", r"^Value: expected data as a real number, got 'a'"),
    ("x * None", lambda: Value(1) * None, r"^Value: expected data .*got None"),
    ("x / 'a'", lambda: Value(1) / "a", r"^Value: expected data .*got 'a'"),
    ("'a' / x", lambda: "a" / Value(1), r"^Value: expected data .*got 'a'"),
    ("array + x", lambda: np.ones(2) + Value(1), r"^Value: expected data .*got array"),
    ("x + nan", lambda: Value(1) + math.nan, r"^Value: expected data .*got nan"),
    ("overflow of *", lambda: Value(1e308) * 10, r"^Value: expected data .*got inf"),
    ("x ** Value", lambda: Value(2) ** Value(2), r"^Value\.__pow__: expected a number exponent"),
    ("x ** True", lambda: Value(2) ** True, r"^Value\.__pow__: expected a number exponent"),
    ("'a' ** x", lambda: "a" ** Value(2), r"^Value\.__rpow__: expected a number .*'a'"),
]


@pytest.mark.parametrize("name, make, message", WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_wrong_types_and_non_finite_data_are_a_clear_type_error(name, make, message):
    # NaN and inf are no real numbers: a TypeError too (one check in __init__, printed in ch. 5)
    with pytest.raises(TypeError, match=message):
        make()


def test_reversed_operators_in_an_expression_match_numerical_gradients():
    def f(v):
        a, b = v
        return (2**a) / (1 + b**2) + 3 / (a + 4) - 0.5**b

    xs = np.array([0.7, -1.2])
    vals = [Value(float(x)) for x in xs]
    f(vals).backward()
    num = nc.numerical_gradient(lambda t: f([Value(float(u)) for u in t]).data, xs.copy())
    np.testing.assert_allclose([v.grad for v in vals], num, rtol=1e-7)


def test_module_stays_under_100_lines():
    # chapter 5 prints parts of it and promises the whole module is under 100 lines
    import inspect

    import nbcore.autograd

    assert len(inspect.getsource(nbcore.autograd).splitlines()) < 100
