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

* dense (m = d(d+1)/2 ≤ FLOAT_DENSE_LIMIT in the float64 mode, ≤ DENSE_LIMIT for the
  multiprecision refinement): B is formed densely (one Gram matrix of the flattened H̃_b)
  and K = A^{-1/2} B A^{-1/2} = U diag(θ) Uᵀ is decomposed once; then (1) is solved for any
  η by s = A^{-1/2} U (I − ηΘ)⁻¹ Uᵀ A^{-1/2} y, and η_c = 1/θ_max;
* matrix-free: (1) by conjugate gradients preconditioned with A⁻¹ (elementwise division),
  η_c by Lanczos, and in the float64 mode the stationary law, the Taylor terms and η_c all
  from one Krylov space (:mod:`verify.numeric.krylov`).  For least squares a product
  M̃(S̃) = (1/n) X̃ᵀ diag(q) X̃, q_b = x̃_bᵀ S̃ x̃_b, costs O(n d²).

>>> import numpy as np
>>> from verify.numeric.data import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
>>> model = FloatModel.of(data)
>>> s = model.solver().solve(0.1, 0.1 * model.noise)
>>> bool(np.isclose(s[0, 0], 0.1 * (9 / 14) / (2 * 14 / 3 - 0.1 * (1 + 16 + 81) / 3)))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .data import LeastSquaresData, QuadraticData
from .errors import NumericInputError
from .krylov import KrylovSpace, krylov_space
from .symmetric import pairs, smat, svec

__all__ = ["DENSE_LIMIT", "FLOAT_DENSE_LIMIT", "EigenSolver", "FloatModel"]

DENSE_LIMIT = 2600  # largest m = d(d+1)/2 ever solved densely (multiprecision)
WELL_CONDITIONED = 1e8  # cond(H) below which Φ* comes from the normal equations, not lstsq
FLOAT_DENSE_LIMIT = 120  # float64 mode: dense for d ≤ 15 (bench_levers [e]: the Krylov space wins beyond)


