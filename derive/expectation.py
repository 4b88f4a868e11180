r"""The two expectations of the lecture.

* ``E_b[X]`` — :class:`ExampleMean`, the uniform average over the n training examples b.
* ``E_{ΔΦ∼P_η}[X]`` — :class:`StationaryMean`, the expectation over the stationary law P_η of
  the SGD state ΔΦ.

Both stay unevaluated (they are symbols for averages, not numbers) and keep all their state in
``args``. ``expand()`` means linearity: sums are split and factors that do not depend on the
averaged variable are pulled out.

>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import inner
>>> from derive.printing import latex
>>> latex(E_P(E_b(inner(g_b, DeltaPhi))))
'E_{\\Delta\\Phi \\sim P_\\eta} E_{b} g_{b}^\\top \\Delta\\Phi'
>>> E_b(2 * eta * inner(g_b, DeltaPhi)).expand() == 2 * eta * E_b(inner(g_b, DeltaPhi))
True

Semantics (the lecture's). ``E_b`` is always the plain average (1/n) Σ_b over the training set,
as in the definition L(Φ) = E_b L_b(Φ); it is a sum over the index b, not an expectation over a
random example. Written inside ``E_{ΔΦ∼P_η}``, it is still the plain average, so
``E_P E_b[f(ΔΦ) h_b] = E_P[f(ΔΦ)] E_b h_b`` holds for *every* law of ΔΦ (no independence is
involved). Independence enters elsewhere: where the example of the *next* SGD step is averaged
(``verify.invariance``), it is what makes that average the plain E_b.
"""

from __future__ import annotations

from typing import Any

from sympy import Add, Basic, Expr, MatAdd, MatMul, Mul, S, sympify
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.symbols import DeltaPhi, ExampleMatrix, ExampleVector, StateVector, eta

__all__ = [
    "E_P",
    "E_b",
    "ExampleMean",
    "ExampleMeanMatrix",
    "StationaryMean",
    "StationaryMeanMatrix",
    "depends_on_example",
    "depends_on_state",
]


def depends_on_example(expr: Basic) -> bool:
    """Does ``expr`` mention a per-example quantity outside every ``E_b``?"""
    if isinstance(expr, ExampleMean):
        return False
    if isinstance(expr, ExampleVector | ExampleMatrix):
        return True
    from derive.losses import ExampleLoss

    if isinstance(expr, ExampleLoss):
        return True
    return any(depends_on_example(a) for a in expr.args)


def depends_on_state(expr: Basic) -> bool:
    """Does ``expr`` mention the random state ΔΦ outside every ``E_P``?"""
    if isinstance(expr, StationaryMean):
        return False
    if isinstance(expr, StateVector):
        return True
    from derive.losses import ConvergedLoss

    if isinstance(expr, ConvergedLoss):
        return False
    return any(depends_on_state(a) for a in expr.args)


def _split_constant(term: Basic, depends: Any) -> tuple[Expr, Basic]:
    """Split a product into (scalar factor free of the averaged variable, the rest)."""
    if not isinstance(term, Mul | MatMul):
        return S.One, term
    const = [a for a in term.args if not isinstance(a, MatrixExpr) and not depends(a)]
    if not const:
        return S.One, term
    rest = [a for a in term.args if a not in const]
    if isinstance(term, MatMul):
        return Mul(*const), MatMul(*rest) if len(rest) > 1 else rest[0]
    return Mul(*const), Mul(*rest)


class _Mean:
    """Shared linearity for both expectations (``expand`` = linearity)."""

    args: tuple[Basic, ...]

    def _rebuild(self, body: Basic) -> Basic:
        raise NotImplementedError

    def _depends(self, expr: Basic) -> bool:
        raise NotImplementedError

    def expand(self, **hints: Any) -> Basic:  # type: ignore[override]
        body = self.args[0].expand(**hints) if hints.get("deep", True) else self.args[0]
        if isinstance(body, Add | MatAdd):
            return type(body)(*[self._rebuild(a).expand(**hints) for a in body.args])
        const, rest = _split_constant(body, self._depends)
        if const != 1:
            return const * self._rebuild(rest)
        return self._rebuild(body)


