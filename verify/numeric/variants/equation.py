"""The one linear equation behind minibatches, preconditioning and momentum.

For the step  v' = β v − η P(ḡ + H̄ D),  D' = D + v'  (β = 0: D' = D − η P(ḡ + H̄ D)),
with ḡ, H̄ the means over a fresh batch (E[ḡ ḡᵀ] = c_B C), the stationary
second moment S = E[D Dᵀ] solves, with G = P H and c_β = β/(1 − β²),

    𝓛(S) − η 𝓝(S) = η Y,                                                (V)
    𝓛(S) = (1 − β)(G S + S Gᵀ),
    𝓝(S) = P M_B(S) P − c_β (G² S + S Gᵀ² − 2β G S Gᵀ),
    M_B(S) = E[H̄ S H̄] = (1 − c_B) H S H + c_B E_b[H_b S H_b],
    Y = c_B P C P,

and L(η) − L* = ½ tr(H S).  (For β > 0 the joint moment of (D, v) has
E[v vᵀ] = η(G S + S Gᵀ)/(1 + β) and E[D vᵀ] = η(G S − β S Gᵀ)/(1 − β²); the
v-v block of the stationarity equations then gives (V).)  Plain SGD is
β = 0, P = I, c_B = 1: H S + S H − η E_b[H_b S H_b] = η C.

(V) is solved on Sym(d) in the coordinates S_ij, i ≤ j: exactly (python-flint),
in float64, or by *exact-residual refinement*: float64 corrections, residuals
ηY − 𝓛(S) + η𝓝(S) computed exactly in rationals, so each step gains ~15 digits
and the only error left is the last correction's size.

>>> from fractions import Fraction
>>> from verify.numeric import LeastSquaresData
>>> from verify.numeric.variants.spec import Variant, resolve
>>> from verify.numeric.model import fraction
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> eq = VariantEquation.of(data, resolve(data, Variant()))
>>> s = eq.solve(Fraction(1, 10), eq.scaled_rhs(Fraction(1, 10)))
>>> fraction(s[0, 0]) == Fraction(1, 10) * Fraction(9, 14) / (2 * Fraction(14, 3) - Fraction(1, 10) * 98 / 3)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import flint
import numpy as np

from ..data import LeastSquaresData, QuadraticData
from ..errors import NumericInputError
from ..model import ExactModel, exact_model
from .spec import Resolved

__all__ = ["VariantEquation", "from_float", "q", "refine", "to_float", "trace"]

MAX_REFINE_STEPS = 60


def q(x: Fraction | int) -> flint.fmpq:
    """A Fraction as a flint rational."""
    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def trace(a: flint.fmpq_mat) -> flint.fmpq:
    """tr A, exactly."""
    return sum((a[i, i] for i in range(a.nrows())), flint.fmpq(0))


def to_float(a: flint.fmpq_mat) -> np.ndarray:
    """A flint matrix rounded to float64."""
    return np.array([[float(int(v.p)) / float(int(v.q)) if abs(int(v.p)) < 2 ** 1000
                      and int(v.q) < 2 ** 1000 else float(Fraction(int(v.p), int(v.q)))
                      for v in row] for row in _rows(a)])


def from_float(a: np.ndarray, exponent: int = 0) -> flint.fmpq_mat:
    """The float64 matrix ``a`` times 2**exponent, exactly, as a flint matrix."""
    r, c = a.shape
    out = []
    for v in a.ravel():
        num, den = float(v).as_integer_ratio()
        if exponent >= 0:
            num <<= exponent
        else:
            den <<= -exponent
        out.append(flint.fmpq(num, den))
    return flint.fmpq_mat(r, c, out)


def _rows(a: flint.fmpq_mat) -> list[list[flint.fmpq]]:
    return [[a[i, j] for j in range(a.ncols())] for i in range(a.nrows())]


def _upper(k: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(k) for j in range(i, k)]


def sym_matrix(apply: object, k: int, exact: bool) -> object:
    """The m×m matrix (m = k(k+1)/2) of a linear map on Sym(k) in the coordinates S_ij, i ≤ j."""
    upper = _upper(k)
    m = len(upper)
    if exact:
        columns = []
        for i, j in upper:
            e = flint.fmpq_mat(k, k)
            e[i, j] = e[j, i] = 1
            image = apply(e)  # type: ignore[operator]
            columns.append([image[a, b] for a, b in upper])
        return flint.fmpq_mat(m, m, [columns[c][r] for r in range(m) for c in range(m)])
    rows_i = np.array([i for i, _ in upper])
    cols_j = np.array([j for _, j in upper])
    out = np.empty((m, m))
    for col, (i, j) in enumerate(upper):
        e = np.zeros((k, k))
        e[i, j] = e[j, i] = 1.0
        out[:, col] = apply(e)[rows_i, cols_j]  # type: ignore[operator]
    return out


def _to_upper(s: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(s.shape[0])
    return s[i, j]


def _from_upper(v: np.ndarray, k: int) -> np.ndarray:
    i, j = np.triu_indices(k)
    s = np.zeros((k, k))
    s[i, j] = v
    s[j, i] = v
    return s


def _max_abs(a: flint.fmpq_mat) -> Fraction:
    big = max((abs(v) for v in a.entries()), default=flint.fmpq(0))
    return Fraction(int(big.p), int(big.q))


def refine(apply_exact: object, inverse: np.ndarray, k: int, rhs: flint.fmpq_mat,
           digits: int) -> flint.fmpq_mat:
    """Solve T(S) = rhs on Sym(k) to ~``digits`` digits: float64 corrections, exact residuals.

    ``apply_exact`` is T on flint matrices, ``inverse`` the float64 inverse of T in
    the coordinates S_ij, i ≤ j.  Stops when the last correction is below
    10^-digits of S (or stagnates).
    """
    s = flint.fmpq_mat(k, k)
    residual, previous = rhs, None
    tol = Fraction(1, 10 ** digits)
    for _ in range(MAX_REFINE_STEPS):
        big = _max_abs(residual)
        if big == 0:
            break
        e = big.numerator.bit_length() - big.denominator.bit_length()
        scaled = to_float(residual * flint.fmpq(1, 2) ** e if e >= 0 else residual * 2 ** (-e))
        x = inverse @ _to_upper((scaled + scaled.T) / 2)
        correction = from_float(_from_upper(x, k), e)
        s = s + correction
        residual = rhs - apply_exact(s)  # type: ignore[operator]
        size, whole = _max_abs(correction), _max_abs(s)
        if size <= tol * whole or (previous is not None and size > previous / 4):
            break
        previous = size
    return s


@dataclass(frozen=True, eq=False)
class VariantEquation:
    """Equation (V) of one variant on one data set, exact and float64."""

    model: ExactModel
    resolved: Resolved
    d: int
    p: flint.fmpq_mat
    g: flint.fmpq_mat
    h_f: np.ndarray
    p_f: np.ndarray
    features_f: np.ndarray | None
    hessians_f: np.ndarray | None
    _cache: dict[object, object] = field(default_factory=dict)

    @classmethod
    def of(cls, data: LeastSquaresData | QuadraticData, resolved: Resolved,
           model: ExactModel | None = None) -> VariantEquation:
        model = model or exact_model(data)
        p = resolved.preconditioner
        feats = None if model.features is None else to_float(model.features)
        hess = None if model.hessians is None else np.array([to_float(h) for h in model.hessians])
        return cls(model, resolved, model.d, p, p * model.hessian, to_float(model.hessian),
                   to_float(p), feats, hess)

    # ---- the pieces of (V), exactly --------------------------------------------------------
    @property
    def c_b(self) -> flint.fmpq:
        return q(self.resolved.batch_factor)

    @property
    def beta(self) -> flint.fmpq:
        return q(self.resolved.momentum)

    @property
    def c_beta(self) -> flint.fmpq:
        b = self.beta
        return b / (1 - b * b)

    @property
    def hessian(self) -> flint.fmpq_mat:
        return self.model.hessian

    @property
    def noise(self) -> flint.fmpq_mat:
        return self.model.noise

    def batch_sandwich(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """M_B(S) = (1 − c_B) H S H + c_B E_b[H_b S H_b]."""
        h, c = self.hessian, self.c_b
        out = self.model.sandwich(s) * c if c != 0 else flint.fmpq_mat(self.d, self.d)
        return out + h * s * h * (1 - c) if c != 1 else out

    def lyap(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """𝓛(S) = (1 − β)(G S + S Gᵀ)."""
        gs = self.g * s
        return (gs + gs.transpose()) * (1 - self.beta)

    def curvature(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """𝓝(S) = P M_B(S) P − c_β (G² S + S Gᵀ² − 2β G S Gᵀ)."""
        out = self.p * self.batch_sandwich(s) * self.p
        if self.beta != 0:
            g = self.g
            ggs = g * g * s
            out -= (ggs + ggs.transpose() - g * s * g.transpose() * (2 * self.beta)) * self.c_beta
        return out

    def rhs(self) -> flint.fmpq_mat:
        """Y = c_B P C P."""
        return self.p * self.noise * self.p * self.c_b

    def scaled_rhs(self, eta: Fraction) -> flint.fmpq_mat:
        """η Y."""
        return self.rhs() * q(eta)

    def operator(self, eta: Fraction, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """T_η(S) = 𝓛(S) − η 𝓝(S)."""
        return self.lyap(s) - self.curvature(s) * q(eta) if eta else self.lyap(s)

    # ---- float64 --------------------------------------------------------------------------
    def float_sandwich(self, s: np.ndarray) -> np.ndarray:
        if self.features_f is not None:
            x = self.features_f
            qb = np.einsum("bi,ij,bj->b", x, s, x)
            return x.T @ (qb[:, None] * x) / x.shape[0]
        assert self.hessians_f is not None
        return (self.hessians_f @ s @ self.hessians_f).mean(axis=0)

    def float_lyap(self, s: np.ndarray) -> np.ndarray:
        gs = self.p_f @ self.h_f @ s
        return (1 - float(self.resolved.momentum)) * (gs + gs.T)

    def float_curvature(self, s: np.ndarray) -> np.ndarray:
        c, h, p = float(self.resolved.batch_factor), self.h_f, self.p_f
        mb = c * self.float_sandwich(s) + (1 - c) * h @ s @ h
        out = p @ mb @ p
        beta = float(self.resolved.momentum)
        if beta:
            g = p @ h
            ggs = g @ g @ s
            out = out - beta / (1 - beta * beta) * (ggs + ggs.T - 2 * beta * g @ s @ g.T)
        return out

    def float_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(𝓛, 𝓝) as float64 m×m matrices in the coordinates S_ij, i ≤ j."""
        if "float" not in self._cache:
            self._cache["float"] = (sym_matrix(self.float_lyap, self.d, exact=False),
                                    sym_matrix(self.float_curvature, self.d, exact=False))
        return self._cache["float"]  # type: ignore[return-value]

    def float_inverse(self, eta: Fraction) -> np.ndarray:
        key = ("inverse", eta)
        if key not in self._cache:
            lf, nf = self.float_matrices()
            self._cache[key] = np.linalg.inv(lf - float(eta) * nf)
        return self._cache[key]  # type: ignore[return-value]

    def float_solve(self, eta: Fraction, rhs: np.ndarray) -> np.ndarray:
        """S with T_η(S) = rhs, in float64."""
        return _from_upper(self.float_inverse(eta) @ _to_upper(rhs), self.d)

    # ---- exact and refined solves ---------------------------------------------------------
    def exact_matrices(self) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
        if "exact" not in self._cache:
            self._cache["exact"] = (sym_matrix(self.lyap, self.d, exact=True),
                                    sym_matrix(self.curvature, self.d, exact=True))
        return self._cache["exact"]  # type: ignore[return-value]

    def solve(self, eta: Fraction, rhs: flint.fmpq_mat, digits: int | None = None) -> flint.fmpq_mat:
        """S with T_η(S) = rhs: exact if ``digits`` is None, else refined to ~digits digits."""
        if digits is not None:
            return refine(lambda s: self.operator(eta, s), self.float_inverse(eta), self.d, rhs,
                          digits)
        lq, nq = self.exact_matrices()
        upper = _upper(self.d)
        y = flint.fmpq_mat(len(upper), 1, [rhs[i, j] for i, j in upper])
        try:
            x = (lq - nq * q(eta)).solve(y)
        except ZeroDivisionError:
            raise NumericInputError(f"η = {eta} is at the critical learning rate of this variant; "
                                    "the stationary second moment is infinite") from None
        out = flint.fmpq_mat(self.d, self.d)
        for k, (i, j) in enumerate(upper):
            out[i, j] = out[j, i] = x[k, 0]
        return out

    def excess(self, s: flint.fmpq_mat) -> flint.fmpq:
        """L(η) − L* = ½ tr(H S)."""
        return trace(self.hessian * s) / 2
