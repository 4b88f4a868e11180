"""The stationary law at one η and the Taylor series of L(η) at η = 0.

With T_η(S) = H S + S H − η M(S), M(S) = E_b[H_b S H_b], the stationary
second moment solves T_η(S) = η C.  Expanding S(η) = Σ_k η^k S_k gives

    H S₁ + S₁ H = C,        H S_{k+1} + S_{k+1} H = M(S_k),

and L(η) − L* = ½ tr(H S) = Σ_k c_k η^k with c_k = ½ tr(H S_k), so
L^{(k)}(0) = k! c_k.  In particular c₁ = ¼ tr C (the heat capacity) and
c₂ = ¼ E_b tr(H_b² S₁).  The series converges for η < η_c.

These functions are written once against :class:`verify.numeric.backends.Backend`
and so run exactly, in multiprecision or in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from .backends import Backend

__all__ = ["StationaryLaw", "stationary_law", "taylor_coefficients"]


@dataclass(frozen=True, eq=False)
class StationaryLaw:
    """The stationary law at learning rate η.

    ``excess_loss`` = ½ tr(H S) = L(η) − L*;  ``identity_rhs`` =
    (η/4)[tr C + E_b tr(H_b² S)], equal to it by the Step-3 identity (computed when first
    asked for: it costs an average over the examples).
    """

    eta: Fraction
    second_moment: object
    excess_loss: object
    backend: Backend

    @cached_property
    def identity_rhs(self) -> object:
        b = self.backend
        return b.number(self.eta) * (b.trace(b.noise) + b.weighted_trace(self.second_moment)) / 4


def stationary_law(backend: Backend, eta: Fraction) -> StationaryLaw:
    """Solve H S + S H − η E_b[H_b S H_b] = η C; both sides of Step 3 are then at hand."""
    s = backend.stationary_moment(eta)
    return StationaryLaw(eta, s, backend.trace_product(backend.hessian, s) / 2, backend)


def taylor_coefficients(backend: Backend, order: int) -> tuple[list[object], list[object]]:
    """([c₁, …, c_order], [S₁, …, S_order]) with c_k = ½ tr(H S_k) = L^{(k)}(0)/k!."""
    b = backend
    terms = b.taylor_terms(order)
    return [b.trace_product(b.hessian, s) / 2 for s in terms], terms
