"""What a reader's function is made of, for the exercises that forbid something.

A loop where the exercise asks for one array expression (chapter 1), a library function where it
asks for NumPy or for the reader's own formula (chapters 1-3), nbcore where it asks for NumPy
only (chapters 4 and 6). The source is read with ``inspect`` and ``ast``; only real references
count (a local variable of the same name does not). Nothing here raises.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import types

import numpy as np

_LOOP_NODES = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def code_of(fn):
    """The AST node of ``fn``'s own definition, or None when its source cannot be read.

    Functions defined in a notebook cell or a file, and lambdas, are read; a callable object,
    a builtin, or two lambdas with the same arguments on one line give None (then nothing is
    enforced).
    """
    try:
        lines, first = inspect.getsourcelines(fn)
        source = textwrap.dedent("".join(lines))
    except Exception:
        return None
    name = getattr(fn, "__name__", "")
    tree = None
    for text in (source, source.strip().rstrip(","), "(" + source.strip().rstrip(",") + ")"):
        try:
            tree = ast.parse(text)
            break
        except (SyntaxError, ValueError):
            continue
    if tree is None:
        return None
    if name == "<lambda>":
        code = fn.__code__
        line = code.co_firstlineno - first + 1
        args = list(code.co_varnames[: code.co_argcount])
        found = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Lambda)
            and n.lineno == line
            and [a.arg for a in n.args.args] == args
        ]
    else:
        found = [
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
        ]
    return found[0] if len(found) == 1 else None


def loop_in(fn):
    """A short name of the first Python loop in ``fn``'s code ("a for loop", ...), or None."""
    node = code_of(fn)
    if node is None:
        return None
    for sub in ast.walk(node):
        if isinstance(sub, (ast.For, ast.AsyncFor)):
            return "a for loop"
        if isinstance(sub, ast.While):
            return "a while loop"
        if isinstance(sub, _LOOP_NODES):
            return "a comprehension (a loop in one line)"
    used = used_objects(fn, node)
    for obj in used:
        if obj is map or obj is np.vectorize or obj is np.apply_along_axis:
            return f"{getattr(obj, '__name__', 'a loop')} (a loop in disguise)"
    return None


def used_objects(fn, node=None):
    """The global objects ``fn``'s code refers to (``np.tanh``, ``nc.Dense``, ...); never raises.

    Names assigned inside the function are left out; ``a.b.c`` is followed through modules and
    classes only.
    """
    node = code_of(fn) if node is None else node
    if node is None:
        return []
    local = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            local.add(sub.id)
        elif isinstance(sub, ast.arg):
            local.add(sub.arg)
    scope = dict(vars(builtins))
    scope.update(getattr(fn, "__globals__", {}) or {})
    code = getattr(fn, "__code__", None)
    for name, cell in zip(
        getattr(code, "co_freevars", ()), getattr(fn, "__closure__", None) or (), strict=False
    ):
        try:
            scope[name] = cell.cell_contents
        except ValueError:
            pass
    missing = object()

    def resolve(expr):
        if isinstance(expr, ast.Name):
            return missing if expr.id in local else scope.get(expr.id, missing)
        if isinstance(expr, ast.Attribute):
            base = resolve(expr.value)
            if isinstance(base, (types.ModuleType, type)):
                try:
                    return getattr(base, expr.attr, missing)
                except Exception:
                    return missing
        return missing

    used = []
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute)):
            obj = resolve(sub)
            if obj is not missing:
                used.append(obj)
    return used


def uses_library(fn, names, modules=("numpy", "math", "nbcore", "scipy", "torch")):
    """The first of ``names`` (e.g. ``{"tanh", "exp"}``) that ``fn`` is or takes from a library."""
    for obj in [fn, *used_objects(fn)]:
        name = getattr(obj, "__name__", None)
        module = getattr(obj, "__module__", None) or ""
        if name in names and module.split(".")[0] in modules:
            return name
    return None


def from_nbcore(obj) -> bool:
    """True for the nbcore package, one of its modules, or a function or class from it."""
    try:
        if isinstance(obj, types.ModuleType):
            name = obj.__name__
        else:
            name = getattr(obj, "__module__", None)
        return (
            isinstance(name, str)
            and (name == "nbcore" or name.startswith("nbcore."))
            and not name.startswith("nbcore.exercises")
        )
    except Exception:
        return False


def uses_nbcore(fn) -> bool:
    """True when ``fn`` is an nbcore function or names nbcore (or one of its functions)."""
    try:
        if from_nbcore(fn):
            return True
        code, names = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
        if not isinstance(code, types.CodeType) or not isinstance(names, dict):
            return False
        return any(from_nbcore(names.get(n)) for n in code.co_names)
    except Exception:
        return False
