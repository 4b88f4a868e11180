"""Closed forms: d = 1 and commuting (diagonal) H_b; all three arithmetics."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from verify.numeric import LeastSquaresData, QuadraticData, analyze
from verify.numeric.digits import agree_digits, as_fraction

XS = [Fraction(1), Fraction(2), Fraction(3), Fraction(-1, 2)]
YS = [Fraction(1), Fraction(2), Fraction(2), Fraction(1, 3)]


def one_dimensional_excess(eta: Fraction) -> Fraction:
    """½ H S with S = ηC/(2H − η E h_b²), everything by hand for Φ ∈ R."""
    n = len(XS)
    phi = sum(x * y for x, y in zip(XS, YS, strict=True)) / sum(x * x for x in XS)
    r = [x * phi - y for x, y in zip(XS, YS, strict=True)]
    h = sum(x * x for x in XS) / n
    c = sum((x * rb) ** 2 for x, rb in zip(XS, r, strict=True)) / n
    h2 = sum(x ** 4 for x in XS) / n
    return h * (eta * c / (2 * h - eta * h2)) / 2


@pytest.mark.parametrize("eta", [Fraction(1, 100), Fraction(1, 10), Fraction(2, 7)])
def test_d1_exact_equals_closed_form(eta: Fraction) -> None:
    data = LeastSquaresData.from_arrays([[x] for x in XS], YS)
    report = analyze(data, eta, mode="exact", dps=30, crossval=False)
    assert as_fraction(report.excess_loss) == one_dimensional_excess(eta)


@pytest.mark.parametrize(("mode", "digits"), [("mp", 40), ("float64", 12)])
def test_d1_approximate_modes_match_closed_form(mode: str, digits: int) -> None:
    data = LeastSquaresData.from_arrays([[x] for x in XS], YS)
    eta = Fraction(1, 10)
    report = analyze(data, eta, mode=mode, dps=40, crossval=False)
    assert agree_digits(report.excess_loss, one_dimensional_excess(eta), 60) >= digits


def diagonal_instance() -> tuple[QuadraticData, np.ndarray, np.ndarray]:
    """Diagonal H_b (they commute); gradients summing to zero."""
    h = np.array([[1, 3, Fraction(1, 2)], [2, 1, 1], [3, 2, Fraction(5, 2)]], dtype=object)
    g = np.array([[1, -1, 2], [Fraction(1, 3), 2, -1], [Fraction(-4, 3), -1, -1]], dtype=object)
    hessians = np.array([np.diag(row) for row in h], dtype=object)
    return QuadraticData.from_arrays(g, hessians), h, g


def diagonal_excess(eta: Fraction) -> Fraction:
    """S_ij = η C_ij / (h_i + h_j − η E_b h_bi h_bj); L − L* = ½ Σ_i h_i S_ii."""
    _, h, g = diagonal_instance()
    n, d = h.shape
    mean_h = [Fraction(sum(h[:, i])) / n for i in range(d)]
    total = Fraction(0)
    for i in range(d):
        c_ii = Fraction(sum(g[b, i] ** 2 for b in range(n))) / n
        e_hh = Fraction(sum(h[b, i] ** 2 for b in range(n))) / n
        total += mean_h[i] * eta * c_ii / (2 * mean_h[i] - eta * e_hh)
    return total / 2


def test_commuting_hessians_exact_and_mp() -> None:
    data, _, _ = diagonal_instance()
    eta = Fraction(1, 5)
    exact = analyze(data, eta, mode="exact", dps=30, crossval=False)
    assert as_fraction(exact.excess_loss) == diagonal_excess(eta)
    mp = analyze(data, eta, mode="mp", dps=30, crossval=False)
    assert agree_digits(mp.excess_loss, diagonal_excess(eta), 40) >= 30
    assert mp.certified_digits >= 28


def test_commuting_critical_rate() -> None:
    """For diagonal H_b, η_c = min over (i, j) of (h_i + h_j)/E_b[h_bi h_bj] (spectral radius)."""
    data, h, _ = diagonal_instance()
    n, d = h.shape
    mean = np.diag(h.astype(float).mean(axis=0))
    a = np.kron(np.eye(d), mean) + np.kron(mean, np.eye(d))
    b = sum(np.kron(np.diag(row), np.diag(row)) for row in h.astype(float)) / n
    rho = max(abs(np.linalg.eigvals(np.linalg.solve(a, b))))
    report = analyze(data, Fraction(1, 10), mode="mp", dps=20, crossval=False)
    assert agree_digits(report.eta_crit.eta_crit, 1 / rho, 20) >= 12
