r"""How the lecture's juxtaposition, sums, powers and transposes become SymPy objects.

* Juxtaposition is multiplication. Numbers and scalars form the coefficient; vectors and
  matrices form a chain. A chain whose value is 1×1 becomes a :class:`~derive.scalar.Scalar`.
* The lecture writes the gradient as a row vector: a column vector that *starts* a chain and is
  followed by something with d rows is transposed, so ``g_b \Delta\Phi`` is g_bᵀΔΦ.
* Adding a scalar to a vector, or multiplying shapes that do not fit, is an :class:`AlgebraError`.
* Nothing is folded that might not exist: division (and negative powers) only by numbers and by
  polynomials in η that do not vanish for η > 0; a limit or a derivative at 0 that an operation
  would cancel or multiply by 0 (``0 \cdot \lim …``, ``\lim X - \lim X``) is an error, since the
  limit may not exist.

>>> from derive.parse.algebra import product, add
>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> from derive.scalar import inner, quadratic_form
>>> product([g_b, DeltaPhi]) == inner(g_b, DeltaPhi)
True
>>> product([DeltaPhi.T, H_b, DeltaPhi]) == quadratic_form(DeltaPhi, H_b)
True
>>> add(g_b, eta)
Traceback (most recent call last):
...
derive.parse.algebra.AlgebraError: cannot add a d×1 vector and a scalar
>>> divide(1, 1 - eta, eta)
Traceback (most recent call last):
...
derive.parse.algebra.AlgebraError: cannot divide by 1 - \eta: it vanishes at \eta = 1
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from sympy import Basic, Expr, Integer, MatMul, S, Symbol, Transpose, ZeroMatrix, real_roots
from sympy import Poly as SymPoly
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.scalar import Scalar, SquaredNorm

__all__ = [
    "AlgebraError",
    "HigherOrder",
    "add",
    "describe",
    "divide",
    "equate",
    "is_matrix",
    "power",
    "product",
    "squared_norm",
    "transpose",
]


class AlgebraError(ValueError):
    """Shapes that do not fit; ``index`` is the offending factor of a product, if any."""

    def __init__(self, message: str, index: int = 0) -> None:
        super().__init__(message)
        self.index = index


class HigherOrder(Expr):
    """The lecture's ``+ \\dots`` after a Taylor expansion in η: terms of order η² and higher.

    ``args = (η,)``; it is a marker for reading the lecture, not something the checker proves.
    """

    is_commutative = True

    def __new__(cls, rate: Symbol) -> HigherOrder:
        return Basic.__new__(cls, rate)

    def _latex(self, printer: Any) -> str:
        return r"\dots"


def is_matrix(x: Basic) -> bool:
    return isinstance(x, MatrixExpr)


def describe(x: Basic) -> str:
    """'a scalar', 'a d×1 vector', 'a d×d matrix', … for error messages."""
    if not is_matrix(x):
        return "a scalar"
    rows, cols = x.shape
    if cols == 1:
        return f"a {rows}×1 vector"
    if rows == 1:
        return f"a 1×{cols} row vector"
    return f"a {rows}×{cols} matrix"


_UNDEFINED = (S.NaN, S.ComplexInfinity, S.Infinity, S.NegativeInfinity)


def _limits(x: Basic) -> set[Basic]:
    from derive.limits import DerivativeAtZero, LimitAtZero

    return set(x.atoms(LimitAtZero, DerivativeAtZero)) if isinstance(x, Basic) else set()


def guarded(result: Basic, *operands: Basic) -> Basic:
    """``result`` of an operation on ``operands``, unless it folded away a limit or is undefined."""
    if isinstance(result, Basic) and result.has(*_UNDEFINED):
        raise AlgebraError("the expression is undefined (a division by zero)")
    lost = set().union(*(_limits(x) for x in operands)) - _limits(result)
    if lost:
        raise AlgebraError(
            "a limit (or derivative at 0) cancels or is multiplied by 0 here; heatcap does not fold "
            "it, since the limit may not exist: write the line without it"
        )
    return result


def add(a: Basic, b: Basic) -> Basic:
    """a + b, when both are scalars or both have the same shape."""
    if is_matrix(a) != is_matrix(b) or (is_matrix(a) and a.shape != b.shape):
        raise AlgebraError(f"cannot add {describe(a)} and {describe(b)}")
    return guarded(a + b, a, b)


def _check_divisor(den: Basic, rate: Symbol) -> None:
    """A divisor must be a number or a polynomial in the rate that is non-zero for every rate > 0."""
    if is_matrix(den):
        raise AlgebraError(f"cannot divide by {describe(den)}")
    from derive.printing import lecture_latex

    den = S(den)
    if not den.free_symbols <= {rate} or not den.is_polynomial(rate):
        raise AlgebraError(
            f"cannot divide by {lecture_latex(den)}: heatcap divides only by numbers and by polynomials "
            f"in {lecture_latex(rate)} (a divisor that may be 0 is not folded)"
        )
    if den.is_zero or (den.free_symbols and SymPoly(den, rate).is_zero):
        raise AlgebraError("division by zero")
    if den.free_symbols:
        positive = [r for r in real_roots(SymPoly(den, rate)) if r > 0]
        if positive:
            raise AlgebraError(f"cannot divide by {lecture_latex(den)}: it vanishes at "
                               f"{lecture_latex(rate)} = {positive[0]}")


def divide(num: Basic, den: Basic, rate: Symbol) -> Basic:
    """num / den for a divisor that is non-zero for every learning rate > 0."""
    _check_divisor(den, rate)
    return guarded(num / den, num, den)


def _factors(items: Sequence[Basic]) -> tuple[Basic, list[tuple[int, Basic]]]:
    """The scalar coefficient and the (position, matrix) chain of a juxtaposition."""
    coeff: Basic = S.One
    chain: list[tuple[int, Basic]] = []
    for k, item in enumerate(items):
        parts = item.args if isinstance(item, MatMul) else (item,)
        for part in parts:
            if is_matrix(part):
                chain.append((k, part))
            else:
                coeff = coeff * part
    return coeff, chain


def _row_convention(chain: list[tuple[int, Basic]]) -> list[tuple[int, Basic]]:
    if len(chain) >= 2:
        (k, first), (_, second) = chain[0], chain[1]
        rows, cols = first.shape
        if cols == 1 and rows != 1 and second.shape[0] == rows:
            return [(k, Transpose(first)), *chain[1:]]
    return chain


def product(items: Sequence[Basic]) -> Basic:
    """The value of the juxtaposed factors ``items`` (see the module docstring)."""
    coeff, chain = _factors(items)
    if not chain:
        return guarded(coeff, *items)
    chain = _row_convention(chain)
    for (_, left), (k, right) in pairwise(chain):
        if left.shape[1] != right.shape[0]:
            raise AlgebraError(f"cannot multiply {describe(left)} by {describe(right)}", k)
    mats = [m for _, m in chain]
    if (mats[0].shape[0], mats[-1].shape[1]) == (1, 1):
        return guarded(coeff * Scalar(MatMul(*mats) if len(mats) > 1 else mats[0]), *items)
    value = mats[0]
    for m in mats[1:]:
        value = value * m
    return guarded(value if coeff == 1 else coeff * value, *items)


def power(x: Basic, exponent: int, rate: Symbol) -> Basic:
    """x**exponent for a scalar or a square matrix (a negative power only of a valid divisor)."""
    if is_matrix(x) and x.shape[0] != x.shape[1]:
        raise AlgebraError(f"{describe(x)} has no powers; a squared norm is written \\|v\\|^2")
    if exponent < 0 and is_matrix(x):
        raise AlgebraError("inverse matrices are not read: declare the inverse as a symbol "
                           "with an 'inverse' hypothesis")
    if exponent < 0:
        _check_divisor(x, rate)
    if exponent == 0 and _limits(x):
        raise AlgebraError("a limit to the power 0 is not folded to 1: the limit may not exist")
    return guarded(x**exponent, x)


def transpose(x: Basic) -> Basic:
    """xᵀ for a vector or matrix: evaluated for a symbol (H_bᵀ = H_b), kept as written otherwise."""
    if not is_matrix(x):
        raise AlgebraError("^\\top of a scalar: only vectors and matrices are transposed")
    return x.T if x.is_symbol else Transpose(x)


def squared_norm(x: Basic) -> Basic:
    """‖x‖² for a column vector x."""
    if not is_matrix(x) or x.shape[1] != 1:
        raise AlgebraError(f"the norm \\|v\\|^2 needs a column vector, not {describe(x)}")
    return SquaredNorm(x)


def equate(lhs: Basic, rhs: Basic) -> tuple[Basic, Basic]:
    """The two sides of ``lhs = rhs``; a literal 0 facing a vector becomes the zero vector."""
    if is_matrix(lhs) and rhs == Integer(0):
        return lhs, ZeroMatrix(*lhs.shape)
    if is_matrix(rhs) and lhs == Integer(0):
        return ZeroMatrix(*rhs.shape), rhs
    if is_matrix(lhs) != is_matrix(rhs) or (is_matrix(lhs) and lhs.shape != rhs.shape):
        raise AlgebraError(f"the two sides differ in shape: {describe(lhs)} and {describe(rhs)}")
    return lhs, rhs
