"""Epoch-wise random reshuffling: the exact periodic stationary law, by enumeration.

Each epoch draws a uniformly random order π of the n examples and takes the n
single-example steps D_k = (I − ηH_{π_k}) D_{k−1} − η g_{π_k}.  Over one epoch
D_n = A_π D_0 + a_π, so the law at epoch boundaries is stationary when

    m = E[D_0] = (I − E A_π)⁻¹ E a_π,
    S = E[D_0 D_0ᵀ] = E[A_π S A_πᵀ] + E[A_π m a_πᵀ + a_π mᵀ A_πᵀ + a_π a_πᵀ]

(D_0 is independent of the next epoch's order).  Note m ≠ 0: within an epoch
the examples are *not* independent of the past.  The loss is averaged over the
n positions of the epoch:  L(η) − L* = (1/n) Σ_{k<n} ½ E[D_kᵀ H D_k].  All n!
orders are enumerated exactly (prefixes shared), so n ≤ 8.

The Heat Capacity Theorem does *not* hold here.  Within an epoch the gradients
sum to zero, so the epoch map's noise is O(η²) instead of O(η), and

    L(η) − L* = ½ η² [¼ uᵀ H⁻¹ u + (n + 1)/6 · tr(H C)] + O(η³),   u = E_b H_b g_b,

i.e. L'(0) = 0 (not ¼ tr C) and L''(0) = ¼ uᵀ H⁻¹ u + (n + 1)/6 · tr(H C).
(D_0 ≈ m ≈ −(η/2) H⁻¹ u, and D_k ≈ m − η Σ_{j≤k} g_{π_j}, whose second moment
is k(n − k)/(n − 1) · C.)  The exact identity that replaces the lecture's
Step 3 is the epoch average of one step's stationarity of ‖D‖²:

    (1/n) Σ_k E[D_{k−1}ᵀ w_k] = (η/2) (1/n) Σ_k E‖w_k‖²,   w_k = g_{π_k} + H_{π_k} D_{k−1},

where E[D_{k−1}ᵀ g_{π_k}] ≠ 0 (with i.i.d. sampling it vanishes and this is Step 3).

>>> from fractions import Fraction
>>> from verify.numeric import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> law = stationary(data, Fraction(1, 50))
>>> law.identity_lhs == Fraction(1, 50) / 2 * law.identity_rhs
True
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import flint
import numpy as np

from ..crossval import richardson_limit, row
from ..data import LeastSquaresData, QuadraticData
from ..digits import agree_digits
from ..errors import NumericInputError
from ..model import fraction, qmat
from .equation import q, to_float, trace

__all__ = ["ReshuffleLaw", "ReshuffleResult", "analyze", "critical_rate", "examples", "stationary"]

Data = LeastSquaresData | QuadraticData


def examples(data: Data) -> tuple[list[flint.fmpq_mat], list[flint.fmpq_mat], flint.fmpq]:
    """Exact per-example (g_b as d×1, H_b) at the optimum, and L*."""
    if isinstance(data, QuadraticData):
        g = [qmat(data.gradients[b][:, None]) for b in range(data.n)]
        h = [qmat(data.hessians[b]) for b in range(data.n)]
        loss = sum((q(v) for v in data.losses), flint.fmpq(0)) / data.n
        return g, h, loss
    x, y = qmat(data.features), qmat(data.targets[:, None])
    if x.rank() < data.d:
        raise NumericInputError(f"E_b H_b is singular (rank {x.rank()} < d = {data.d})")
    phi = (x.transpose() * x).solve(x.transpose() * y)
    r = x * phi - y
    rows = [flint.fmpq_mat(data.d, 1, [x[b, j] for j in range(data.d)]) for b in range(data.n)]
    loss = sum((r[b, 0] ** 2 for b in range(data.n)), flint.fmpq(0)) / (2 * data.n)
    return [v * r[b, 0] for b, v in enumerate(rows)], [v * v.transpose() for v in rows], loss


@dataclass(frozen=True)
class ReshuffleLaw:
    """The periodic stationary law at one η (exact rationals).

    ``excess_loss`` = (1/n) Σ_k ½ E[D_kᵀ H D_k]; ``identity_lhs`` =
    (1/n) Σ_k E[D_{k−1}ᵀ w_k]; ``identity_rhs`` = (1/n) Σ_k E‖w_k‖²
    (so identity_lhs = (η/2)·identity_rhs); ``mean`` = E[D_0] (d entries).
    """

    eta: Fraction
    excess_loss: Fraction
    identity_lhs: Fraction
    identity_rhs: Fraction
    mean: tuple[Fraction, ...]


def _walk(n: int, step: object, visit: object) -> None:
    """Depth-first over all prefixes of all orders; ``visit(depth, state, used)``."""
    def go(state: object, used: tuple[int, ...]) -> None:
        visit(len(used), state, used)  # type: ignore[operator]
        if len(used) == n:
            return
        for b in range(n):
            if b not in used:
                go(step(state, b), (*used, b))  # type: ignore[operator]
    go(None, ())


def stationary(data: Data, eta: Fraction) -> ReshuffleLaw:
    """The exact periodic stationary law at learning rate η (η < η_c is the caller's duty)."""
    g, h, _ = examples(data)
    n, d, e = data.n, data.d, q(eta)
    eye = flint.fmpq_mat(d, d, [int(i == j) for i in range(d) for j in range(d)])
    steps = [eye - hb * e for hb in h]
    hess = sum(h, flint.fmpq_mat(d, d)) / n

    def step(state: object, b: int) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
        a_mat, a_vec = state if state is not None else (eye, flint.fmpq_mat(d, 1))  # type: ignore[misc]
        return steps[b] * a_mat, steps[b] * a_vec - g[b] * e

    leaves_a: list[flint.fmpq] = []
    leaves_v: list[flint.fmpq] = []

    def leaf(depth: int, state: object, used: tuple[int, ...]) -> None:
        if depth == n:
            a_mat, a_vec = state  # type: ignore[misc]
            leaves_a.extend(a_mat.entries())
            leaves_v.extend(a_vec.entries())

    _walk(n, step, leaf)
    count = math.factorial(n)
    w = flint.fmpq_mat(count, d * d, leaves_a)
    wv = flint.fmpq_mat(count, d, leaves_v)
    a_bar = flint.fmpq_mat(d, d, [sum((w[p, k] for p in range(count)), flint.fmpq(0)) / count
                                  for k in range(d * d)])
    v_bar = flint.fmpq_mat(d, 1, [sum((wv[p, k] for p in range(count)), flint.fmpq(0)) / count
                                  for k in range(d)])
    try:
        mean = (eye - a_bar).solve(v_bar)
    except ZeroDivisionError:
        raise NumericInputError(f"η = {eta} is at the critical learning rate of reshuffling") from None
    gram = w.transpose() * w / count        # E[A_ij A_kl] at ((i,j),(k,l))
    cross = w.transpose() * wv / count      # E[A_ij a_k]
    aa = wv.transpose() * wv / count        # E[a aᵀ]
    # (I − E[A ⊗ A]) vec S = vec(E[A m aᵀ + a mᵀ Aᵀ + a aᵀ]), row-major vec.
    dd = d * d
    system = flint.fmpq_mat(dd, dd)
    for i in range(d):
        for k in range(d):
            for j in range(d):
                for m in range(d):
                    system[i * d + k, j * d + m] = int(i == j and k == m) - gram[i * d + j, k * d + m]
    amat = flint.fmpq_mat(d, d)   # E[(A m) aᵀ]
    for i in range(d):
        for k in range(d):
            amat[i, k] = sum((cross[i * d + j, k] * mean[j, 0] for j in range(d)), flint.fmpq(0))
    rhs_m = amat + amat.transpose() + aa
    try:
        sv = system.solve(flint.fmpq_mat(dd, 1, rhs_m.entries()))
    except ZeroDivisionError:
        raise NumericInputError(f"η = {eta} is at the critical learning rate of reshuffling") from None
    s = flint.fmpq_mat(d, d, sv.entries())
    totals = [flint.fmpq(0)] * 3

    def accumulate(depth: int, state: object, used: tuple[int, ...]) -> None:
        if depth == n:
            return
        a_mat, a_vec = state if state is not None else (eye, flint.fmpq_mat(d, 1))  # type: ignore[misc]
        mu = a_mat * mean + a_vec
        am = a_mat * mean
        second = a_mat * s * a_mat.transpose() + am * a_vec.transpose() + a_vec * am.transpose() \
            + a_vec * a_vec.transpose()
        totals[0] += trace(hess * second) * math.factorial(n - depth) / 2
        weight = math.factorial(n - depth - 1)
        for b in range(n):
            if b in used:
                continue
            gb, hb = g[b], h[b]
            lhs = (mu.transpose() * gb)[0, 0] + trace(hb * second)
            rhs = (gb.transpose() * gb)[0, 0] + 2 * (gb.transpose() * hb * mu)[0, 0] \
                + trace(hb * hb * second)
            totals[1] += lhs * weight
            totals[2] += rhs * weight

    _walk(n, step, accumulate)
    scale = n * count
    return ReshuffleLaw(eta, fraction(totals[0] / scale), fraction(totals[1] / scale),
                        fraction(totals[2] / scale), tuple(fraction(v) for v in mean.entries()))


def _spectral_radius(hs: np.ndarray, eta: float) -> float:
    n, d = hs.shape[0], hs.shape[1]
    steps = np.eye(d)[None] - eta * hs
    prods = []
    for order in itertools.permutations(range(n)):
        a = np.eye(d)
        for b in order:
            a = steps[b] @ a
        prods.append(a)
    arr = np.array(prods)
    second = np.einsum("pij,pkl->ikjl", arr, arr).reshape(d * d, d * d) / len(prods)
    return float(max(abs(np.linalg.eigvals(second))))


def _lower(hs: np.ndarray) -> float:
    return 2 / float(max(np.linalg.eigvalsh(hb)[-1] for hb in hs))


def critical_bracket(data: Data) -> tuple[float, float]:
    """[lo, hi] with ρ(E[A_π ⊗ A_π]) < 1 at lo and ≥ 1 at hi, |hi − lo| ~ 1e-14 hi (bisection)."""
    _, h, _ = examples(data)
    hs = np.array([to_float(hb) for hb in h])
    lo = _lower(hs) * (1 - 1e-9)
    hi = 2 * lo
    while _spectral_radius(hs, hi) < 1:
        lo, hi = hi, 2 * hi
        if hi > 1e12:
            return lo, float("inf")
    for _ in range(100):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if _spectral_radius(hs, mid) < 1:
            lo = mid
        else:
            hi = mid
    return lo, hi


def critical_rate(data: Data) -> float:
    """η_c of reshuffled SGD (float64 bisection on the epoch's second-moment map)."""
    return critical_bracket(data)[1]


@dataclass(frozen=True)
class ReshuffleResult:
    """What :func:`verify.numeric.variants.analyze_variant` reports for reshuffling."""

    loss_star: Fraction
    excess_loss: Fraction
    slope: Fraction
    second_derivative: Fraction
    theorem_slope: Fraction
    eta_crit: float
    lower: float
    upper: float
    digits: int
    eta_digits: int
    rows: list[dict[str, object]] = field(default_factory=list)
    slope_error: Fraction | None = None


def closed_second_derivative(data: Data) -> Fraction:
    """L''(0) = ¼ uᵀ H⁻¹ u + (n + 1)/6 · tr(H C),  u = E_b H_b g_b."""
    g, h, _ = examples(data)
    n = data.n
    hess = sum(h, flint.fmpq_mat(data.d, data.d)) / n
    u = sum((hb * gb for hb, gb in zip(h, g, strict=True)), flint.fmpq_mat(data.d, 1)) / n
    c = sum((gb * gb.transpose() for gb in g), flint.fmpq_mat(data.d, data.d)) / n
    return fraction((u.transpose() * hess.solve(u))[0, 0] / 4 + trace(hess * c) * (n + 1) / 6)


def analyze(data: Data, eta: Fraction, dps: int, levels: int = 8) -> ReshuffleResult:
    """Exact L(η) − L*; L'(0), L''(0) by Richardson extrapolation of exact values."""
    lo, hi = critical_bracket(data)
    if float(eta) >= lo:
        raise NumericInputError(
            f"η = {eta} is at or beyond the critical learning rate η_c ≈ {hi:.15g} of reshuffled SGD; "
            "the stationary second moment is infinite")
    law = stationary(data, eta)
    g, _, loss_star = examples(data)
    theorem = fraction(sum(((gb.transpose() * gb)[0, 0] for gb in g), flint.fmpq(0)) / (4 * data.n))
    h0 = Fraction(lo / 16).limit_denominator(10 ** 4)
    values: dict[Fraction, Fraction] = {}

    def excess(x: Fraction) -> Fraction:
        if x not in values:
            values[x] = stationary(data, x).excess_loss
        return values[x]

    slope = richardson_limit(lambda x: excess(x) / x, h0, levels)
    slope_error = abs(slope - richardson_limit(lambda x: excess(x) / x, h0, levels - 1))
    second = 2 * richardson_limit(lambda x: excess(x) / (x * x), h0, levels)
    coarse = 2 * richardson_limit(lambda x: excess(x) / (x * x), h0, levels - 1)
    closed = closed_second_derivative(data)
    rows = [row("variant", "periodic-identity", law.identity_lhs, eta * law.identity_rhs / 2, dps),
            row("variant", "second-derivative", second, closed, dps)]
    digits = min(dps, agree_digits(second, coarse, dps))
    return ReshuffleResult(fraction(loss_star), law.excess_loss, slope, second,  # type: ignore[arg-type]
                           theorem, hi, lo, hi, digits, 14, rows, slope_error)
