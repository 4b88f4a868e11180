"""Float64 solvers in the eigenbasis of H (fast, d up to several hundred).

Write H = Q Λ Qᵀ.  In the basis Q every symmetric matrix S becomes
S̃ = Qᵀ S Q, the Lyapunov operator becomes diagonal,

    (Λ S̃ + S̃ Λ)_ij = (λ_i + λ_j) S̃_ij,

and the generalized Lyapunov equation of the stationary second moment,

    H S + S H − η E_b[H_b S H_b] = η C,                                (1)

reads (A − η B) s = η c with A = diag(λ_i + λ_j) and B the matrix of
M̃(S̃) = E_b H̃_b S̃ H̃_b in svec coordinates.  Both A and B are self-adjoint
for the Frobenius inner product, A is positive definite and B positive
semidefinite, so A − η B is positive definite exactly for η < η_c = 1/ρ(A⁻¹B).

* small d (m = d(d+1)/2 ≤ DENSE_LIMIT): B is formed densely (one Gram
  matrix of the flattened H̃_b), (1) is solved by a cached inverse and η_c by
  one symmetric eigenvalue problem of A^{-1/2} B A^{-1/2};
* large d: (1) is solved matrix-free by conjugate gradients preconditioned
  with A⁻¹ (elementwise division), and η_c by Lanczos.  For least squares a
  product M̃(S̃) = (1/n) X̃ᵀ diag(q) X̃, q_b = x̃_bᵀ S̃ x̃_b, costs O(n d²).

>>> import numpy as np
>>> from verify.numeric.data import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
>>> model = FloatModel.of(data)
>>> s = model.solver().solve(0.1, 0.1 * model.noise)
>>> bool(np.isclose(s[0, 0], 0.1 * (9 / 14) / (2 * 14 / 3 - 0.1 * (1 + 16 + 81) / 3)))
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .data import LeastSquaresData, QuadraticData
from .symmetric import pairs, smat, svec, svec_weights

__all__ = ["DENSE_LIMIT", "EigenSolver", "FloatModel"]

DENSE_LIMIT = 2600


@dataclass(frozen=True, eq=False)
class FloatModel:
    """H, C, L* and the per-example curvature in float64."""

    hessian: np.ndarray
    noise: np.ndarray
    loss_star: float
    features: np.ndarray | None
    hessians: np.ndarray | None

    @classmethod
    def of(cls, data: LeastSquaresData | QuadraticData) -> FloatModel:
        """The float64 model (least squares solved by ``numpy.linalg.lstsq``)."""
        if isinstance(data, QuadraticData):
            g, h = data.gradients.astype(float), data.hessians.astype(float)
            return cls(h.mean(axis=0), g.T @ g / data.n, float(data.losses.astype(float).mean()),
                       None, h)
        x, y = data.features.astype(float), data.targets.astype(float)
        r = x @ np.linalg.lstsq(x, y, rcond=None)[0] - y
        return cls(x.T @ x / data.n, x.T @ (r[:, None] ** 2 * x) / data.n,
                   float(r @ r / (2 * data.n)), x, None)

    @property
    def n(self) -> int:
        f = self.features if self.features is not None else self.hessians
        assert f is not None
        return int(f.shape[0])

    @property
    def d(self) -> int:
        return int(self.hessian.shape[0])

    def solver(self) -> EigenSolver:
        """The eigenbasis solver of this model."""
        return EigenSolver.of(self)


@dataclass(frozen=True, eq=False)
class EigenSolver:
    """Solves (1) and finds η_c in the eigenbasis Q of H."""

    eigenvalues: np.ndarray
    basis: np.ndarray
    features: np.ndarray | None
    hessians: np.ndarray | None
    _inverses: dict[float, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, model: FloatModel) -> EigenSolver:
        lam, q = np.linalg.eigh(model.hessian)
        xt = None if model.features is None else model.features @ q
        ht = None if model.hessians is None else q.T @ model.hessians @ q
        return cls(lam, q, xt, ht)

    @property
    def d(self) -> int:
        return int(self.eigenvalues.size)

    @cached_property
    def pair_sums(self) -> np.ndarray:
        """The d×d matrix λ_i + λ_j (the Lyapunov operator in the eigenbasis)."""
        return self.eigenvalues[:, None] + self.eigenvalues[None, :]

    @property
    def dense(self) -> bool:
        return self.d * (self.d + 1) // 2 <= DENSE_LIMIT

    def to_eigenbasis(self, s: np.ndarray) -> np.ndarray:
        return self.basis.T @ s @ self.basis

    def from_eigenbasis(self, st: np.ndarray) -> np.ndarray:
        return self.basis @ st @ self.basis.T

    def sandwich(self, st: np.ndarray) -> np.ndarray:
        """M̃(S̃) = E_b H̃_b S̃ H̃_b, in the eigenbasis."""
        if self.features is not None:
            xt = self.features
            q = ((xt @ st) * xt).sum(axis=1)
            return xt.T @ (q[:, None] * xt) / xt.shape[0]
        assert self.hessians is not None
        return (self.hessians @ st @ self.hessians).mean(axis=0)

    def operator(self, eta: float, st: np.ndarray) -> np.ndarray:
        """(Λ S̃ + S̃ Λ) − η M̃(S̃)."""
        return self.pair_sums * st - eta * self.sandwich(st)

    @cached_property
    def sandwich_matrix(self) -> np.ndarray:
        """B: the m×m matrix of M̃ in svec coordinates (one Gram product)."""
        d = self.d
        if self.features is not None:
            flat = np.einsum("bi,bk->bik", self.features, self.features).reshape(-1, d * d)
        else:
            assert self.hessians is not None
            flat = self.hessians.reshape(-1, d * d)
        coeff = (flat.T @ flat / flat.shape[0]).reshape(d, d, d, d).transpose(0, 2, 1, 3)
        i, j = pairs(d)
        rows = coeff[i, j] + coeff[j, i]  # (m, d, d): the two row positions (i,j), (j,i)
        b = rows[:, i, j] + rows[:, j, i]
        w = np.where(i == j, 0.5, 1 / np.sqrt(2.0))
        return w[:, None] * b * w[None, :]

    def solve(self, eta: float, rhs: np.ndarray) -> np.ndarray:
        """S with H S + S H − η E_b[H_b S H_b] = rhs (original basis, float64)."""
        return self.from_eigenbasis(self.solve_eigenbasis(eta, self.to_eigenbasis(rhs)))

    def solve_eigenbasis(self, eta: float, rhs: np.ndarray) -> np.ndarray:
        if eta == 0:
            return rhs / self.pair_sums
        if self.dense:
            return smat(self._inverse(eta) @ svec(rhs), self.d)
        return _pcg(lambda st: self.operator(eta, st), lambda r: r / self.pair_sums, rhs)

    def _inverse(self, eta: float) -> np.ndarray:
        if eta not in self._inverses:
            a = np.diag(svec(self.pair_sums) / svec_weights(self.d))
            self._inverses[eta] = np.linalg.inv(a - eta * self.sandwich_matrix)
        return self._inverses[eta]

    def top_mode(self) -> tuple[float, np.ndarray]:
        """(μ, Ṽ): largest μ with M̃(Ṽ) = μ (ΛṼ + ṼΛ), ‖Ṽ‖_F = 1; η_c = 1/μ."""
        root = np.sqrt(self.pair_sums)
        if self.dense:
            a = svec(root) / svec_weights(self.d)
            vals, vecs = np.linalg.eigh(self.sandwich_matrix / np.outer(a, a))
            mu, u = float(vals[-1]), smat(vecs[:, -1], self.d)
        else:
            mu, u = _lanczos_top(lambda v: self.sandwich(v / root) / root, self.d)
        v = u / root
        return mu, v / np.linalg.norm(v)

    def critical_rate(self) -> float:
        """η_c = 1/ρ(A⁻¹B) in float64."""
        return 1.0 / self.top_mode()[0]


def _inner(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.vdot(a, b))


def _pcg(apply, precondition, rhs: np.ndarray, tol: float = 1e-15,
         maxiter: int = 5000) -> np.ndarray:
    """Preconditioned conjugate gradients on Sym(d) with the Frobenius product."""
    x = np.zeros_like(rhs)
    r = rhs.copy()
    z = precondition(r)
    p, rz, stop = z, _inner(r, z), tol * np.linalg.norm(rhs)
    for _ in range(maxiter):
        ap = apply(p)
        alpha = rz / _inner(p, ap)
        x, r = x + alpha * p, r - alpha * ap
        if np.linalg.norm(r) <= stop:
            break
        z = precondition(r)
        rz, rz_old = _inner(r, z), rz
        p = z + (rz / rz_old) * p
    return x


def _lanczos_top(apply, d: int, steps: int = 60, restarts: int = 20) -> tuple[float, np.ndarray]:
    """Largest eigenpair of a self-adjoint PSD operator on Sym(d) (restarted Lanczos)."""
    rng = np.random.default_rng(0)
    v = rng.standard_normal((d, d))
    v = v + v.T
    mu, best = 0.0, v
    for _ in range(restarts):
        basis, alphas, betas = [v / np.linalg.norm(v)], [], []
        for _k in range(steps):
            w = apply(basis[-1])
            alphas.append(_inner(w, basis[-1]))
            for u in basis:
                w = w - _inner(w, u) * u
            beta = np.linalg.norm(w)
            if beta < 1e-14 * abs(alphas[0] + 1e-300):
                break
            betas.append(beta)
            basis.append(w / beta)
        k = len(alphas)
        t = np.diag(alphas) + np.diag(betas[:k - 1], 1) + np.diag(betas[:k - 1], -1)
        vals, vecs = np.linalg.eigh(t)
        mu, best = float(vals[-1]), sum(c * u for c, u in zip(vecs[:, -1], basis, strict=False))
        if np.linalg.norm(apply(best) - mu * best) <= 1e-13 * mu:
            break
        v = best
    return mu, best / np.linalg.norm(best)
