"""One interface over the three arithmetics: exact, multiprecision, float64.

A backend knows H, C, L*, how to solve

    H S + S H − η E_b[H_b S H_b] = Y                                    (1)

and how to form E_b[H_b S H_b], E_b tr(H_b² S) and tr(A S).  Everything
in :mod:`verify.numeric.analysis` is written once against this interface.

* :class:`ExactBackend` -- rationals (python-flint ``fmpq_mat``); (1) is the
  m×m rational system in the coordinates S_ij, i ≤ j, m = d(d+1)/2.
* :class:`MpBackend` -- mpmath at a chosen precision; (1) by iterative
  refinement (:mod:`verify.numeric.refine`).
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
from .model import ExactModel, MpModel, mp_matmul
from .refine import solve_refined

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


class _ModelArrays:
    """H, C and L* read from the backend's model (flint rationals, or numpy arrays)."""

    model: ExactModel | MpModel | FloatModel

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
class ExactBackend(_ModelArrays):
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
class MpBackend(_ModelArrays):
    """mpmath at ``model.ctx.prec`` bits; S is an object array of ``ctx.mpf``."""

    model: MpModel
    solver: EigenSolver


    def number(self, value: Fraction) -> object:
        return self.model.number(value)

    def solve(self, eta: Fraction, rhs: np.ndarray) -> np.ndarray:
        return solve_refined(self.model, self.solver, eta, rhs)[0]

    def sandwich(self, s: np.ndarray) -> np.ndarray:
        return self.model.sandwich(s)

    def weighted_trace(self, s: np.ndarray) -> object:
        return self.model.weighted_trace(s)

    def trace_product(self, a: np.ndarray, s: np.ndarray) -> object:
        return self.model.ctx.fdot(list(a.ravel()), list(s.T.ravel()))

    def trace(self, a: np.ndarray) -> object:
        return self.model.ctx.fsum(np.diag(a))

    def scale(self, c: object, s: np.ndarray) -> np.ndarray:
        return s * c

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return mp_matmul(self.model.ctx, a, b)


@dataclass(frozen=True, eq=False)
class FloatBackend(_ModelArrays):
    """numpy float64 in the eigenbasis of H; S is a float array."""

    model: FloatModel
    solver: EigenSolver


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
            q = ((m.features @ s) * m.features).sum(axis=1)
            return float(np.mean(np.einsum("bi,bi->b", m.features, m.features) * q))
        assert m.hessians is not None
        return float(np.einsum("bij,bjk,ki->", m.hessians, m.hessians, s) / m.hessians.shape[0])

    def trace_product(self, a: np.ndarray, s: np.ndarray) -> float:
        return float(np.vdot(a, s.T))

    def trace(self, a: np.ndarray) -> float:
        return float(np.trace(a))

    def scale(self, c: float, s: np.ndarray) -> np.ndarray:
        return c * s
