r"""The named hypotheses a proof line may use.

A hypothesis is a *statement* (what it says, as heatcap prints it from the parsed objects) and a
*kind* (how the checker may use it). The checker uses exactly the statement: for the kinds with a
built-in meaning the statement must be that meaning (``verify.meaning`` rejects a file whose
statement says something else), and every other statement is used, and tested on counterexamples,
as written.

=================  ==========================================================================
kind               statement, and how the checker uses it
=================  ==========================================================================
``expansion``      L_b(Φ*+ΔΦ) = L_b(Φ*) + g_bᵀΔΦ + ½ΔΦᵀH_bΔΦ: a rewrite rule at every point
``mean-zero``      E_b v_b = 0 for a declared per-example vector v_b
``sgd-step``       ΔΦ' = ΔΦ − η(g_b + H_bΔΦ) (or another step, linear in ΔΦ): the SGD dynamics
``invariance``     ΔΦ' ∼ P_η: the law P_η is invariant under the step (it is stationary)
``independence``   b ⊥ ΔΦ: the next step's example is drawn fresh, uniform, independent of ΔΦ
``equation``       a scalar equation; one about the law (a moment equation) must follow from
                   the SGD model, and is checked as a consequence
``small-eta``      lim_{η→0} E_{P_η}‖ΔΦ‖² = 0 (the lemma small-eta-limit)
``assumption``     a relation (A ≻ 0, A ⪰ 0, x ≤ y, …) the algebra does not use; counterexamples
                   must satisfy it
``inverse``        ``A B = I`` for two fixed matrices: the product AB (or BA) cancels
``batch``          the first two moments of minibatch means (``derive.batch``), with c_B
=================  ==========================================================================

The stationarity of the second moment, E_{P_η} E_b‖ΔΦ − η(g_b + H_bΔΦ)‖² = E_{P_η}‖ΔΦ‖², is not a
hypothesis: it is derived from ``sgd-step``, ``stationarity`` (the invariance of P_η) and
``independence``.

>>> from derive.hypotheses import HYPOTHESES
>>> sorted(HYPOTHESES)[:3]
['expansion', 'independence', 'mean-gradient-zero']
>>> HYPOTHESES['stationarity'].kind, HYPOTHESES['stationarity'].statement
('invariance', "\\Delta\\Phi' \\sim P_\\eta")
>>> print(HYPOTHESES['sgd-step'].statement)
\Delta\Phi' = \Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sympy import Integer, Tuple, ZeroMatrix

from derive.expectation import E_P, E_b
from derive.limits import LimitAtZero
from derive.printing import lecture_latex
from derive.scalar import SquaredNorm
from derive.sgd import Equation, mean_gradient_zero, second_order_expansion, sgd_step
from derive.symbols import DeltaPhi, H_b, b, d

__all__ = ["HYPOTHESES", "Hypothesis", "HypothesisKind", "statement_latex"]

HypothesisKind = Literal[
    "expansion", "mean-zero", "sgd-step", "invariance", "independence", "equation", "small-eta",
    "assumption", "inverse", "batch",
]

RELATION_LATEX = {"=": "=", "step": "=", "sim": r"\sim"}


@dataclass(frozen=True)
class Hypothesis:
    """A named hypothesis: its statement (heatcap's LaTeX of the parsed objects), its kind, words.

    ``equation`` holds the two sides of the statement and ``relation`` the relation between them
    (``=``, ``\\succ``, ``\\succeq``, ``\\perp``, ``\\le``, …; ``step`` for ΔΦ' = …, ``sim`` for
    ΔΦ' ∼ P_η). ``source`` is the LaTeX as the file wrote it.
    """

    name: str
    kind: HypothesisKind
    statement: str
    description: str
    equation: Equation | None = None
    vector: str | None = None
    relation: str = "="
    source: str | None = None


def statement_latex(equation: Equation | None, relation: str, law: str = r"P_\eta",
                    **names: str | None) -> str:
    """The statement as heatcap prints it: lhs relation rhs (ΔΦ' for the next state)."""
    if equation is None:
        return ""

    def tex(x: object) -> str:
        return lecture_latex(x, **names)

    if isinstance(equation.lhs, Tuple):  # a joint state, e.g. (ΔΦ, v)' = (…, …)
        lhs = r"\left(" + ", ".join(tex(x) for x in equation.lhs) + r"\right)"
        rhs = r"\left(" + ", ".join(tex(x) for x in equation.rhs) + r"\right)"
        return f"{lhs}' = {rhs}"
    if relation == "sim":
        return f"{tex(equation.lhs)}' \\sim {law}"
    if relation == "step":
        return f"{tex(equation.lhs)}' = {tex(equation.rhs)}"
    return f"{tex(equation.lhs)} {RELATION_LATEX.get(relation, relation)} {tex(equation.rhs)}"


def _builtin(name: str, kind: HypothesisKind, equation: Equation | None, relation: str, description: str,
             vector: str | None = None) -> Hypothesis:
    statement = statement_latex(equation, relation)
    return Hypothesis(name, kind, statement, description, equation, vector, relation)


HYPOTHESES: dict[str, Hypothesis] = {
    h.name: h
    for h in (
        _builtin("expansion", "expansion", second_order_expansion(), "=",
                 "the second-order Taylor expansion of L_b around Φ* is exact (quadratic losses)"),
        _builtin("mean-gradient-zero", "mean-zero", mean_gradient_zero(), "=",
                 "Φ* is a stationary point of the training loss: the mean gradient vanishes", vector="g_b"),
        _builtin("sgd-step", "sgd-step", Equation(DeltaPhi, sgd_step()), "step",
                 "one SGD step on the example b, with the gradient of the expansion"),
        _builtin("stationarity", "invariance", Equation(DeltaPhi, DeltaPhi), "sim",
                 "P_η is a stationary law of SGD: if ΔΦ ∼ P_η, the next state ΔΦ' ∼ P_η too"),
        _builtin("independence", "independence", Equation(b, DeltaPhi), r"\perp",
                 "each SGD step draws its example b fresh and uniform, independent of the current ΔΦ"),
        _builtin("small-eta-limit", "small-eta",
                 Equation(LimitAtZero(E_P(SquaredNorm(DeltaPhi))), Integer(0)), "=",
                 "the stationary law concentrates at Φ* as η → 0 (the lemma small-eta-limit)"),
        _builtin("positive-definite", "assumption", Equation(E_b(H_b), ZeroMatrix(d, d)), r"\succ",
                 "the mean Hessian is positive definite (Φ* is a strict local minimum)"),
        _builtin("psd-hessians", "assumption", Equation(H_b, ZeroMatrix(d, d)), r"\succeq",
                 "every per-example Hessian is positive semidefinite (used by the lemma small-eta-limit)"),
    )
}
