"""Cross-validation of the proof's numbered lines by numbers alone.

A row is a dict ``{"step": "step-3" | "step-4", "line": str, "lhs": str,
"rhs": str, "agree_digits": int}``: the two sides of one line of the proof,
evaluated on a concrete instance at its exact stationary law, as decimal
strings, and the number of significant decimal digits on which they agree
(capped at the digits asked for).

Rows produced here (see :func:`crossval_rows`):

* step-3, "identity": ½ tr(H S)  =  (η/4)[tr C + E_b tr(H_b² S)]  at the given η;
* step-4, "taylor": the Taylor coefficient c₁ = ½ tr(H S₁)  =  ¼ tr C;
* step-4, "richardson": the Richardson limit of (L(η) − L*)/η as η → 0  =  ¼ tr C;
* step-4, "second-derivative": c₂ = ½ tr(H S₂)  =  ¼ E_b tr(H_b² S₁)
  (so L''(0) = ½ E_b tr(H_b² S₁)).

Every numbered line of the proof is evaluated by :mod:`verify.numeric.lines`.

Richardson extrapolation: with f(h) = (L(h) − L*)/h = c₁ + c₂h + c₃h² + …,
the table R[k][0] = f(h₀/2^k), R[k][j] = R[k][j−1] + (R[k][j−1] − R[k−1][j−1])/(2^j − 1)
removes one power of h per column; R[K][K] → c₁ with error O(h₀^{K+1} 2^{−K(K+1)/2}).
Since c_k grows like η_c^{−k}, the relative error is about (h₀/η_c)^{K+1} 2^{−K(K+1)/2}:
with h₀ = η_c/2¹² (:data:`RICHARDSON_START`), :func:`richardson_levels` picks the smallest K
for the digits wanted (K = 4 for 20 digits), so the check costs K + 1 solves.  It is an
independent check of the Taylor coefficient (which is exact), so it is run to
:data:`RICHARDSON_DIGITS` digits at most.

>>> from fractions import Fraction
>>> richardson_limit(lambda h: Fraction(1, 4) + 3 * h + h ** 2, Fraction(1, 2), 2)
Fraction(1, 4)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from .backends import Backend
from .digits import agree_digits, as_fraction, decimal_string
from .series import StationaryLaw, stationary_law

__all__ = ["RICHARDSON_DIGITS", "RICHARDSON_START", "crossval_rows", "richardson_levels",
           "richardson_limit", "row"]

RICHARDSON_DIGITS = 20
RICHARDSON_START = Fraction(1, 2 ** 12)  # h₀ / η_c


def row(step: str, line: int | str, lhs: object, rhs: object, digits: int) -> dict[str, object]:
    """One cross-validation row comparing ``lhs`` and ``rhs`` to ``digits`` digits."""
    return {"step": step, "line": line, "lhs": decimal_string(lhs, digits),
            "rhs": decimal_string(rhs, digits), "agree_digits": agree_digits(lhs, rhs, digits)}


def richardson_limit(f: Callable[[Fraction], object], h0: Fraction, levels: int) -> object:
    """lim_{h→0} f(h) by Richardson extrapolation over h₀, h₀/2, …, h₀/2^levels."""
    previous: list[object] = []
    for k in range(levels + 1):
        h = h0 / 2 ** k
        current = [f(h)]
        for j in range(1, k + 1):
            current.append(current[j - 1] + (current[j - 1] - previous[j - 1]) / (2 ** j - 1))
        previous = current
    return previous[-1]


def richardson_levels(digits: int) -> int:
    """The smallest K with (h₀/η_c)^{K+1} 2^{−K(K+1)/2} ≤ 10^{−digits−1} (h₀ = η_c/2¹²)."""
    bits = -math.log2(RICHARDSON_START)
    k = 1
    while bits * (k + 1) + k * (k + 1) / 2 < (digits + 1) * math.log2(10):
        k += 1
    return k


def crossval_rows(backend: Backend, law: StationaryLaw, taylor: list[object],
                  first_terms: list[object], eta_crit: object, digits: int, *,
                  richardson: Backend | None = None,
                  richardson_digits: int = RICHARDSON_DIGITS) -> list[dict[str, object]]:
    """The rows listed in the module docstring, compared to ``digits`` digits.

    ``taylor`` holds c₁, c₂, … and ``first_terms`` S₁ (and more) from
    :func:`verify.numeric.series.taylor_coefficients`; ``eta_crit`` sets the
    Richardson start h₀ = η_c/2¹²; the Richardson solves use ``richardson``
    (default ``backend``) and aim at ``min(digits, richardson_digits)`` digits.
    """
    b = backend
    r = richardson or b
    quarter_trace = b.trace(b.noise) / 4
    h0 = (as_fraction(eta_crit) * RICHARDSON_START).limit_denominator(10 ** 12)
    levels = richardson_levels(min(digits, richardson_digits))
    limit = richardson_limit(lambda h: stationary_law(r, h).excess_loss / r.number(h), h0, levels)
    return [
        row("step-3", "identity", law.excess_loss, law.identity_rhs, digits),
        row("step-4", "taylor", taylor[0], quarter_trace, digits),
        row("step-4", "richardson", limit, quarter_trace, digits),
        row("step-4", "second-derivative", taylor[1], b.weighted_trace(first_terms[0]) / 4, digits),
    ]
