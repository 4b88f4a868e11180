"""One interface over the three arithmetics: exact, multiprecision, float64.

A backend knows H, C, L*, how to solve

    H S + S H − η E_b[H_b S H_b] = Y                                    (1)

and how to form E_b[H_b S H_b], E_b tr(H_b² S) and tr(A S).  Everything
in :mod:`verify.numeric.analysis` is written once against this interface.

* :class:`ExactBackend` -- rationals (python-flint ``fmpq_mat``); (1) is the
  m×m rational system in the coordinates S_ij, i ≤ j, m = d(d+1)/2.
* :class:`MpBackend` -- exact integer matrices (:mod:`verify.numeric.scaled`); (1) by
  iterative refinement with exact residuals (:mod:`verify.numeric.refine`) to a chosen
  number of digits.
* :class:`FloatBackend` -- numpy float64 in the eigenbasis of H.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

import flint
import numpy as np

from .errors import NumericInputError
from .floatsolve import EigenSolver, FloatModel
from .krylov import TOL as KRYLOV_TOL
from .krylov import KrylovSpace
from .model import ExactModel, IntegerModel
from .refine import Refined, solve_refined
from .scaled import Scaled, fmpq_of

__all__ = ["Backend", "ExactBackend", "FloatBackend", "MpBackend"]


class Backend(Protocol):
    """What the analysis needs from an arithmetic."""

    hessian: object
    noise: object
    loss_star: object

    def number(self, value: Fraction) -> object: ...
    def solve(self, eta: Fraction, rhs: object) -> object: ...
    def sandwich(self, s: object) -> object: ...
    def weighted_trace(self, s: object) -> object: ...
    def trace_product(self, a: object, s: object) -> object: ...
    def trace(self, a: object) -> object: ...
    def scale(self, c: object, s: object) -> object: ...
    def stationary_moment(self, eta: Fraction) -> object: ...
    def taylor_terms(self, order: int) -> list[object]: ...


class _Recursions:
    """S(η) by one solve and the Taylor terms S_k by the recursion L(S_{k+1}) = M(S_k)."""

    def stationary_moment(self, eta: Fraction) -> object:
        """S with H S + S H − η M(S) = η C."""
        b: Backend = self  # type: ignore[assignment]
        return b.solve(eta, b.scale(b.number(eta), b.noise))

    def taylor_terms(self, order: int) -> list[object]:
        """[S₁, …, S_order]: H S₁ + S₁ H = C, H S_{k+1} + S_{k+1} H = M(S_k)."""
        b: Backend = self  # type: ignore[assignment]
        terms = [b.solve(Fraction(0), b.noise)]
        while len(terms) < order:
            terms.append(b.solve(Fraction(0), b.sandwich(terms[-1])))
        return terms


class _ModelArrays:
    """H, C and L* read from the backend's model (flint rationals, or numpy arrays)."""

    model: ExactModel | IntegerModel | FloatModel

    @property
    def hessian(self) -> np.ndarray:
        return self.model.hessian

    @property
    def noise(self) -> np.ndarray:
        return self.model.noise

    @property
    def loss_star(self) -> object:
        return self.model.loss_star


