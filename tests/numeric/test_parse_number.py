"""Cells parsed exactly: the fast decimal path agrees with ``fractions.Fraction`` on every
decimal it takes, and anything else still goes through ``Fraction`` or is refused in one line."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.numeric.data import parse_number
from verify.numeric.errors import NumericInputError

digits = st.text(alphabet="0123456789", max_size=12)
decimals = st.builds(
    lambda sign, whole, point, frac, exp: f"{sign}{whole}{point}{frac}{exp}",
    st.sampled_from(["", "+", "-"]), digits, st.sampled_from(["", "."]), digits,
    st.one_of(st.just(""), st.builds(lambda e, k: f"{e}{k}", st.sampled_from(["e", "E", "e+", "e-", "E-"]),
                                     st.integers(0, 300))),
)


@settings(max_examples=400, deadline=None)
@given(decimals)
def test_decimals_are_fractions_own_reading(cell: str) -> None:
    try:
        expected = Fraction(cell)
    except ValueError:
        with pytest.raises(NumericInputError):
            parse_number(cell)
        return
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["1/3", " -7/2 ", "1_000", "٣"])
def test_other_forms_still_read_as_fraction_reads_them(cell: str) -> None:
    try:
        expected = Fraction(cell.strip())
    except ValueError:
        with pytest.raises(NumericInputError):
            parse_number(cell)
        return
    assert parse_number(cell) == expected