@dataclass(frozen=True, eq=False)
class FloatModel:
    """H, C, L* and the per-example curvature in float64 (H_b = x_b x_bᵀ + λI for least squares)."""

    hessian: np.ndarray
    noise: np.ndarray
    loss_star: float
    features: np.ndarray | None
    hessians: np.ndarray | None
    ridge: float = 0.0
    eigen: tuple[np.ndarray, np.ndarray] | None = None  # eigh(H), when already computed

    @classmethod
    def of(cls, data: LeastSquaresData | QuadraticData) -> FloatModel:
        """The float64 model (least squares by the normal equations in the eigenbasis of H when
        cond(H) < 1e8, else by ``numpy.linalg.lstsq``).

        Raises :class:`NumericInputError` if the data overflow float64.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            model = cls._of(data)
        if not all(np.all(np.isfinite(a)) for a in (model.hessian, model.noise, model.loss_star)):
            raise NumericInputError(
                "the data overflow float64 (H or C has an entry beyond 1e308): rescale the columns")
        return model

    @classmethod
    def _of(cls, data: LeastSquaresData | QuadraticData) -> FloatModel:
        if isinstance(data, QuadraticData):
            g, h = data.gradients.astype(float), data.hessians.astype(float)
            return cls(h.mean(axis=0), g.T @ g / data.n, float(data.losses.astype(float).mean()),
                       None, h)
        x, y = np.asarray(data.features, dtype=float), np.asarray(data.targets, dtype=float)
        n, d, lam = x.shape[0], x.shape[1], float(data.ridge)
        hessian = x.T @ x / n + lam * np.eye(d)
        eigen = np.linalg.eigh(hessian)
        values, basis = eigen
        if values[0] > 0 and values[-1] < WELL_CONDITIONED * values[0]:
            phi = basis @ ((basis.T @ (x.T @ y / n)) / values)  # the normal equations
        elif lam:
            phi = np.linalg.solve(hessian, x.T @ y / n)
        else:
            phi = np.linalg.lstsq(x, y, rcond=None)[0]
        r = x @ phi - y
        noise = x.T @ (r[:, None] ** 2 * x) / n - lam ** 2 * np.outer(phi, phi)
        loss = float(r @ r / (2 * n) + lam / 2 * phi @ phi)
        return cls(hessian, noise, loss, x, None, lam, eigen)

    @property
    def n(self) -> int:
        f = self.features if self.features is not None else self.hessians
        assert f is not None
        return int(f.shape[0])

    @property
    def d(self) -> int:
        return int(self.hessian.shape[0])

    def solver(self, dense: bool | None = None) -> EigenSolver:
        """The eigenbasis solver of this model (``dense``: None chooses by size)."""
        return EigenSolver.of(self, dense)


@dataclass(frozen=True, eq=False)
class EigenSolver:
    """Solves (1) and finds η_c in the eigenbasis Q of H.

    ``eigenvalues`` are those of H; ``features`` (least squares, rows x̃_b = Qᵀx_b) or
    ``hessians`` (H̃_b) describe M̃; ``ridge`` λ adds λ(Λ₀S̃ + S̃Λ₀) + λ²S̃ with Λ₀ = Λ − λI.
    """

    eigenvalues: np.ndarray
    basis: np.ndarray
    features: np.ndarray | None
    hessians: np.ndarray | None
    dense: bool
    ridge: float = 0.0

    @classmethod
    def of(cls, model: FloatModel, dense: bool | None = None) -> EigenSolver:
        lam, q = model.eigen if model.eigen is not None else np.linalg.eigh(model.hessian)
        if not lam[0] > 0:
            raise NumericInputError(
                f"H is not positive definite in float64 (smallest eigenvalue {lam[0]:.3g}): "
                "the features are (numerically) dependent or their scales span beyond float64")
        xt = None if model.features is None else model.features @ q
        ht = None if model.hessians is None else q.T @ model.hessians @ q
        m = lam.size * (lam.size + 1) // 2
        if dense is None:
            dense = m <= FLOAT_DENSE_LIMIT
        return cls(lam, q, xt, ht, dense and m <= DENSE_LIMIT, model.ridge)

    @property
    def d(self) -> int:
        return int(self.eigenvalues.size)

    @cached_property
    def pair_sums(self) -> np.ndarray:
        """The d×d matrix λ_i + λ_j (the Lyapunov operator in the eigenbasis)."""
        return self.eigenvalues[:, None] + self.eigenvalues[None, :]

    def to_eigenbasis(self, s: np.ndarray) -> np.ndarray:
        return self.basis.T @ s @ self.basis

    def from_eigenbasis(self, st: np.ndarray) -> np.ndarray:
        return self.basis @ st @ self.basis.T

    def sandwich(self, st: np.ndarray) -> np.ndarray:
        """M̃(S̃) = E_b H̃_b S̃ H̃_b, in the eigenbasis."""
        if self.features is not None:
            xt = self.features
            q = np.einsum("bi,bi->b", xt @ st, xt)
            out = xt.T @ (q[:, None] * xt) / xt.shape[0]
            if self.ridge:
                lam = self.ridge
                out += lam * (self.pair_sums - 2 * lam) * st + lam * lam * st
            return out
        assert self.hessians is not None
        return (self.hessians @ st @ self.hessians).mean(axis=0)

    def sandwich_many(self, sts: list[np.ndarray]) -> list[np.ndarray]:
        """[M̃(S̃) for S̃ in sts], batched into two matrix products for least squares."""
        if self.features is None or len(sts) == 1:
            return [self.sandwich(st) for st in sts]
        xt, d = self.features, self.d
        p = xt @ np.hstack(sts)
        qs = [np.einsum("bi,bi->b", p[:, k * d:(k + 1) * d], xt) for k in range(len(sts))]
        parts = [xt.T @ (q[:, None] * xt) / xt.shape[0] for q in qs]
        if self.ridge:
            lam = self.ridge
            parts = [m + (lam * (self.pair_sums - 2 * lam) + lam * lam) * st
                     for m, st in zip(parts, sts, strict=True)]
        return parts

    def noise_space(self, noise: np.ndarray, eta: float) -> KrylovSpace:
        """The Krylov space of b = C̃/√(λ_i + λ_j) (:mod:`verify.numeric.krylov`), grown for η."""
        root = np.sqrt(self.pair_sums)
        start = np.zeros((self.d, self.d))
        start[-1, -1] = 1.0  # the top eigenvector of H, as v vᵀ: a good first guess for η_c
        rng = np.random.default_rng(0)
        noise_part = rng.standard_normal(start.shape)
        second = start + (noise_part + noise_part.T) / np.sqrt(2 * self.d * self.d)
        return krylov_space(lambda ws: [m / root for m in self.sandwich_many([w / root for w in ws])],
                            self.to_eigenbasis(noise) / root, second * root, [eta])

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
        b = w[:, None] * b * w[None, :]
        if self.ridge:
            lam = self.ridge
            b[np.diag_indices_from(b)] += lam * (self.pair_sums[i, j] - 2 * lam) + lam * lam
        return b

    @cached_property
    def spectrum(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(√a, θ, U): K = A^{-1/2} B A^{-1/2} = U diag(θ) Uᵀ, a = (λ_i + λ_j)_{i≤j} (dense only)."""
        i, j = pairs(self.d)
        root = np.sqrt(self.pair_sums[i, j])
        theta, u = np.linalg.eigh(self.sandwich_matrix / np.outer(root, root))
        return root, theta, u

    def solve(self, eta: float, rhs: np.ndarray) -> np.ndarray:
        """S with H S + S H − η E_b[H_b S H_b] = rhs (original basis, float64)."""
        return self.from_eigenbasis(self.solve_eigenbasis(eta, self.to_eigenbasis(rhs)))

    def solve_eigenbasis(self, eta: float, rhs: np.ndarray) -> np.ndarray:
        if eta == 0:
            return rhs / self.pair_sums
        if self.dense:
            root, theta, u = self.spectrum
            w = u @ ((u.T @ (svec(rhs) / root)) / (1 - eta * theta))
            return smat(w / root, self.d)
        return _pcg(lambda st: self.operator(eta, st), lambda r: r / self.pair_sums, rhs)

    def top_mode(self) -> tuple[float, np.ndarray]:
        """(μ, Ṽ): largest μ with M̃(Ṽ) = μ (ΛṼ + ṼΛ), ‖Ṽ‖_F = 1; η_c = 1/μ."""
        root = np.sqrt(self.pair_sums)
        if self.dense:
            _, theta, vecs = self.spectrum
            mu, u = float(theta[-1]), smat(vecs[:, -1], self.d)
        else:
            start = np.zeros((self.d, self.d))
            start[-1, -1] = 1.0  # the top eigenvector of H, as v vᵀ: a good first guess
            mu, u = _lanczos_top(lambda v: self.sandwich(v / root) / root, start * root)
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