class ExampleMean(_Mean, Expr):
    """E_b[X]: the uniform average (1/n) Σ_b X_b over the training examples b = 1..n; ``args = (X,)``."""

    is_commutative = True

    def __new__(cls, expr: Basic) -> ExampleMean:
        return Basic.__new__(cls, sympify(expr))

    @property
    def expr(self) -> Basic:
        return self.args[0]

    def _rebuild(self, body: Basic) -> Basic:
        return E_b(body)

    def _depends(self, expr: Basic) -> bool:
        return depends_on_example(expr)

    def _latex(self, printer: Any) -> str:
        return "E_{b} " + _body_latex(printer, self.expr)


class ExampleMeanMatrix(ExampleMean, MatrixExpr):
    """E_b[M] for a vector- or matrix-valued M."""

    @property
    def shape(self) -> tuple[Expr, Expr]:
        return self.expr.shape


class StationaryMean(_Mean, Expr):
    """E_{ΔΦ∼P_η}[X]: the expectation over the stationary law P_η of the state ΔΦ.

    ``args = (X, ΔΦ, η)``.
    """

    is_commutative = True

    def __new__(cls, expr: Basic, state: StateVector = DeltaPhi, rate: Expr = eta) -> StationaryMean:
        return Basic.__new__(cls, sympify(expr), state, sympify(rate))

    @property
    def expr(self) -> Basic:
        return self.args[0]

    @property
    def state(self) -> StateVector:
        return self.args[1]

    @property
    def rate(self) -> Expr:
        return self.args[2]

    def _rebuild(self, body: Basic) -> Basic:
        return E_P(body, self.state, self.rate)

    def _depends(self, expr: Basic) -> bool:
        return depends_on_state(expr)

    def _latex(self, printer: Any) -> str:
        rate = printer._print(self.rate)
        sub = rate if rate.startswith("\\") and rate[1:].isalpha() else "{" + rate + "}"
        named = printer._settings.get("law_name")  # the setting's name of the law, e.g. Q_\alpha
        base = named.rsplit("_", 1)[0] if named else "P"
        shown = named if named and self.rate == eta else f"{base}_{sub}"
        law = rf"{printer._print(self.state)} \sim " + shown
        return f"E_{{{law}}} " + _body_latex(printer, self.expr)


class StationaryMeanMatrix(StationaryMean, MatrixExpr):
    """E_{ΔΦ∼P_η}[M] for a vector- or matrix-valued M."""

    @property
    def shape(self) -> tuple[Expr, Expr]:
        return self.expr.shape


def _body_latex(printer: Any, body: Basic) -> str:
    """The lecture's scope convention: an expectation reaches to the end of its group.

    A symbol, a norm, a loss, a product of symbols or another expectation needs no brackets;
    anything else (a sum, a scaled term) is bracketed so that the scope is explicit.
    """
    from derive.losses import ExampleLoss, TrainingLoss
    from derive.scalar import Scalar, SquaredNorm

    text = printer._print(body)
    bare = (ExampleMean, StationaryMean, SquaredNorm, ExampleLoss, TrainingLoss)
    if isinstance(body, bare) or getattr(body, "is_symbol", False):
        return text
    if isinstance(body, Scalar) and all(isinstance(a, MatrixExpr) for a in body.matrix.args):
        return text
    return r"\left[" + text + r"\right]"


def E_b(expr: Basic) -> ExampleMean:
    """E_b[expr]: the plain average over the training examples (matrix-valued if expr is)."""
    if isinstance(expr, MatrixExpr):
        return ExampleMeanMatrix(expr)
    return ExampleMean(expr)


def E_P(expr: Basic, state: StateVector = DeltaPhi, rate: Expr = eta) -> StationaryMean:
    """E_{ΔΦ∼P_η}[expr]: the expectation over the stationary law of SGD."""
    if isinstance(expr, MatrixExpr):
        return StationaryMeanMatrix(expr, state, rate)
    return StationaryMean(expr, state, rate)
