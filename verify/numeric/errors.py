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

__all__ = ["MAX_DPS", "MAX_ORDER", "NumericInputError", "check_dps", "check_order", "expect_shape"]

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