def _lanczos_top(apply, start: np.ndarray, steps: int = 60, restarts: int = 20,
                 tol: float = 1e-13) -> tuple[float, np.ndarray]:
    """Largest eigenpair of a self-adjoint PSD operator on Sym(d) (restarted Lanczos).

    The start is ``start`` plus a random symmetric matrix of the same norm, so that every
    eigenvector has a component in it.
    """
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(start.shape)
    noise = noise + noise.T
    v = start / np.linalg.norm(start) + noise / np.linalg.norm(noise)
    mu, best = 0.0, v
    for _ in range(restarts):
        basis, alphas, betas = [v / np.linalg.norm(v)], [], []
        for _k in range(steps):
            w = apply(basis[-1])
            alphas.append(_inner(w, basis[-1]))
            for _twice in range(2):
                for u in basis:
                    w = w - _inner(w, u) * u
            beta = float(np.linalg.norm(w))
            k = len(alphas)
            t = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
            vals, vecs = np.linalg.eigh(t)
            if beta * abs(vecs[-1, -1]) <= tol * abs(vals[-1]) or beta < 1e-300:
                break
            betas.append(beta)
            basis.append(w / beta)
        mu = float(vals[-1])
        best = sum(c * u for c, u in zip(vecs[:, -1], basis[:k], strict=True))
        if np.linalg.norm(apply(best) - mu * best) <= 1e-12 * mu:
            break
        v = best
    return mu, best / np.linalg.norm(best)
