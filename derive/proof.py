r"""The proof of the Heat Capacity Theorem as data, read from the files ``derive/proofs/*.toml``.

A :class:`Proof` is a theorem, the hypotheses it may use, and :class:`Step`\ s; a step is a
sequence of :class:`Line`\ s, each an equality ``lhs = rhs`` with the names of the hypotheses
that justify it and the :class:`Location` in the proof file it was read from. A line with
``chained=True`` continues an ``aligned`` chain: its ``lhs`` is the previous line's ``rhs`` and it
is written ``&= rhs``.

>>> from derive.proof import heat_capacity_proof
>>> proof = heat_capacity_proof()
>>> [step.id for step in proof.steps]
['step-1', 'step-2', 'step-3', 'step-4']
>>> proof.steps[2].lines[2].uses
('sgd-step', 'stationarity', 'independence', 'mean-gradient-zero')
>>> as_written = heat_capacity_proof(as_written=True)
>>> "(E_b - H_b)" in as_written.steps[2].lines[2].source
True
>>> str(as_written.steps[2].lines[2].location)  # doctest: +ELLIPSIS
'derive/proofs/heat_capacity_as_written.toml:...: step "step-3", line 3'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Basic

from derive.hypotheses import HYPOTHESES, Hypothesis
from derive.parse.notation import LECTURE, Notation
from derive.printing import lecture_latex
from derive.sgd import Equation
from heatcap.reprs import html_method, repr_method

__all__ = ["IMPLICIT_ASSUMPTIONS", "Definition", "Line", "Location", "Proof", "Step", "heat_capacity_proof"]


@dataclass(frozen=True)
class Location:
    """Where a line was written: the file, the step, the line of the step, the line of the file."""

    file: str
    step: str
    line: int
    file_line: int | None = None

    def __str__(self) -> str:
        at = f"{self.file}:{self.file_line}" if self.file_line else self.file
        return f'{at}: step "{self.step}", line {self.line}'


@dataclass(frozen=True)
class Line:
    """One equality of a proof and the hypotheses it uses."""

    lhs: Basic
    rhs: Basic
    uses: tuple[str, ...] = ()
    chained: bool = False
    source: str | None = None
    note: str | None = None
    location: Location | None = None

    @property
    def equation(self) -> Equation:
        return Equation(self.lhs, self.rhs)

    def latex(self, **names: str | None) -> str:
        """``lhs = rhs`` in the lecture's notation (``names``: the setting's ``rate_name``, ``law_name``)."""
        return f"{lecture_latex(self.lhs, **names)} = {lecture_latex(self.rhs, **names)}"


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

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py
    _repr_html_ = html_method

    title: str
    theorem: Equation
    steps: tuple[Step, ...]
    hypotheses: dict[str, Hypothesis] = field(default_factory=lambda: dict(HYPOTHESES))
    implicit: tuple[str, ...] = ()
    definitions: tuple[Definition, ...] = ()
    file: str | None = None
    notation: Notation = LECTURE


@dataclass(frozen=True)
class Definition:
    """A named definition of a proof file (e.g. L(Φ) = E_b L_b(Φ)), as LaTeX and as an equation."""

    name: str
    latex: str
    equation: Equation | None = None


IMPLICIT_ASSUMPTIONS: tuple[str, ...] = (
    'independence: each step draws the example b fresh, independent of the current ΔΦ (uniform '
    'sampling with replacement); the lecture uses it in Step 3, where the stationarity of the '
    "second moment averages the next step's example, without saying so",
    'existence: a stationary law P_η with finite second moment exists, i.e. η is below the mean-'
    'square stability threshold η_c',
    'small-eta-limit: E_{P_η}‖ΔΦ‖² → 0 as η → 0 (a lemma: the stationary mean is 0 because E_b '
    'H_b is positive definite, and Step 3 gives tr(H S) <= η tr C / (2 − ηΛ) for η < 2/Λ, H = E_b'
    ' H_b, C = E_b g_b g_bᵀ, Λ = max_b λ_max(H_b))',
    'expansion: the second-order expansion is exact (quadratic losses), or its remainder is '
    'o(‖ΔΦ‖²) so that it does not change dL/dη at η = 0',
    'psd-hessians: every per-example Hessian H_b is positive semidefinite; the lemma small-eta-'
    'limit needs it (H_b² ⪯ Λ H_b in its step 3)',
)


def heat_capacity_proof(as_written: bool = False) -> Proof:
    """The lecture's proof, read from ``derive/proofs/heat_capacity.toml``.

    ``as_written=True`` reads ``heat_capacity_as_written.toml``: the seed's displays verbatim,
    including Step 3's ``(E_b - H_b)``.
    """
    from derive.prooffile import load_builtin

    return load_builtin("heat_capacity_as_written.toml" if as_written else "heat_capacity.toml")
