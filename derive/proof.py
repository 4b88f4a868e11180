r"""The proof of the Heat Capacity Theorem as data.

A :class:`Proof` is a theorem, the hypotheses it may use, and :class:`Step`\ s; a step is a
sequence of :class:`Line`\ s, each an equality ``lhs = rhs`` with the names of the hypotheses
that justify it. A line with ``chained=True`` continues an ``aligned`` chain: its ``lhs`` is the
previous line's ``rhs`` and it is written ``&= rhs``.

>>> from derive.proof import heat_capacity_proof
>>> proof = heat_capacity_proof()
>>> [step.id for step in proof.steps]
['step-1', 'step-2', 'step-3', 'step-4']
>>> proof.steps[2].lines[2].uses
('stationarity', 'mean-gradient-zero', 'independence')
>>> as_written = heat_capacity_proof(as_written=True)
>>> "(E_b - H_b)" in as_written.steps[2].lines[2].source
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic, Integer, Rational, ZeroMatrix

from derive.expectation import E_P, E_b
from derive.hypotheses import HYPOTHESES, Hypothesis
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.printing import latex
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.sgd import Equation, sgd_step
from derive.symbols import DeltaPhi, H_b, d, eta, g_b

__all__ = ["IMPLICIT_ASSUMPTIONS", "Line", "Proof", "Step", "heat_capacity_proof"]


@dataclass(frozen=True)
class Line:
    """One equality of a proof and the hypotheses it uses."""

    lhs: Basic
    rhs: Basic
    uses: tuple[str, ...] = ()
    chained: bool = False
    source: str | None = None
    note: str | None = None

    @property
    def equation(self) -> Equation:
        return Equation(self.lhs, self.rhs)

    def latex(self) -> str:
        return f"{latex(self.lhs)} = {latex(self.rhs)}"


@dataclass(frozen=True)
class Step:
    """A step of the proof: a title and its lines."""

    id: str
    title: str
    lines: tuple[Line, ...]
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proof:
    """A theorem, its hypotheses, its steps, and the assumptions left implicit."""

    title: str
    theorem: Equation
    steps: tuple[Step, ...]
    hypotheses: dict[str, Hypothesis] = field(default_factory=lambda: dict(HYPOTHESES))
    implicit: tuple[str, ...] = ()


IMPLICIT_ASSUMPTIONS: tuple[str, ...] = (
    "independence: each step draws the example b fresh, independent of the current ΔΦ "
    "(uniform sampling with replacement); the lecture uses it in Steps 2 and 3 without saying so",
    "existence: a stationary law P_η with finite second moment exists, i.e. η is below the "
    "mean-square stability threshold η_c",
    "small-eta-limit: E_{P_η}‖ΔΦ‖² → 0 as η → 0 (a lemma: the stationary mean is 0 because "
    "E_b H_b is positive definite, and Step 3 gives tr(H S) <= η tr C / (2 − ηΛ) for η < 2/Λ, "
    "H = E_b H_b, C = E_b g_b g_bᵀ, Λ = max_b λ_max(H_b))",
    "expansion: the second-order expansion is exact (quadratic losses), or its remainder is "
    "o(‖ΔΦ‖²) so that it does not change dL/dη at η = 0",
)

_SEED_STEP3_LINE3 = (
    r"E_{\Delta\Phi \sim P_\eta} \left( \frac{1}{2} \Delta\Phi^\top (E_b - H_b) \Delta\Phi \right)"
    r" = \frac{\eta}{4} E_{\Delta\Phi \sim P_\eta} E_b \|(g_b + H_b\Delta\Phi)\|^2"
)


def _half() -> Rational:
    return Rational(1, 2)


def _noise() -> Basic:
    """E_{ΔΦ∼P_η} E_b ‖g_b + H_b ΔΦ‖², the quantity of Steps 3 and 4."""
    return E_P(E_b(SquaredNorm(g_b + H_b * DeltaPhi)))


def _step_1() -> Step:
    expansion = ExampleLoss() + inner(g_b, DeltaPhi) + _half() * quadratic_form(DeltaPhi, H_b)
    return Step(
        "step-1",
        "Second-order expansion around the optimum",
        (
            Line(TrainingLoss(DeltaPhi), E_b(ExampleLoss(DeltaPhi)), (),
                 source=r"\mathcal{L}(\Phi) = E_b \mathcal{L}_b(\Phi)"),
            Line(ExampleLoss(DeltaPhi), expansion, ("expansion",),
                 source=r"\mathcal{L}_b(\Phi^* + \Delta\Phi) = \mathcal{L}_b(\Phi^*) + g_b \Delta\Phi"
                 r" + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi"),
            Line(E_b(g_b), ZeroMatrix(d, 1), ("mean-gradient-zero",), source=r"E_b g_b = 0"),
        ),
        assumptions=("positive-definite",),
    )


def _step_2() -> Step:
    expanded = ExampleLoss() + inner(g_b, DeltaPhi) + _half() * quadratic_form(DeltaPhi, H_b)
    mean_quadratic = E_P(_half() * quadratic_form(DeltaPhi, E_b(H_b)))
    return Step(
        "step-2",
        "The converged loss through the expansion",
        (
            Line(ConvergedLoss(), E_P(E_b(expanded)), ("expansion", "independence"),
                 source=r"\mathcal{L}(\eta) = E_{\Delta\Phi \sim P_\eta} E_b \left[ \mathcal{L}_b"
                 r" + g_b \Delta\Phi + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi \right]"),
            Line(E_P(E_b(expanded)),
                 E_b(ExampleLoss()) + E_P(inner(E_b(g_b), DeltaPhi)
                                          + _half() * quadratic_form(DeltaPhi, E_b(H_b))),
                 ("independence",), chained=True,
                 source=r"= E_b \mathcal{L}_b(\Phi^*) + E_{\Delta\Phi \sim P_\eta} \left[ (E_b g_b)"
                 r" \Delta\Phi + \frac{1}{2} \Delta\Phi^\top (E_b H_b) \Delta\Phi \right]"),
            Line(E_b(ExampleLoss()) + E_P(inner(E_b(g_b), DeltaPhi)
                                          + _half() * quadratic_form(DeltaPhi, E_b(H_b))),
                 TrainingLoss() + mean_quadratic, ("mean-gradient-zero", "independence"),
                 chained=True,
                 source=r"= \mathcal{L}(\Phi^*) + E_{\Delta\Phi \sim P_\eta} \left[ \frac{1}{2}"
                 r" \Delta\Phi^\top (E_b H_b) \Delta\Phi \right]"),
        ),
    )


def _step_3(as_written: bool) -> Step:
    step = g_b + H_b * DeltaPhi
    mean_hessian = E_b(-H_b) if as_written else E_b(H_b)
    third = Line(
        E_P(_half() * quadratic_form(DeltaPhi, mean_hessian)), eta / 4 * _noise(),
        ("stationarity", "mean-gradient-zero", "independence"),
        source=_SEED_STEP3_LINE3 if as_written else _SEED_STEP3_LINE3.replace("E_b - H_b", r"E_b \; H_b"),
        note=("as written in the seed: (E_b - H_b); the slide source has (E_b \\; H_b), "
              "a thin space, so the minus is a transcription error") if as_written else None,
    )
    return Step(
        "step-3",
        "Stationarity of the second moment",
        (
            Line(E_P(E_b(SquaredNorm(sgd_step()))), E_P(SquaredNorm(DeltaPhi)), ("stationarity",),
                 source=r"E_{\Delta\Phi \sim P_\eta} E_b \|\Delta\Phi - \eta(g_b + H_b\Delta\Phi)\|^2"
                 r" = E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2"),
            Line(E_P(E_b(-2 * eta * inner(DeltaPhi, step) + eta**2 * SquaredNorm(step))), Integer(0),
                 ("stationarity",),
                 source=r"E_{\Delta\Phi \sim P_\eta} E_b - 2\eta\Delta\Phi^\top (g_b + H_b\Delta\Phi)"
                 r" + \eta^2 \|(g_b + H_b\Delta\Phi)\|^2 = 0"),
            third,
            Line(ConvergedLoss(), TrainingLoss() + eta / 4 * _noise(),
                 ("expansion", "mean-gradient-zero", "independence", "stationarity"),
                 source=r"\mathcal{L}(\eta) = \mathcal{L}(\Phi^*) + \frac{\eta}{4}"
                 r" E_{\Delta\Phi \sim P_\eta} E_b \|(g_b + H_b\Delta\Phi)\|^2"),
        ),
    )


def _step_4() -> Step:
    slope = DerivativeAtZero(ConvergedLoss())
    quarter = Rational(1, 4)
    return Step(
        "step-4",
        "The limit η → 0",
        (
            Line(ConvergedLoss(), TrainingLoss() + eta / 4 * _noise(),
                 ("expansion", "mean-gradient-zero", "independence", "stationarity"),
                 source=r"\mathcal{L}(\eta) = \mathcal{L}(\Phi^*) + \frac{\eta}{4}"
                 r" E_{\Delta\Phi \sim P_\eta} E_b \|(g_b + H_b \Delta\Phi)\|^2"),
            Line(slope, quarter * LimitAtZero(_noise()),
                 ("expansion", "mean-gradient-zero", "independence", "stationarity",
                  "small-eta-limit"),
                 source=r"\left. \frac{\partial \mathcal{L}(\eta)}{\partial \eta} \right|_{\eta=0}"
                 r" = \frac{1}{4} \lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} E_b"
                 r" \|(g_b + H_b \Delta\Phi)\|^2"),
            Line(quarter * LimitAtZero(_noise()), quarter * E_b(SquaredNorm(g_b)),
                 ("small-eta-limit",), chained=True, source=r"= \frac{1}{4} E_b \|g_b\|^2"),
        ),
    )


def heat_capacity_proof(as_written: bool = False) -> Proof:
    """The lecture's proof; ``as_written=True`` keeps the seed's Step 3 exactly as it reads."""
    theorem = Equation(DerivativeAtZero(ConvergedLoss()), Rational(1, 4) * E_b(SquaredNorm(g_b)))
    title = "Heat Capacity Theorem" + (" (as written in the seed)" if as_written else "")
    return Proof(
        title,
        theorem,
        (_step_1(), _step_2(), _step_3(as_written), _step_4()),
        implicit=IMPLICIT_ASSUMPTIONS,
    )
