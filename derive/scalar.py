r"""Scalars made of vectors: inner products, quadratic forms and squared norms.

A product such as ``g_b.T * DeltaPhi`` is a 1×1 matrix expression in SymPy; :class:`Scalar`
turns it into an ordinary scalar so it can be added to losses and multiplied by η.

>>> from derive.symbols import g_b, H_b, DeltaPhi
>>> from derive.scalar import inner, quadratic_form, SquaredNorm
>>> from derive.printing import latex
>>> latex(inner(g_b, DeltaPhi))
'g_{b}^\\top \\Delta\\Phi'
>>> latex(quadratic_form(DeltaPhi, H_b))
'\\Delta\\Phi^\\top H_{b} \\Delta\\Phi'
>>> latex(SquaredNorm(g_b))
'\\left\\|g_{b}\\right\\|^{2}'
"""

from __future__ import annotations

from typing import Any

from sympy import Expr, MatMul, Transpose
from sympy.matrices.expressions.matexpr import MatrixExpr

__all__ = ["Scalar", "SquaredNorm", "inner", "quadratic_form"]


class Scalar(Expr):
    """The scalar value of a 1×1 matrix expression (e.g. uᵀv or vᵀMv)."""

    is_commutative = True

    def __new__(cls, matrix: MatrixExpr) -> Scalar:
        if not isinstance(matrix, MatrixExpr) or tuple(matrix.shape) != (1, 1):
            raise ValueError(f"Scalar needs a 1×1 matrix expression, got {matrix!r}")
        return Expr.__new__(cls, matrix)

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]

    def _latex(self, printer: Any) -> str:
        return printer._print(self.matrix)


class SquaredNorm(Expr):
    """‖v‖² = vᵀv for a column vector v."""

    is_commutative = True

    def __new__(cls, vector: MatrixExpr) -> SquaredNorm:
        if not isinstance(vector, MatrixExpr) or vector.shape[1] != 1:
            raise ValueError(f"SquaredNorm needs a column vector, got {vector!r}")
        return Expr.__new__(cls, vector)

    @property
    def vector(self) -> MatrixExpr:
        return self.args[0]

    def doit(self, **hints: Any) -> Expr:
        v = self.vector.doit(**hints) if hints.get("deep", True) else self.vector
        return Scalar(MatMul(Transpose(v), v))

    def _latex(self, printer: Any) -> str:
        return r"\left\|" + printer._print(self.vector) + r"\right\|^{2}"


def inner(u: MatrixExpr, v: MatrixExpr) -> Scalar:
    """uᵀv as a scalar."""
    return Scalar(MatMul(Transpose(u), v))


def quadratic_form(v: MatrixExpr, m: MatrixExpr) -> Scalar:
    """vᵀ M v as a scalar."""
    return Scalar(MatMul(Transpose(v), m, v))
