r"""The lemma the lecture leaves implicit: the stationary law concentrates at Φ* as η → 0.

Step 4 of the lecture takes lim_{η→0} E_{ΔΦ∼P_η} E_b ‖g_b + H_b ΔΦ‖² = E_b ‖g_b‖², which needs
E_{P_η} ‖ΔΦ‖² → 0. Write H = E_b H_b, C = E_b g_b g_bᵀ, Λ = max_b λ_max(H_b), m = E ΔΦ and
S = E ΔΦ ΔΦᵀ under P_η.

It relies on the SGD model (``sgd-step``, ``stationarity``: P_η is invariant, ``independence``),
on ``mean-gradient-zero``, on ``positive-definite`` and on ``psd-hessians`` — the last is what
the lecture leaves unsaid: step 3 below needs every H_b ⪰ 0.

1. *m = 0.* Taking E of the SGD step (invariance, with the fresh example averaged plainly by
   independence), m = m − η(E_b g_b + H m), so H m = 0; H is positive definite (hypothesis
   ``positive-definite``), hence m = 0.
2. *The Step-3 identity.* With m = 0, ½ tr(H S) = (η/4) [tr C + E_b tr(H_b² S)].
3. *A bound.* Each H_b is positive semidefinite (hypothesis ``psd-hessians``) with
   λ_max(H_b) <= Λ, so H_b² ⪯ Λ H_b and E_b tr(H_b² S) <= Λ tr(H S). Hence
   tr(H S) (2 − ηΛ) <= η tr C, i.e. tr(H S) <= η tr C / (2 − ηΛ) for η < 2/Λ.
4. *Conclusion.* tr S <= tr(H S)/λ_min(H) = O(η) → 0, and |m|² <= tr S.

>>> from derive.lemma import SMALL_ETA_LEMMA
>>> SMALL_ETA_LEMMA.name
'small-eta-limit'
>>> len(SMALL_ETA_LEMMA.steps)
4
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SMALL_ETA_LEMMA", "Lemma"]


@dataclass(frozen=True)
class Lemma:
    """A named lemma: its statement and the steps of its justification (LaTeX)."""

    name: str
    statement: str
    uses: tuple[str, ...]
    steps: tuple[str, ...]


SMALL_ETA_LEMMA = Lemma(
    "small-eta-limit",
    r"\lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2 = 0",
    ("sgd-step", "stationarity", "independence", "mean-gradient-zero", "positive-definite", "psd-hessians"),
    (
        r"m = m - \eta (E_b g_b + H m) \Rightarrow H m = 0 \Rightarrow m = 0",
        r"\tfrac{1}{2} \operatorname{tr}(H S) = \tfrac{\eta}{4}"
        r" \left[\operatorname{tr} C + E_b \operatorname{tr}(H_b^2 S)\right]",
        r"H_b \succeq 0 \Rightarrow E_b \operatorname{tr}(H_b^2 S) \le \Lambda \operatorname{tr}(H S)"
        r" \Rightarrow"
        r" \operatorname{tr}(H S) \le \frac{\eta \operatorname{tr} C}{2 - \eta \Lambda}"
        r" \quad (\eta < 2/\Lambda)",
        r"\operatorname{tr} S \le \operatorname{tr}(H S) / \lambda_{\min}(H) = O(\eta) \rightarrow 0",
    ),
)
