r"""The nonlinear case: logistic regression, where the theorem holds only as η → 0.

Losses L_b(Φ) = log(1 + exp(−y_b x_bᵀΦ)), y_b = ±1, L = E_b L_b.  The
per-example gradient is ∇L_b(Φ) = −y_b σ(−y_b x_bᵀΦ) x_b with σ(t) = 1/(1 + e^{−t}),
and the Hessian at Φ is H(Φ) = E_b σ'(x_bᵀΦ) x_b x_bᵀ.  At the optimum Φ*
(Newton's method; the data must not be separable) g_b = ∇L_b(Φ*), and the
theorem says

    L(η) − L* = c₁ η + c₂ η² + O(η³),     c₁ = L'(0) = ¼ E_b ‖g_b‖²,

but L(η) is no longer given by a finite linear equation: the loss is not
quadratic and the noise depends on Φ.  The slope is estimated from Monte
Carlo values m_i ± s_i of L(η_i) − L* at several small η_i by weighted least
squares on the model m = a η + b η² (weights 1/s_i²):

    (â, b̂) = (XᵀWX)⁻¹ XᵀW m,   Cov(â, b̂) = (XᵀWX)⁻¹,   X_i = (η_i, η_i²),

(one η: â = m/η ± s/η, biased by O(η)); z = (â − ¼ E_b‖g_b‖²)/SE(â).

SGD from Φ*: Φ' = Φ + η y_b σ(−y_b x_bᵀΦ) x_b, vectorized over K chains; the
full-data loss L(Φ) − L* is evaluated every ``thin`` steps (cost K·n·d) with
``thin`` ≈ τ/10, τ = 1/(2 η λ_min(H(Φ*))).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from verify.numeric.data import FeatureShape
from verify.numeric.errors import NumericInputError

from .sgd import BURN_IN_TIMES, RUN_TIMES
from .stats import batch_means

__all__ = ["DEFAULT_CHAINS", "LogisticProblem", "SlopeEstimate", "SlopePoint", "builtin_logistic",
           "estimate_slope", "fit_slope", "simulate_logistic"]

DEFAULT_CHAINS = 400
NEWTON_STEPS = 100
BLOCK = 256


def _softplus(t: np.ndarray) -> np.ndarray:
    """log(1 + e^t), stably."""
    return np.logaddexp(0.0, t)


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * t))


@dataclass(frozen=True, eq=False)
class LogisticProblem(FeatureShape):
    """Features x_b (rows), labels y_b = ±1, the optimum Φ*, L*, H(Φ*) and the g_b at Φ*."""

    features: np.ndarray
    labels: np.ndarray
    optimum: np.ndarray
    loss_star: float
    hessian: np.ndarray
    gradients: np.ndarray

    @classmethod
    def of(cls, features: np.ndarray, labels: np.ndarray) -> LogisticProblem:
        """Fit Φ* by damped Newton's method; raise :class:`NumericInputError` if it has none."""
        x = np.asarray(features, dtype=float)
        y = np.asarray(labels, dtype=float)
        if x.ndim != 2 or y.shape != (x.shape[0],):
            raise NumericInputError(f"features {x.shape} and labels {y.shape} do not match")
        if not (np.all(np.isfinite(x)) and set(np.unique(y)) <= {-1.0, 1.0}):
            raise NumericInputError("logistic data need finite features and labels ±1 (or 0/1)")
        phi = _newton(x, y)
        margins = y * (x @ phi)
        weights = _sigmoid(margins) * _sigmoid(-margins)
        grads = -(y * _sigmoid(-margins))[:, None] * x
        hessian = x.T @ (weights[:, None] * x) / x.shape[0]
        if float(np.linalg.eigvalsh(hessian)[0]) <= 1e-9 * float(np.max(np.sum(x * x, axis=1))):
            raise NumericInputError("the logistic data are (nearly) separable or collinear: "
                                    "no finite optimum Φ* with a positive definite Hessian")
        return cls(x, y, phi, float(_softplus(-margins).mean()), hessian, grads)

    @classmethod
    def from_csv(cls, path: str | Path, *, intercept: bool = False) -> LogisticProblem:
        """Features then a label column (±1 or 0/1), as for ``read_csv``."""
        from verify.numeric.data import read_csv

        data = read_csv(path, intercept=intercept)
        y = data.targets.astype(float)
        if set(np.unique(y)) <= {0.0, 1.0}:
            y = 2 * y - 1
        return cls.of(data.features.astype(float), y)


    @property
    def heat_capacity(self) -> float:
        """¼ E_b ‖g_b‖² at Φ*: the theorem's L'(0)."""
        return 0.25 * float(np.mean(np.sum(self.gradients**2, axis=1)))

    def excess(self, phis: np.ndarray) -> np.ndarray:
        """L(Φ) − L* for each row Φ of ``phis`` (shape (K, d))."""
        margins = (phis @ self.features.T) * self.labels
        return _softplus(-margins).mean(axis=1) - self.loss_star

    def relaxation_time(self, eta: float) -> float:
        """τ = 1/(2 η λ_min(H(Φ*))) steps."""
        return max(1.0, 1 / (2 * eta * float(np.linalg.eigvalsh(self.hessian)[0])))


