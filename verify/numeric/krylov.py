"""One block Krylov space for everything the float64 mode needs at large d.

In the eigenbasis of H with w = A^{1/2}s (svec coordinates), the stationary equation
(A − ηB)s = ηc becomes (I − ηK)w = ηb with K = A^{-1/2}BA^{-1/2} symmetric positive
semidefinite and b = A^{-1/2}c.  The Taylor terms are w_k = K^{k−1}b and η_c = 1/λ_max(K).
All of these live in the Krylov space of b, so one space serves them all:

* the stationary law at any η (and at every Richardson point) is the Galerkin solution
  w = V (I − ηT)⁻¹ Vᵀ(ηb), T = VᵀKV, its residual computed explicitly;
* the Taylor terms are V T^{k−1} Vᵀb, exact while K^{k−1}b lies in the space;
* η_c = 1/θ_max(T); since Ritz values never exceed λ_max(K), a second start vector (the
  top eigenvector of H as v vᵀ plus a random symmetric matrix) is carried along, so that
  the top eigenvector of K cannot be missed.

The space grows by the block [K v for the two newest directions] (two operator products a
step, done as one batched product), with full reorthogonalization; it stops when the
stationary solution at every requested η and the top Ritz pair have relative residuals
below ``tol``.  Products with K cost O(n d²) each; a few steps usually suffice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["TOL", "KrylovSpace", "krylov_space"]

TOL = 1e-13  # relative residual of the stationary solves

Block = Callable[[list[np.ndarray]], list[np.ndarray]]


@dataclass(frozen=True, eq=False)
class KrylovSpace:
    """An orthonormal basis V (rows: flattened d×d matrices), K V, T = VᵀKV and the start b."""

    basis: np.ndarray
    images: np.ndarray
    t: np.ndarray
    b: np.ndarray
    coords: np.ndarray  # Vᵀ b
    steps: int  # block steps taken: K^j b lies in the space for j < steps

    def _matrix(self, flat: np.ndarray) -> np.ndarray:
        return flat.reshape(self.b.shape)

    def solve(self, eta: float) -> np.ndarray:
        """w with (I − ηK) w = η b (Galerkin in the space)."""
        y = np.linalg.solve(np.eye(self.t.shape[0]) - eta * self.t, eta * self.coords)
        return self._matrix(y @ self.basis)

    def residual(self, eta: float) -> float:
        """‖ηb − (I − ηK)w‖ / ‖ηb‖ for the Galerkin w."""
        y = np.linalg.solve(np.eye(self.t.shape[0]) - eta * self.t, self.coords)
        r = self.b.ravel() - y @ self.basis + eta * (y @ self.images)
        return float(np.linalg.norm(r) / np.linalg.norm(self.b))

    def power(self, k: int) -> np.ndarray:
        """K^k b (exact in exact arithmetic while the space holds it)."""
        return self._matrix((np.linalg.matrix_power(self.t, k) @ self.coords) @ self.basis)

    def top(self) -> tuple[float, float]:
        """(θ_max of T, relative residual ‖K u − θ u‖/θ of its Ritz vector)."""
        vals, vecs = np.linalg.eigh(self.t)
        y = vecs[:, -1]
        r = y @ self.images - vals[-1] * (y @ self.basis)
        return float(vals[-1]), float(np.linalg.norm(r) / abs(vals[-1]))


def krylov_space(apply: Block, b: np.ndarray, second: np.ndarray, etas: Sequence[float], *,
                 tol: float = TOL, top_tol: float = 1e-11, max_steps: int = 60) -> KrylovSpace:
    """The block Krylov space of (b, ``second``) under K (``apply`` maps a list of matrices
    to their images), grown until the solves at ``etas`` reach relative residual ``tol`` and
    the top Ritz pair ``top_tol`` (or the residuals stop shrinking: rounding level)."""
    size = b.size
    basis, images = np.empty((0, size)), np.empty((0, size))
    block = np.array([b.ravel(), second.ravel()])
    space, history = None, []
    for step in range(1, max_steps + 1):
        for _twice in range(2):  # block classical Gram-Schmidt, twice
            block = block - (block @ basis.T) @ basis
        q, r = np.linalg.qr(block.T)
        keep = np.abs(np.diag(r)) > 1e-13 * np.linalg.norm(b)
        new = q[:, keep].T
        if not new.shape[0]:
            break
        basis = np.vstack([basis, new])
        images = np.vstack([images, [m.ravel() for m in apply([v.reshape(b.shape) for v in new])]])
        t = basis @ images.T
        space = KrylovSpace(basis, images, (t + t.T) / 2, b, basis @ b.ravel(), step)
        worst = max([space.top()[1] / top_tol] + [space.residual(eta) / tol for eta in etas])
        if worst <= 1 or (len(history) >= 4 and worst > history[-4] / 2):
            break
        history.append(worst)
        block = images[-new.shape[0]:]
    assert space is not None
    return space