@dataclass(frozen=True, eq=False)
class ExactBackend(_Recursions, _ModelArrays):
    """Exact rational arithmetic; S is an ``fmpq_mat``."""

    model: ExactModel
    _systems: dict[str, flint.fmpq_mat] = field(default_factory=dict)

    def number(self, value: Fraction) -> flint.fmpq:
        return flint.fmpq(value.numerator, value.denominator)

    def sandwich(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        return self.model.sandwich(s)

    def weighted_trace(self, s: flint.fmpq_mat) -> flint.fmpq:
        return self.model.weighted_trace(s)

    def trace_product(self, a: flint.fmpq_mat, s: flint.fmpq_mat) -> flint.fmpq:
        return self.trace(a * s)

    def trace(self, a: flint.fmpq_mat) -> flint.fmpq:
        return sum((a[i, i] for i in range(a.nrows())), flint.fmpq(0))

    def scale(self, c: flint.fmpq, s: flint.fmpq_mat) -> flint.fmpq_mat:
        return s * c

    def solve(self, eta: Fraction, rhs: flint.fmpq_mat) -> flint.fmpq_mat:
        """The exact S of (1): (L − η M) s = y in the coordinates S_ij, i ≤ j."""
        d = self.model.d
        upper = [(i, j) for i in range(d) for j in range(i, d)]
        sandwich = self._matrix("sandwich", upper) * self.number(eta)
        system = self._matrix("lyapunov", upper) - sandwich
        y = flint.fmpq_mat(len(upper), 1, [rhs[i, j] for i, j in upper])
        try:
            s = system.solve(y)
        except ZeroDivisionError:
            raise NumericInputError(
                f"η = {eta} is at the critical learning rate (L − ηM is singular); "
                "the stationary second moment is infinite") from None
        out = flint.fmpq_mat(d, d)
        for k, (i, j) in enumerate(upper):
            out[i, j] = out[j, i] = s[k, 0]
        return out

    def _matrix(self, name: str, upper: list[tuple[int, int]]) -> flint.fmpq_mat:
        """The operator L(S) = HS + SH or M(S) on the coordinates S_ij, i ≤ j (cached)."""
        if name not in self._systems:
            d, h = self.model.d, self.model.hessian
            columns = []
            for row, col in upper:
                e = flint.fmpq_mat(d, d)
                e[row, col] = e[col, row] = 1
                image = h * e + e * h if name == "lyapunov" else self.model.sandwich(e)
                columns.append([image[i, j] for i, j in upper])
            m = len(upper)
            self._systems[name] = flint.fmpq_mat(m, m, [columns[c][r] for r in range(m)
                                                        for c in range(m)])
        return self._systems[name]


@dataclass(frozen=True, eq=False)
class MpBackend(_Recursions, _ModelArrays):
    """Exact arithmetic on refined approximations: S is a :class:`Scaled` matrix refined to
    about ``digits`` digits, numbers are exact ``fmpq`` (functions of that S).

    ``seeds`` (per η, in call order) start the refinement of each solve; :meth:`seeded`
    makes a more precise backend seeded with this one's solutions.
    """

    model: IntegerModel
    solver: EigenSolver
    digits: int
    seeds: dict[Fraction, list[Scaled]] = field(default_factory=dict)
    solutions: list[tuple[Fraction, Refined]] = field(default_factory=list)
    series: tuple[Scaled, ...] = ()

    def number(self, value: Fraction) -> flint.fmpq:
        return fmpq_of(value)

    def stationary_moment(self, eta: Fraction) -> Scaled:
        """S(η), refined from Σ_k η^k S_k over ``series`` (if given and no seed is queued): the
        start only saves steps, the refinement to ``digits`` digits is the same."""
        if not self.series or self.seeds.get(eta):
            return super().stationary_moment(eta)
        e = fmpq_of(eta)
        start = self.series[0].times(e)
        for k, term in enumerate(self.series[1:], 2):
            start = start + term.times(e ** k)
        self.seeds[eta] = [start]
        return super().stationary_moment(eta)

    def solve(self, eta: Fraction, rhs: Scaled) -> Scaled:
        queue = self.seeds.get(eta)
        start = queue.pop(0) if queue else None
        refined = solve_refined(self.model, self.solver, eta, rhs, self.digits, start)
        self.solutions.append((eta, refined))
        return refined.solution

    def sandwich(self, s: Scaled) -> Scaled:
        return self.model.sandwich(s)

    def weighted_trace(self, s: Scaled) -> flint.fmpq:
        return self.model.weighted_trace(s)

    def trace_product(self, a: Scaled, s: Scaled) -> flint.fmpq:
        return a.inner(s)  # tr(A S) = Σ A_ij S_ij for symmetric A

    def trace(self, a: Scaled) -> flint.fmpq:
        return a.trace()

    def scale(self, c: flint.fmpq, s: Scaled) -> Scaled:
        return s.times(c)

    def seeded(self, digits: int) -> MpBackend:
        """A backend at ``digits`` digits whose solves start from this backend's solutions."""
        seeds: dict[Fraction, list[Scaled]] = {}
        for eta, refined in self.solutions:
            seeds.setdefault(eta, []).append(refined.solution)
        return MpBackend(self.model, self.solver, digits, seeds)

    @property
    def converged(self) -> bool:
        """True if every solve so far reached its digits."""
        return all(r.converged for _, r in self.solutions)


@dataclass(frozen=True, eq=False)
class FloatBackend(_Recursions, _ModelArrays):
    """numpy float64 in the eigenbasis of H; S is a float array.

    For the matrix-free solver (large d) the first stationary solve builds one Krylov space
    (:mod:`verify.numeric.krylov`) that then gives S(η) at other η, the Taylor terms and η_c.
    """

    model: FloatModel
    solver: EigenSolver
    _spaces: list[KrylovSpace] = field(default_factory=list)

    @property
    def space(self) -> KrylovSpace | None:
        return self._spaces[0] if self._spaces else None

    def stationary_moment(self, eta: Fraction) -> np.ndarray:
        sv = self.solver
        if sv.dense or not eta > 0:
            return super().stationary_moment(eta)
        if not self._spaces:
            self._spaces.append(sv.noise_space(self.model.noise, float(eta)))
        space = self._spaces[0]
        if space.residual(float(eta)) > KRYLOV_TOL:
            return super().stationary_moment(eta)
        return sv.from_eigenbasis(space.solve(float(eta)) / np.sqrt(sv.pair_sums))

    def taylor_terms(self, order: int) -> list[np.ndarray]:
        space, sv = self.space, self.solver
        if space is None or order > space.steps:
            return super().taylor_terms(order)
        root = np.sqrt(sv.pair_sums)
        return [sv.from_eigenbasis(space.power(k) / root) for k in range(order)]

    def number(self, value: Fraction) -> float:
        return float(value)

    def solve(self, eta: Fraction, rhs: np.ndarray) -> np.ndarray:
        return self.solver.solve(float(eta), rhs)

    def sandwich(self, s: np.ndarray) -> np.ndarray:
        sv = self.solver
        return sv.from_eigenbasis(sv.sandwich(sv.to_eigenbasis(s)))

    def weighted_trace(self, s: np.ndarray) -> float:
        m = self.model
        if m.features is not None:
            q = np.einsum("bi,bi->b", m.features @ s, m.features)
            out = float(np.mean(np.einsum("bi,bi->b", m.features, m.features) * q))
            if m.ridge:
                lam = m.ridge
                out += 2 * lam * float(np.vdot(m.hessian, s)) - lam * lam * float(np.trace(s))
            return out
        assert m.hessians is not None
        return float(np.einsum("bij,bjk,ki->", m.hessians, m.hessians, s) / m.hessians.shape[0])

    def trace_product(self, a: np.ndarray, s: np.ndarray) -> float:
        return float(np.vdot(a, s.T))

    def trace(self, a: np.ndarray) -> float:
        return float(np.trace(a))

    def scale(self, c: float, s: np.ndarray) -> np.ndarray:
        return c * s
