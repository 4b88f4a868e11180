r"""The exact L(η) − L* that a Monte Carlo run is compared with.

* plain single-example SGD: :func:`verify.numeric.analyze` (``mode`` "mp",
  "exact" or "float64"; the default "auto" is float64 with its certified digits, about
  ten times faster than mp at d = 20, and mp when fewer than
  :data:`AUTO_MIN_DIGITS` digits are certified: a Monte Carlo error bar needs a few digits,
  so that a run is spent on SGD, not on its reference);
* minibatches and momentum: the variants API ``verify.numeric.variants``
  (``excess_loss(data, eta, Variant(...))``, ``critical_rate``) when it is
  installed; otherwise, for minibatches without momentum, the closed-form
  minibatch equation solved here in float64:

      H S + S H − η (H S H + c_B (E_b[H_b S H_b] − H S H)) = η c_B C,

  c_B = 1/B with replacement and (n − B)/(B(n − 1)) without, and
  L(η) − L* = ½ tr(H S).  Vectorized (column-major vec, vec(ASB) = (Bᵀ⊗A) vec S):

      (I⊗H + H⊗I − η((1 − c_B) H⊗H + c_B E_b H_b⊗H_b)) vec S = η c_B vec C,

  and η_c = 1/ρ(A⁻¹B_B) with A = I⊗H + H⊗I, B_B = (1 − c_B) H⊗H + c_B E_b H_b⊗H_b.
  With momentum and no variants API there is no exact value (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from verify.numeric.data import LeastSquaresData
from verify.numeric.errors import NumericInputError

__all__ = ["AUTO_MIN_DIGITS", "ExactValue", "batch_factor", "exact_excess", "minibatch_critical_rate",
           "minibatch_excess_loss", "variants_api"]

MAX_KRON_D = 45
AUTO_MIN_DIGITS = 8


@dataclass(frozen=True)
class ExactValue:
    """L(η) − L* and η_c of one SGD variant; ``source`` names the solver used."""

    excess_loss: float | None
    eta_crit: float | None
    slope_at_zero: float | None
    source: str
    certified_digits: int | None = None


def batch_factor(n: int, batch_size: int, sampling: str) -> float:
    """c_B: 1/B with replacement, (n − B)/(B(n − 1)) without."""
    if sampling == "with-replacement":
        return 1 / batch_size
    return 0.0 if n == 1 else (n - batch_size) / (batch_size * (n - 1))


def variants_api() -> object | None:
    """The module ``verify.numeric.variants`` if it is installed and complete, else None."""
    try:
        from verify.numeric import variants
    except ImportError:
        return None
    needed = ("Variant", "excess_loss", "critical_rate")
    return variants if all(hasattr(variants, name) for name in needed) else None


def _pieces(data: LeastSquaresData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, H, C) in float64 at the least squares optimum."""
    x, y = data.features.astype(float), data.targets.astype(float)
    r = x @ np.linalg.lstsq(x, y, rcond=None)[0] - y
    return x, x.T @ x / data.n, x.T @ (r[:, None] ** 2 * x) / data.n


def _operators(data: LeastSquaresData, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, B_B, vec C) of the vectorized minibatch equation."""
    if data.d > MAX_KRON_D:
        raise NumericInputError(f"the minibatch closed form is dense in d²; d = {data.d} is too large")
    x, h, noise = _pieces(data)
    d = data.d
    eye = np.eye(d)
    outer = np.einsum("bi,bj->bij", x, x).reshape(data.n, d * d)
    mean_kron = outer.T @ outer / data.n      # E_b vec(H_b) vec(H_b)ᵀ = E_b H_b⊗H_b (H_b = x_b x_bᵀ)
    return np.kron(eye, h) + np.kron(h, eye), (1 - c) * np.kron(h, h) + c * mean_kron, noise


def minibatch_critical_rate(data: LeastSquaresData, batch_size: int,
                            sampling: str = "with-replacement") -> float:
    """η_c = 1/ρ(A⁻¹ B_B) of minibatch SGD (float64)."""
    a, b, _ = _operators(data, batch_factor(data.n, batch_size, sampling))
    return 1 / float(np.max(np.linalg.eigvals(np.linalg.solve(a, b)).real))


def minibatch_excess_loss(data: LeastSquaresData, eta: float, batch_size: int,
                          sampling: str = "with-replacement") -> float:
    """½ tr(H S) with S from the vectorized minibatch equation (float64)."""
    c = batch_factor(data.n, batch_size, sampling)
    a, b, noise = _operators(data, c)
    s = np.linalg.solve(a - eta * b, eta * c * noise.reshape(-1)).reshape(data.d, data.d)
    return 0.5 * float(np.trace(_pieces(data)[1] @ s))


def _plain_sgd(data: LeastSquaresData, eta: Fraction, mode: str, dps: int) -> ExactValue:
    from verify.numeric.analysis import analyze

    report = analyze(data, eta, mode=mode, dps=dps, order=2, crossval=False)
    return ExactValue(float(report.excess_loss), float(report.eta_crit.eta_crit),  # type: ignore[arg-type]
                      float(report.slope_at_zero), f"numeric ({mode})",  # type: ignore[arg-type]
                      report.certified_digits)


def exact_excess(data: LeastSquaresData, eta: Fraction, *, batch_size: int = 1,
                 sampling: str = "with-replacement", momentum: Fraction = Fraction(0),
                 mode: str = "auto", dps: int = 20) -> ExactValue:
    """The exact L(η) − L*, η_c and L'(0) of the variant, as floats (see the module docstring).

    Raises :class:`NumericInputError` when η ≥ η_c.
    """
    if batch_size == 1 and momentum == 0:
        if mode == "auto":
            value = _plain_sgd(data, eta, "float64", dps)
            enough = value.certified_digits is not None and value.certified_digits >= AUTO_MIN_DIGITS
            return value if enough else _plain_sgd(data, eta, "mp", dps)
        return _plain_sgd(data, eta, mode, dps)
    api = variants_api()
    if api is not None:
        variant = api.Variant(batch_size=batch_size, sampling=sampling,  # type: ignore[attr-defined]
                              momentum=Fraction(momentum))
        rate = float(api.critical_rate(data, variant))  # type: ignore[attr-defined]
        if float(eta) >= rate:
            raise NumericInputError(f"η = {eta} is at or beyond the critical learning rate "
                                    f"η_c = {rate:.10g} of this variant")
        value = float(api.excess_loss(data, eta, variant, dps=dps))  # type: ignore[attr-defined]
        slope = batch_factor(data.n, batch_size, sampling) * float(np.trace(_pieces(data)[2])) / (
            4 * (1 - float(momentum)))
        return ExactValue(value, rate, slope, "verify.numeric.variants")
    if momentum != 0:
        return ExactValue(None, None, None, "none (momentum needs verify.numeric.variants)")
    rate = minibatch_critical_rate(data, batch_size, sampling)
    if float(eta) >= rate:
        raise NumericInputError(f"η = {eta} is at or beyond the critical learning rate "
                                f"η_c = {rate:.10g} of minibatch SGD (B = {batch_size})")
    c = batch_factor(data.n, batch_size, sampling)
    return ExactValue(minibatch_excess_loss(data, float(eta), batch_size, sampling), rate,
                      c * float(np.trace(_pieces(data)[2])) / 4, "minibatch closed form (float64)")
