r"""Minibatches: the batch means ḡ_B, H̄_B and the expectation E_B over a random minibatch.

A minibatch of B examples is drawn fresh at each step; ḡ_B = (1/B) Σ_{i∈batch} g_{b_i} and
H̄_B = (1/B) Σ_{i∈batch} H_{b_i}. Its first two moments are, for per-example X_b and Y_b,

    E_B X̄_B = E_b X_b,      E_B[X̄_B ⊗ Ȳ_B] = c_B E_b[X_b ⊗ Y_b] + (1 − c_B) E_b X_b ⊗ E_b Y_b,

with c_B = 1/B when the batch is drawn with replacement and c_B = (n − B)/(B(n − 1)) for a
uniformly random B-subset (hypothesis ``minibatch-moments``).

>>> from derive.batch import E_B, g_bar, H_bar, c_B
>>> from derive.printing import latex
>>> latex(E_B(g_bar)), latex(H_bar.T) == latex(H_bar)
('E_{B} \\bar{g}_B', True)
"""

from __future__ import annotations

from typing import Any

from sympy import Basic, Expr, MatrixSymbol, Symbol, sympify
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.expectation import _body_latex
from derive.symbols import d

__all__ = [
    "BATCH_OF",
    "E_B",
    "BatchMatrix",
    "BatchMean",
    "BatchMeanMatrix",
    "BatchVector",
    "H_bar",
    "c_B",
    "g_bar",
]

c_B = Symbol("c_B", positive=True)


class BatchVector(MatrixSymbol):
    """The batch mean of a per-example vector, shape d×1."""


class BatchMatrix(MatrixSymbol):
    """The batch mean of a per-example symmetric matrix, shape d×d."""

    def _eval_transpose(self) -> BatchMatrix:
        return self


g_bar = BatchVector(r"\bar{g}_B", d, 1)
H_bar = BatchMatrix(r"\bar{H}_B", d, d)
BATCH_OF = {r"\bar{g}_B": "g_b", r"\bar{H}_B": "H_b"}


class BatchMean(Expr):
    """E_B[X]: the expectation over the random minibatch; ``args = (X,)``."""

    is_commutative = True

    def __new__(cls, expr: Basic) -> BatchMean:
        return Basic.__new__(cls, sympify(expr))

    @property
    def expr(self) -> Basic:
        return self.args[0]

    def _latex(self, printer: Any) -> str:
        return "E_{B} " + _body_latex(printer, self.expr)


class BatchMeanMatrix(BatchMean, MatrixExpr):
    """E_B[M] for a vector- or matrix-valued M."""

    @property
    def shape(self) -> tuple[Expr, Expr]:
        return self.expr.shape


def E_B(expr: Basic) -> BatchMean:
    """E_B[expr]: the expectation over the minibatch (matrix-valued if expr is)."""
    return BatchMeanMatrix(expr) if isinstance(expr, MatrixExpr) else BatchMean(expr)
