r"""Step 4 checked exactly on generic instances with symbolic entries.

On a quadratic problem whose data are *symbols*, the stationary second moment S(η) of SGD is an
explicit rational function of η and the data (:func:`verify.stationary.stationary_moments`).
The converged loss L(η), its limit and its derivative at η = 0 then follow from their
definitions, and must equal ¼ E_b ‖g_b‖² identically:

* d = 1, fully symbolic: g_1, g_2, g_3 = −g_1 − g_2 and h_1, h_2, h_3;
* d = 2 with symbolic data: g_1 = (p, q) = −g_2 and H_1, H_2 symmetric with symbolic entries.

>>> result = generic_step4(1)
>>> result.holds, result.slope
(True, 'g1**2/6 + g1*g2/6 + g2**2/6')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sympy import Matrix, S, cancel, expand, sstr, symbols

from derive.proof import heat_capacity_proof
from derive.symbols import eta
from verify.evaluate import evaluate
from verify.instances import Data, Instance, MomentLaw
from verify.stationary import stationary_moments

__all__ = ["GenericCheck", "generic_data", "generic_step4"]


@dataclass(frozen=True)
class GenericCheck:
    """The theorem and the lines of Step 4 evaluated exactly on a symbolic instance."""

    d: int
    n: int
    slope: str
    expected: str
    lines: tuple[tuple[str, bool], ...]

    @property
    def holds(self) -> bool:
        return all(ok for _, ok in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "d": self.d,
            "n": self.n,
            "slope_at_zero": self.slope,
            "quarter_mean_squared_gradient": self.expected,
            "lines": [{"line": name, "holds": ok} for name, ok in self.lines],
            "holds": self.holds,
        }


def generic_data(d: int) -> Data:
    """Symbolic data: d = 1 with three examples, d = 2 with two."""
    if d == 1:
        g1, g2, h1, h2, h3 = symbols("g1 g2 h1 h2 h3", positive=True)
        g = (Matrix([g1]), Matrix([g2]), Matrix([-g1 - g2]))
        H = (Matrix([h1]), Matrix([h2]), Matrix([h3]))
    elif d == 2:
        p, q, a1, b1, c1, a2, b2, c2 = symbols("p q a1 b1 c1 a2 b2 c2", real=True)
        g = (Matrix([p, q]), Matrix([-p, -q]))
        H = (Matrix([[a1, b1], [b1, c1]]), Matrix([[a2, b2], [b2, c2]]))
    else:
        raise ValueError(f"generic instances exist for d = 1 and d = 2, not d = {d}")
    losses = tuple(symbols(f"L1:{len(g) + 1}"))
    return Data(g, H, losses, tuple(S.Zero for _ in g))


def generic_step4(d: int) -> GenericCheck:
    """Evaluate Step 4 and the theorem on the generic instance of dimension d."""
    data = generic_data(d)
    m, second = stationary_moments(data, eta)
    inst = Instance(data, MomentLaw(m, second, f"the stationary law, d = {d}, symbolic"), eta)
    proof = heat_capacity_proof()
    checks = [("theorem", proof.theorem.lhs, proof.theorem.rhs)]
    checks += [(f"step-4 line {i}", x.lhs, x.rhs) for i, x in enumerate(proof.steps[3].lines, 1)]
    lines = tuple(
        (name, cancel(evaluate(lhs, inst) - evaluate(rhs, inst)) == 0) for name, lhs, rhs in checks
    )
    slope, expected = (expand(cancel(evaluate(x, inst))) for x in (proof.theorem.lhs, proof.theorem.rhs))
    return GenericCheck(d, data.n, sstr(slope), sstr(expected), lines)
