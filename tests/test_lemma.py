"""The lemma small-eta-limit on exact stationary laws: m = 0 and tr(HS) <= η tr C/(2 − ηΛ)."""

from __future__ import annotations

import numpy as np
import pytest
from sympy import Matrix, Rational

from verify.instances import random_data
from verify.stationary import stationary_moments


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("eta", [Rational(1, 50), Rational(1, 20), Rational(1, 10)])
def test_bound_of_the_lemma(seed: int, eta: Rational) -> None:
    data = random_data(seed)
    m, S = stationary_moments(data, eta)
    assert m == Matrix.zeros(3, 1)
    H = data.mean(data.H)
    C = data.mean(tuple(g * g.T for g in data.g))
    lam = max(float(np.linalg.eigvalsh(np.array(h, dtype=float)).max()) for h in data.H)
    assert eta * lam < 2
    trace_hs = float((H * S).trace())
    assert 0 < trace_hs <= float(eta * C.trace()) / (2 - float(eta) * lam) * (1 + 1e-12)
    # and the identity of Step 3 at the exact stationary law
    quarter = eta / 4 * (C.trace() + sum((h * h * S).trace() for h in data.H) / data.n)
    assert (H * S).trace() / 2 == quarter


def test_stationary_moments_d1_closed_form() -> None:
    from verify.instances import Data

    g, h = (Rational(3), Rational(-3)), (Rational(2), Rational(5))
    data = Data(tuple(Matrix([x]) for x in g), tuple(Matrix([x]) for x in h), (0, 0), (0, 0))
    eta = Rational(1, 7)
    _, S = stationary_moments(data, eta)
    C, H, Eh2 = Rational(9), Rational(7, 2), Rational(29, 2)
    assert S[0, 0] == eta * C / (2 * H - eta * Eh2)
