"""Counting and printing decimal digits, exactly.

Every number (Fraction, flint ``fmpq``, mpmath ``mpf`` of any context, float)
is first turned into the exact Fraction it represents; comparisons and
decimal strings are then computed without further rounding.

>>> agree_digits(Fraction(1, 3), Fraction(333, 1000), cap=50)
3
>>> decimal_string(Fraction(2, 3), 5)
'0.66667'
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

import flint

__all__ = ["agree_digits", "as_fraction", "decimal_string", "floor_log10", "fraction_string"]


def as_fraction(x: object) -> Fraction:
    """The exact rational value of a Fraction, fmpq, mpf, int or float."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, flint.fmpq):
        return Fraction(int(x.p), int(x.q))
    if hasattr(x, "man_exp"):
        man, exp = x.man_exp  # type: ignore[attr-defined]
        return Fraction(int(man)) * Fraction(2) ** int(exp)
    return Fraction(x)  # type: ignore[arg-type]


def agree_digits(a: object, b: object, cap: int) -> int:
    """⌊−log10(|a − b| / max(|a|, |b|))⌋, clipped to [0, cap]; cap if a == b."""
    fa, fb = as_fraction(a), as_fraction(b)
    if fa == fb:
        return cap
    rel = abs(fa - fb) / max(abs(fa), abs(fb))
    if rel >= 1:
        return 0
    return min(cap, floor_log10(rel.denominator // rel.numerator))


def floor_log10(k: int) -> int:
    """⌊log10 k⌋ for an integer k ≥ 1, without converting k to a string."""
    guess = max(0, int((k.bit_length() - 1) * math.log10(2)))
    while 10 ** guess > k:
        guess -= 1
    while 10 ** (guess + 1) <= k:
        guess += 1
    return guess


def decimal_string(x: object, digits: int) -> str:
    """``x`` correctly rounded to ``digits`` significant digits."""
    f = as_fraction(x)
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        ctx.Emax, ctx.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        return str(decimal.Decimal(f.numerator) / decimal.Decimal(f.denominator))


def fraction_string(x: object) -> str:
    """``"p/q"`` (or ``"p"``) for an exact rational."""
    return str(as_fraction(x))