def _newton(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    phi = np.zeros(x.shape[1])
    n = x.shape[0]

    def loss(p: np.ndarray) -> float:
        return float(_softplus(-y * (x @ p)).mean())

    for _ in range(NEWTON_STEPS):
        m = y * (x @ phi)
        grad = -x.T @ (y * _sigmoid(-m)) / n
        hess = x.T @ ((_sigmoid(m) * _sigmoid(-m))[:, None] * x) / n
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            raise NumericInputError("the logistic Hessian is singular (collinear features)") from None
        t, current = 1.0, loss(phi)
        while loss(phi - t * step) > current - 0.25 * t * float(grad @ step) and t > 1e-10:
            t /= 2
        phi = phi - t * step
        if np.linalg.norm(phi) > 1e6:
            break
        if float(np.linalg.norm(grad)) < 1e-14 * max(1.0, float(np.abs(x).max())):
            return phi
    if np.linalg.norm(phi) > 1e3 or not np.all(np.isfinite(phi)):
        raise NumericInputError("the logistic data are (nearly) separable: no finite optimum Φ*")
    return phi


def builtin_logistic(n: int = 200, d: int = 3, seed: int = 0) -> LogisticProblem:
    """A small built-in problem: x_b ~ N(0, I_d), y_b = ±1 with P(y_b = 1) = σ(x_bᵀΦ_true)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    truth = np.linspace(1.0, -0.5, d)
    y = np.where(rng.random(n) < _sigmoid(x @ truth), 1.0, -1.0)
    return LogisticProblem.of(x, y)


@dataclass(frozen=True)
class SlopePoint:
    """Monte Carlo L(η) − L* ± SE at one η (``steps`` per chain, ``thin`` between loss evaluations)."""

    eta: float
    excess_loss: float
    standard_error: float
    chains: int
    steps: int
    burn_in: int
    thin: int


@dataclass(frozen=True)
class SlopeEstimate:
    """The fitted slope â ± SE of L(η) − L* at η → 0 and the theorem's ¼ E_b‖g_b‖²."""

    points: tuple[SlopePoint, ...]
    slope: float
    slope_standard_error: float
    curvature: float | None
    heat_capacity: float
    z: float
    loss_star: float
    optimum: tuple[float, ...]

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["points"] = [asdict(p) for p in self.points]
        out["optimum"] = list(self.optimum)
        return out


def simulate_logistic(problem: LogisticProblem, eta: float, *, chains: int = DEFAULT_CHAINS,
                      steps: int | None = None, burn_in: int | None = None, seed: int | None = 0,
                      progress: Callable[[float], None] | None = None) -> SlopePoint:
    """MC L(η) − L* of SGD from Φ* (burn-in 8τ, then 40τ steps by default)."""
    tau = problem.relaxation_time(eta)
    burn = math.ceil(BURN_IN_TIMES * tau) if burn_in is None else burn_in
    total = burn + math.ceil(RUN_TIMES * tau) if steps is None else steps
    if chains < 1 or total <= burn or burn < 0:
        raise NumericInputError(f"need chains ≥ 1 and steps > burn-in ≥ 0; got {chains}, "
                                f"{total}, {burn}")
    from .montecarlo import check_seed

    check_seed(seed)
    thin = max(1, round(tau / 10))
    rng = np.random.default_rng(seed)
    x, y = problem.features, problem.labels
    phi = np.repeat(problem.optimum[None, :], chains, axis=0)
    records: list[np.ndarray] = []
    step = 0
    while step < total:
        block = min(BLOCK, total - step)
        picks = rng.integers(problem.n, size=(block, chains))
        for i in range(block):
            xb, yb = x[picks[i]], y[picks[i]]
            margin = yb * np.einsum("kd,kd->k", xb, phi)
            phi = phi + (eta * yb * _sigmoid(-margin))[:, None] * xb
            t = step + i + 1
            if t > burn and (t - burn) % thin == 0:
                records.append(problem.excess(phi))
        step += block
        if progress is not None:
            progress(step / total)
    if len(records) < 2 or not np.all(np.isfinite(phi)):
        raise NumericInputError(f"η = {eta}: too few kept steps or the chains diverged")
    stats = batch_means(np.stack(records, axis=1))
    return SlopePoint(eta, stats.mean, stats.standard_error, chains, total, burn, thin)


def fit_slope(etas: Sequence[float], means: Sequence[float],
              errors: Sequence[float]) -> tuple[float, float, float | None]:
    """(â, SE(â), b̂) of m = a η + b η² by weighted least squares (b̂ None for one η)."""
    eta, m, s = (np.asarray(v, dtype=float) for v in (etas, means, errors))
    if eta.size == 1:
        return float(m[0] / eta[0]), float(s[0] / eta[0]), None
    design = np.column_stack([eta, eta**2])
    w = 1 / s**2
    normal = design.T @ (w[:, None] * design)
    cov = np.linalg.inv(normal)
    coef = cov @ (design.T @ (w * m))
    return float(coef[0]), float(math.sqrt(cov[0, 0])), float(coef[1])


def estimate_slope(problem: LogisticProblem, etas: Sequence[float], *,
                   chains: int = DEFAULT_CHAINS, steps: int | None = None,
                   burn_in: int | None = None, seed: int | None = 0,
                   progress: Callable[[float], None] | None = None) -> SlopeEstimate:
    """MC at every η_i (seeds seed, seed+1, …), the weighted fit, and z against ¼ E_b‖g_b‖²."""
    if not etas:
        raise NumericInputError("give at least one learning rate")
    if len(set(etas)) != len(etas):
        raise NumericInputError("the learning rates must be distinct")
    points = []
    for i, eta in enumerate(sorted(etas)):
        def part(fraction: float, i: int = i) -> None:
            if progress is not None:
                progress((i + fraction) / len(etas))

        points.append(simulate_logistic(problem, eta, chains=chains, steps=steps, burn_in=burn_in,
                                        seed=None if seed is None else seed + i, progress=part))
    slope, se, curvature = fit_slope([p.eta for p in points], [p.excess_loss for p in points],
                                     [p.standard_error for p in points])
    hc = problem.heat_capacity
    return SlopeEstimate(tuple(points), slope, se, curvature, hc, (slope - hc) / se,
                         problem.loss_star, tuple(float(v) for v in problem.optimum))
