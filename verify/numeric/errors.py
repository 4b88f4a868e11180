"""Errors raised for bad numeric input, and the one shape check everybody uses.

Every problem the user can cause -- a malformed CSV, a singular Hessian, a
learning rate beyond the critical one, an absurd precision -- is reported as a
:class:`NumericInputError` with a one-line message.  The command line catches
exactly this class and prints ``heatcap: error: <message>``.

>>> import numpy as np
>>> expect_shape("H", np.zeros((3, 2)), (3, 3))
Traceback (most recent call last):
    ...
verify.numeric.errors.NumericInputError: H has shape (3, 2); expected (3, 3)
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DIGIT_WORK", "MAX_DPS", "MAX_EXACT_UNKNOWNS", "MAX_FLOAT_D", "MAX_MP_UNKNOWNS", "MAX_ORDER",
           "NumericInputError", "check_dps", "check_order", "check_size", "expect_shape"]

MAX_DPS = 10_000


class NumericInputError(ValueError):
    """Input that cannot describe a valid SGD stationary-law problem."""


def expect_shape(name: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
    """Raise unless ``array.shape == shape``; the message names both shapes."""
    if tuple(array.shape) != tuple(shape):
        raise NumericInputError(f"{name} has shape {tuple(array.shape)}; expected {tuple(shape)}")


def check_dps(dps: int) -> int:
    """Return ``dps`` if it is a sensible number of decimal digits (1..MAX_DPS)."""
    if not 1 <= dps <= MAX_DPS:
        raise NumericInputError(f"--dps must be between 1 and {MAX_DPS}; got {dps}")
    return dps


MAX_ORDER = 30


def check_order(order: int) -> int:
    """Return ``order`` if it is a sensible Taylor order (2..MAX_ORDER)."""
    if not 2 <= order <= MAX_ORDER:
        raise NumericInputError(f"--order must be between 2 and {MAX_ORDER}; got {order}")
    return order


MAX_DIGIT_WORK = 500_000  # dps × d(d+1)/2 in the multiprecision modes (about 20 s here)
MAX_EXACT_UNKNOWNS = 78  # d(d+1)/2 for --exact (d ≤ 12): the rational system grows fast
MAX_MP_UNKNOWNS = 2600  # d(d+1)/2 for the multiprecision mode (d ≤ 71; beyond: --float64)
MAX_FLOAT_D = 1000  # features in --float64 (each Krylov vector is a d×d matrix)


def check_size(mode: str, d: int, dps: int) -> None:
    """Refuse problems whose cost would run far past a minute, naming the limit."""
    m = d * (d + 1) // 2
    if mode == "float64":
        if d > MAX_FLOAT_D:
            raise NumericInputError(f"--float64 handles at most {MAX_FLOAT_D} features; got d = {d}")
        return
    if mode == "exact" and m > MAX_EXACT_UNKNOWNS:
        raise NumericInputError(
            f"--exact solves a rational system of d(d+1)/2 = {m} unknowns, more than the limit "
            f"of {MAX_EXACT_UNKNOWNS} (d ≤ 12); the default mode gives certified digits instead")
    if m > MAX_MP_UNKNOWNS:
        raise NumericInputError(
            f"d = {d} gives d(d+1)/2 = {m} unknowns, more than the limit of {MAX_MP_UNKNOWNS} "
            "(d ≤ 71) for the multiprecision mode; use --float64")
    if dps * m > MAX_DIGIT_WORK:
        raise NumericInputError(
            f"--dps {dps} × d(d+1)/2 = {dps * m} is beyond the limit of {MAX_DIGIT_WORK} "
            f"(at d = {d}: --dps at most {MAX_DIGIT_WORK // m}); lower --dps or use --float64")
