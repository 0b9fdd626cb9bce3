"""A tiny scalar reverse-mode autograd in the spirit of micrograd (chapter 5, Backpropagation)."""

import math
from numbers import Real

from nbcore._checks import real_op


class Value:
    """A scalar ``data`` made by ``op``; ``grad`` = d(output)/d(data) after output.backward()."""

    def __init__(self, data, children=(), local=(), op="", label=""):
        if isinstance(data, bool) or not isinstance(data, Real) or not math.isfinite(data):
            raise TypeError(f"Value: expected data as a real number, got {data!r}")
        self.data, self.grad, self.label = float(data), 0.0, label
        self.children, self.local, self.op = tuple(children), tuple(local), op

    def __add__(self, other):  # d(a + b)/da = 1, d(a + b)/db = 1
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):  # d(a b)/da = b, d(a b)/db = a
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, k):  # d(a^k)/da = k a^(k-1), for a constant exponent k (0 when k = 0)
        out, d = real_op("__pow__", lambda a, k: (a**k, k * a ** (k - 1) if k else 0), self.data, k)
        return Value(out, (self,), (d,), f"**{k}")

    def __rpow__(self, c):  # d(c^a)/da = c^a ln c, for a constant base c > 0
        out, d = real_op("__rpow__", lambda c, a: (c**a, c**a * math.log(c)), c, self.data)
        return Value(out, (self,), (d,), f"{c}**")

    def exp(self):  # d(e^a)/da = e^a
        out, d = real_op("exp", lambda a: (math.exp(a),) * 2, self.data)
        return Value(out, (self,), (d,), "exp")

    def log(self):  # d(ln a)/da = 1/a
        if self.data <= 0:
            raise ValueError(f"Value.log: expected a positive number, got {self.data}")
        return Value(math.log(self.data), (self,), (1 / self.data,), "log")

    def tanh(self):  # tanh'(a) = 1 - tanh(a)^2
        return Value(math.tanh(self.data), (self,), (1 - math.tanh(self.data) ** 2,), "tanh")

    def sigmoid(self):  # sigma'(a) = s (1 - s), from the OUTPUT s = sigma(a)
        e = math.exp(-abs(self.data))  # never overflows
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return Value(s, (self,), (s * (1 - s),), "sigmoid")

    def relu(self):  # relu'(a) = 1 if a > 0 else 0 (the subgradient 0 at a = 0)
        return Value(max(self.data, 0.0), (self,), (float(self.data > 0),), "relu")

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + -(other if isinstance(other, Value) else Value(other))

    def __truediv__(self, other):  # a / b = a * b^-1
        return self * (other if isinstance(other, Value) else Value(other)) ** -1

    def __rtruediv__(self, other):  # c / a = c * a^-1
        return other * self**-1

    def __rsub__(self, other):
        return Value(other) - self

    __radd__, __rmul__, __array_ufunc__ = __add__, __mul__, None  # None: NumPy defers to Value

    def nodes(self):
        """Every node of the graph that ends here, each one after all of its inputs."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # depth-first search without recursion: deep graphs are fine
            v, inputs_done = stack.pop()
            if inputs_done:
                order.append(v)
            elif v not in seen:
                seen.add(v)
                stack += [(v, True)] + [(c, False) for c in v.children]
        return order

    def backward(self):
        """Set ``grad`` of every node to d(self)/d(node), adding into the leaves' ``grad``."""
        order = self.nodes()
        for v in [v for v in order if v.children]:  # intermediate results restart from 0
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):  # outputs before inputs: v.grad is complete here
            for child, local in zip(v.children, v.local, strict=True):
                child.grad += local * v.grad  # the chain rule, one edge at a time

    def zero_grad(self):
        for v in self.nodes():
            v.grad = 0.0

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"
