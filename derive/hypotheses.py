r"""The named hypotheses a proof line may use.

Each hypothesis has a *kind* that tells the checker how it acts:

=================  ==========================================================================
kind               meaning
=================  ==========================================================================
``expansion``      L_b(Φ*+ΔΦ) may be replaced by its second-order expansion
``mean-zero``      E_b v_b = 0 for the named per-example vector
``independence``   the example b is drawn fresh, independent of ΔΦ
``equation``       a scalar equation that holds (used in linear combinations)
``small-eta``      E_{P_η}‖ΔΦ‖² → 0 as η → 0 (so every moment of ΔΦ vanishes in the limit)
``assumption``     a stated assumption the algebra does not use (e.g. positive definiteness)
``inverse``        ``A B = I`` for two fixed matrices: the product AB (or BA) cancels
``batch``          the first two moments of minibatch means (``derive.batch``), with c_B
=================  ==========================================================================

>>> from derive.hypotheses import HYPOTHESES
>>> sorted(HYPOTHESES)[:3]
['expansion', 'independence', 'mean-gradient-zero']
>>> HYPOTHESES['stationarity'].kind
'equation'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from derive.sgd import (
    Equation,
    mean_gradient_zero,
    second_order_expansion,
    stationarity_condition,
)

__all__ = ["HYPOTHESES", "Hypothesis", "HypothesisKind"]

HypothesisKind = Literal[
    "expansion", "mean-zero", "independence", "equation", "small-eta", "assumption", "inverse", "batch"
]


@dataclass(frozen=True)
class Hypothesis:
    """A named hypothesis: what it says (LaTeX and words) and how the checker uses it."""

    name: str
    kind: HypothesisKind
    statement: str
    description: str
    equation: Equation | None = None
    vector: str | None = None


HYPOTHESES: dict[str, Hypothesis] = {
    h.name: h
    for h in (
        Hypothesis(
            "expansion",
            "expansion",
            second_order_expansion().latex(),
            "the second-order Taylor expansion of L_b around Φ* is exact (quadratic losses)",
            second_order_expansion(),
        ),
        Hypothesis(
            "mean-gradient-zero",
            "mean-zero",
            mean_gradient_zero().latex(),
            "Φ* is a stationary point of the training loss: the mean gradient vanishes",
            mean_gradient_zero(),
            vector="g_b",
        ),
        Hypothesis(
            "independence",
            "independence",
            r"b \perp \Delta\Phi",
            "each SGD step draws its example b fresh, independent of the current state ΔΦ",
        ),
        Hypothesis(
            "stationarity",
            "equation",
            stationarity_condition().latex(),
            "P_η is stationary for SGD, so the second moment of ΔΦ does not change in one step",
            stationarity_condition(),
        ),
        Hypothesis(
            "small-eta-limit",
            "small-eta",
            r"\lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2 = 0",
            "the stationary law concentrates at Φ* as η → 0 (the lemma small-eta-limit)",
        ),
        Hypothesis(
            "positive-definite",
            "assumption",
            r"E_b H_b \succ 0",
            "the mean Hessian is positive definite (Φ* is a strict local minimum)",
        ),
    )
}
