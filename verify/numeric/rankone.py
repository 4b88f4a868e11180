r"""Per-example paths and traces when every H_b is rank one: matrix products, not loops.

For least squares without a ridge, H_b = x_b x_bᵀ and g_b = r_b x_b, with r_b = x_bᵀΦ* − y_b
the residual at the optimum. A path aᵀ M₁ ⋯ M_k c whose letters are fixed vectors and matrices
(a probe, S, S_k, …), H_b and g_b splits at every x_b into segments, each of which is one
matrix product for all n examples at once (X is the n×d matrix of the x_b):

* aᵀ F x_b   = (X Fᵀa)_b,
* x_bᵀ F c   = (X F c)_b,
* x_bᵀ F x_b = Σ_j (XF)_bj X_bj (kept for the next path with the same F),
* aᵀ F c     = a constant,

where F is the product of the fixed matrices of the segment. The path is the product of its
segments, times r_b for each g_b at an end. A trace with an H_b is a path once an H_b is
rotated to the front: tr(x_b x_bᵀ M₂⋯M_k) = x_bᵀ M₂⋯M_k x_b.

:class:`RankOnePaths` returns ``None`` for anything else (a ridge, general Hessians, one
example picked out of the average), and :class:`verify.numeric.lines.LineEvaluator` then
falls back to its example-by-example products.

>>> import flint
>>> x = flint.arb_mat([[1, 0], [1, 2]])
>>> paths = RankOnePaths(x, [flint.arb(3), flint.arb(-3)], gradients=None)
>>> s = flint.arb_mat([[1, 0], [0, 1]])
>>> paths.trace([("rank1", x, flint.arb(0)), s])  # tr(H_b S) = ‖x_b‖² per example
[1.00000000000000, 5.00000000000000]
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import mul

import flint

__all__ = ["RankOnePaths"]

Per = list[flint.arb]  # one value per example (or a single value shared by all)


class RankOnePaths:
    """Paths and traces over x_b (rows of ``x``), with g_b = r_b x_b (``gradients`` is G)."""

    def __init__(self, x: flint.arb_mat, residuals: Sequence[flint.arb], gradients: object) -> None:
        self.x = x
        self.rows = x.tolist()
        self.r = list(residuals)
        self.gradients = gradients
        self._forms: dict[tuple[int, ...], tuple[tuple[flint.arb_mat, ...], Per]] = {}

    # -- what the letters are -----------------------------------------------------------------
    def _hessian(self, m: object) -> bool:
        return isinstance(m, tuple) and m[0] == "rank1" and m[1] is self.x and m[2] == 0

    def _end(self, v: object) -> tuple[str, object] | None:
        """("x", r-power) for g_b; ("v", a) for a fixed row vector a; None otherwise."""
        if v is self.gradients:
            return ("x", 1)
        if isinstance(v, flint.arb_mat) and v.nrows() == 1:
            return ("v", v)
        return None

    # -- paths and traces ---------------------------------------------------------------------
    def path(self, left: object, middle: Sequence[object], right: object) -> Per | None:
        """aᵀ M₁ ⋯ M_k c for every example, or None if a letter is not of the kinds above."""
        head, tail = self._end(left), self._end(right)
        if head is None or tail is None:
            return None
        return self._chain(head, middle, tail)

    def trace(self, vals: Sequence[object]) -> Per | None:
        """tr(M₁ ⋯ M_k) for every example, or None (no H_b, or another kind of letter)."""
        first = next((i for i, m in enumerate(vals) if self._hessian(m)), None)
        if first is None:
            return None
        rest = [*vals[first + 1:], *vals[:first]]
        return self._chain(("x", 0), rest, ("x", 0))

    def _chain(self, head: tuple[str, object], middle: Sequence[object], tail: tuple[str, object]
               ) -> Per | None:
        factors: list[Per] = []
        fixed: list[flint.arb_mat] = []
        for m in middle:
            if self._hessian(m):
                factors.append(self._segment(head, fixed, ("x", 0)))
                head, fixed = ("x", 0), []
            elif isinstance(m, flint.arb_mat) and m.nrows() == m.ncols() == self.x.ncols():
                fixed.append(m)
            else:
                return None
        factors.append(self._segment(head, fixed, tail))
        return _product(factors)

    def _segment(self, head: tuple[str, object], fixed: list[flint.arb_mat],
                 tail: tuple[str, object]) -> Per:
        """One segment: head ⋯ F ⋯ tail (see the module docstring), with its r_b factors."""
        if head[0] == "v" and tail[0] == "v":
            w = _times(head[1], fixed)
            return [(w * tail[1].transpose())[0, 0]]
        if head[0] == "v":
            out = _column(self.x * _times(head[1], fixed).transpose())
        elif tail[0] == "v":
            out = _column(self.x * _times(tail[1], [f.transpose() for f in reversed(fixed)]).transpose())
        else:
            out = self._form(fixed)
        for end in (head, tail):
            if end[0] == "x" and end[1]:
                out = [a * b for a, b in zip(out, self.r, strict=True)]
        return out

    def _form(self, fixed: list[flint.arb_mat]) -> Per:
        """x_bᵀ F x_b for every example, F the product of ``fixed`` (remembered by identity)."""
        key = tuple(id(f) for f in fixed)
        if key not in self._forms:
            xf = self.x
            for f in fixed:
                xf = xf * f
            zero = flint.arb(0)
            form = [sum(map(mul, a, b), zero) for a, b in zip(xf.tolist(), self.rows, strict=True)]
            self._forms[key] = (tuple(fixed), form)
        return self._forms[key][1]


def _times(row: flint.arb_mat, fixed: Sequence[flint.arb_mat]) -> flint.arb_mat:
    for f in fixed:
        row = row * f
    return row


def _column(m: flint.arb_mat) -> Per:
    return [m[i, 0] for i in range(m.nrows())]


def _product(factors: list[Per]) -> Per:
    """The elementwise product of per-example lists (a single value is shared by all)."""
    out = factors[0]
    for f in factors[1:]:
        if len(f) == 1:
            out = [a * f[0] for a in out]
        elif len(out) == 1:
            out = [out[0] * b for b in f]
        else:
            out = [a * b for a, b in zip(out, f, strict=True)]
    return out
