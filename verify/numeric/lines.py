r"""Every line of the proof, evaluated in numbers at the stationary law of SGD on a data set.

Each side of each line of :func:`derive.proof.heat_capacity_proof` is lowered to its canonical
monomials (under ``expansion`` and ``independence``, which hold for single-example SGD on
quadratic losses, so the rewriting preserves values) and every monomial is evaluated on the
data: g_b, H_b and L_b(Φ*) per example, m = 0 and S = E ΔΦΔΦᵀ from the solver. The monomials
do not depend on the data: for the shipped proof they are read from a table
(:mod:`verify.numeric.lowered`), so that a ``heatcap numeric`` run does not import SymPy. Limits and the
derivative at η = 0 are evaluated from the Taylor series S(η) = Σ_k η^k S_k: a monomial is then
a power series in η, lim_{η→0} takes its η⁰ coefficient and dX/dη|₀ its η¹ coefficient, after
checking that no negative power survives.

The arithmetic is python-flint's ball arithmetic (``arb``) at the requested digits plus guard
digits, batched over the examples: an average E_b of a path uᵀM₁⋯M_kv is one matrix product per
letter for all n examples at once (H_b = x_b x_bᵀ acts as a rank-one update).

A row compares the two sides: ``{"step", "line", "lhs", "rhs", "agree_digits"}``. The digits
are relative to the size of the terms of the line, so that a side equal to 0 is compared with
the cancellation that produced it.

>>> from verify.numeric import LeastSquaresData, analyze
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1]], [1, 0, 2, 2])
>>> report = analyze(data, "1/10", mode="mp", dps=30)
>>> rows = [r for r in report.crossval if isinstance(r["line"], int)]
>>> len(rows), min(r["agree_digits"] for r in rows) >= 28
(13, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from itertools import product
from operator import mul
from typing import Any

import flint

from .data import LeastSquaresData, QuadraticData
from .digits import decimal_string, floor_log10
from .lowered import Node, Term, at_rate, laurent, lower_proof, shipped_lines
from .rankone import RankOnePaths
from .scaled import Scaled, fmpq_of

__all__ = ["LineEvaluator", "proof_line_rows"]

GUARD_DIGITS = 15
MAX_ASSIGNMENTS = 200_000
Value = tuple[flint.arb, flint.arb]  # (value, size = Σ |terms|)


@contextmanager
def _precision(digits: int) -> Iterator[None]:
    """flint's working precision, raised locally and restored."""
    old = flint.ctx.prec
    flint.ctx.prec = math.ceil((digits + GUARD_DIGITS) * math.log2(10))
    try:
        yield
    finally:
        flint.ctx.prec = old


def _arb(x: object) -> flint.arb:
    """An exact conversion of a Fraction, flint rational, mpf or float to a ball."""
    if isinstance(x, Fraction):
        return flint.arb(fmpq_of(x))
    if isinstance(x, flint.fmpq | int | float):
        return flint.arb(x)
    sign, man, exp, _ = x._mpf_  # an mpmath mpf (man_exp drops the sign)
    return flint.arb(flint.fmpz(-int(man) if sign else int(man))) * flint.arb(2) ** int(exp)


def _matrix(rows: Sequence[Sequence[object]]) -> flint.arb_mat:
    return flint.arb_mat([[_arb(v) for v in row] for row in rows])


def _solver_matrix(m: object, d: int) -> flint.arb_mat:
    if isinstance(m, Scaled):
        return flint.arb_mat(m.ints) * flint.arb(m.scale)
    return _matrix([[m[i, j] for j in range(d)] for i in range(d)])


class _Examples:
    """g_b (rows of G), H_b (rank-one rows of X, or a list of matrices), L_b(Φ*), b = 1..n."""

    def __init__(self, data: LeastSquaresData | QuadraticData) -> None:
        if isinstance(data, QuadraticData):
            self.G = _matrix(data.gradients)
            self.X = None
            self.H = [_matrix(h) for h in data.hessians]
            self.L = [_arb(v) for v in data.losses]
            self.ridge = flint.arb(0)
            self.paths: RankOnePaths | None = None
            return
        x = flint.fmpq_mat([[fmpq_of(v) for v in row] for row in data.features])
        y = flint.fmpq_mat([[fmpq_of(v)] for v in data.targets])
        n, d, lam = x.nrows(), x.ncols(), fmpq_of(data.ridge)
        eye = flint.fmpq_mat(d, d, [int(i == j) for i in range(d) for j in range(d)])
        phi = (x.transpose() * x + eye * (lam * n)).solve(x.transpose() * y)
        r = x * phi - y
        self.X = flint.arb_mat(x)
        self.ridge = flint.arb(lam)  # H_b = x_b x_bᵀ + λI, g_b = x_b r_b + λΦ*
        residuals = [flint.arb(r[b, 0]) for b in range(n)]
        if lam:
            self.G = flint.arb_mat(flint.fmpq_mat([[x[b, j] * r[b, 0] + lam * phi[j, 0]
                                                    for j in range(d)] for b in range(n)]))
        else:
            self.G = flint.arb_mat([[rb * v for v in row] for rb, row in zip(residuals, self.X.tolist(),
                                                                             strict=True)])
        self.H = None
        penalty = lam / 2 * sum((phi[j, 0] ** 2 for j in range(d)), flint.fmpq(0))
        self.L = [flint.arb(r[b, 0] ** 2 / 2 + penalty) for b in range(n)]
        self.paths = None if lam else RankOnePaths(self.X, residuals, self.G)

    @property
    def n(self) -> int:
        return self.G.nrows()

    @property
    def d(self) -> int:
        return self.G.ncols()


def _rowdot(a: flint.arb_mat, b: flint.arb_mat) -> list[flint.arb]:
    """Row-wise inner products, broadcasting a 1-row matrix."""
    ra, rb = _broadcast(a.tolist(), b.tolist())
    zero = flint.arb(0)
    return [sum(map(mul, x, y), zero) for x, y in zip(ra, rb, strict=True)]


def _broadcast(ra: list, rb: list) -> tuple[list, list]:
    """Two lists of rows with one repeated if it has a single row."""
    if len(ra) == 1 and len(rb) > 1:
        ra = ra * len(rb)
    elif len(rb) == 1 and len(ra) > 1:
        rb = rb * len(ra)
    return ra, rb


class LineEvaluator:
    """Evaluate heatcap expressions in numbers on one data set at its stationary law."""

    def __init__(self, data: LeastSquaresData | QuadraticData, second_moment: object,
                 terms: Sequence[object], eta: Fraction) -> None:
        self.ex = _Examples(data)
        d = self.ex.d
        self.S = _solver_matrix(second_moment, d)
        self.terms = [_solver_matrix(t, d) for t in terms]
        self.eta = eta
        self.probe = flint.arb_mat([[flint.arb(1) / (j + 1) for j in range(d)]])
        self._memo: dict[tuple, Value] = {}

    # -- lowered sides ----------------------------------------------------------------------
    def value(self, node: Node) -> Value:
        """(value, size): the value at η and the sum of the absolute values of its terms."""
        kind = node[0]
        if kind == "at":
            return self._at_eta(node[1])
        if kind == "coefficient":
            return self._series_coefficient(node[2], node[1])
        parts = [self.value(a) for a in node[1]]
        if kind == "add":
            return sum((p[0] for p in parts), flint.arb(0)), sum((p[1] for p in parts), flint.arb(0))
        value, size = flint.arb(1), flint.arb(1)
        for v, s in parts:
            value, size = value * v, size * abs(s)
        return value, size

    def _at_eta(self, terms: Sequence[Term]) -> Value:
        total, size = flint.arb(0), flint.arb(0)
        for key, num, den in terms:
            c = _arb(at_rate(num, den, self.eta))
            v, s = self._monomial(key, (self.S,))
            total, size = total + c * v, size + abs(c) * s
        return total, size

    def _series_coefficient(self, terms: Sequence[Term], k: int) -> Value:
        """The η^k coefficient, or an infinite ball when a negative power of η survives."""
        order = len(self.terms)
        total: dict[int, flint.arb] = {}
        size = flint.arb(0)
        for key, num, den in terms:
            for (i, ci), (j, (mj, sj)) in product(laurent(num, den, order).items(),
                                                  enumerate(self._monomial_series(key, order))):
                if i + j <= order:
                    c = _arb(ci)
                    total[i + j] = total.get(i + j, flint.arb(0)) + c * mj
                    size += abs(c) * sj if i + j == k else 0
        scale = (size + 1) * flint.arb(10) ** -(flint.ctx.dps - GUARD_DIGITS + 5)
        if any(abs(t) > scale for p, t in total.items() if p < 0):
            return flint.arb("inf"), size
        return total.get(k, flint.arb(0)), size

    # -- monomials ---------------------------------------------------------------------------
    def _monomial_series(self, key: tuple, order: int) -> list[Value]:
        """The monomial as a power series in η with S(η) = Σ_k η^k S_k (S_0 = 0)."""
        slots = sum(1 for c in key if c[0] != "o" for x in c[1] if x[0] == "S" and x[4])
        out = [(flint.arb(0), flint.arb(0)) for _ in range(order + 1)]
        if slots == 0:
            out[0] = self._monomial(key, (self.S,))
            return out
        for ks in product(range(1, order + 1), repeat=slots):
            if sum(ks) <= order:
                v, s = self._monomial(key, tuple(self.terms[k - 1] for k in ks))
                old = out[sum(ks)]
                out[sum(ks)] = (old[0] + v, old[1] + s)
        return out

    def _monomial(self, key: tuple, moments: tuple[flint.arb_mat, ...]) -> Value:
        memo = (key, tuple(id(m) for m in moments))
        if memo not in self._memo:
            self._memo[memo] = self._average(key, moments)
        return self._memo[memo]

    def _average(self, key: tuple, moments: tuple[flint.arb_mat, ...]) -> Value:
        """E over each group of the product of the components (one group at a time)."""
        queue = list(moments)
        comps = []
        for comp in key:
            if comp[0] == "o":
                raise ValueError("an unresolved limit cannot be evaluated")
            own = [queue.pop(0) if x[0] == "S" and x[4] and len(moments) > 1 else moments[0]
                   for x in comp[1]]
            comps.append((comp[0], comp[1], own))
        groups = sorted({x[5] for _, letters, _ in comps for x in letters if x[5] >= 0})
        if len(groups) <= 1:
            per_b = self._batched(comps)
            n = len(per_b)
            return sum(per_b, flint.arb(0)) / n, sum((abs(v) for v in per_b), flint.arb(0)) / n
        return self._by_assignment(comps, groups)

    def _batched(self, comps: list) -> list[flint.arb]:
        """Per-example products of the components of a monomial with at most one group."""
        values = [flint.arb(1)]
        for kind, letters, own in comps:
            v = self._component(kind, letters, own, None)
            if len(v) > len(values):
                values = values * len(v)
            values = [a * b for a, b in zip(values, v if len(v) == len(values) else v * len(values),
                                            strict=True)]
        return values

    def _by_assignment(self, comps: list, groups: list[int]) -> Value:
        if self.ex.n ** len(groups) > MAX_ASSIGNMENTS:
            raise ValueError(f"{len(groups)} separate averages over {self.ex.n} examples")
        total, size = flint.arb(0), flint.arb(0)
        for bs in product(range(self.ex.n), repeat=len(groups)):
            at = dict(zip(groups, bs, strict=True))
            term = flint.arb(1)
            for kind, letters, own in comps:
                term *= self._component(kind, letters, own, at)[0]
            total, size = total + term, size + abs(term)
        count = self.ex.n ** len(groups)
        return total / count, size / count

    # -- components --------------------------------------------------------------------------
    def _component(self, kind: str, letters: tuple, own: list, at: dict[int, int] | None
                   ) -> list[flint.arb]:
        vals = [self._letter(x, s, at) for x, s in zip(letters, own, strict=True)]
        if kind == "s":
            return vals[0] if isinstance(vals[0], list) else [vals[0]]
        if at is None and self.ex.paths is not None:  # H_b = x_b x_bᵀ: by matrix products
            fast = self.ex.paths.path(vals[0], vals[1:-1], vals[-1]) if kind == "p" else \
                self.ex.paths.trace(vals)
            if fast is not None:
                return fast
        if kind == "p":
            return self._path(vals[0], vals[1:-1], vals[-1])
        for i, m in enumerate(vals):
            if isinstance(m, tuple) and m[0] == "rank1":  # tr(x xᵀ M₂ ⋯ M_k) = xᵀ M₂ ⋯ M_k x
                rest = vals[i + 1:] + vals[:i]
                out = self._path(m[1], rest, m[1])
                if m[2] != 0:  # + λ tr(M₂ ⋯ M_k) for H_b = x xᵀ + λI
                    extra = self._trace(rest) if rest else [flint.arb(self.ex.d)]
                    out = _add(out, [m[2] * v for v in extra])
                return out
        return self._trace(vals)

    def _path(self, left: object, middle: list, right: object) -> list[flint.arb]:
        w = right
        for m in reversed(middle):
            w = _apply(m, w)
        return _rowdot(left, w)

    def _trace(self, vals: list) -> list[flint.arb]:
        """tr(M₁ ⋯ M_k) = Σ_j e_jᵀ M₁ ⋯ M_k e_j (per example when a letter depends on b)."""
        d = self.ex.d
        total: list[flint.arb] = []
        for j in range(d):
            e = flint.arb_mat([[flint.arb(int(i == j)) for i in range(d)]])
            part = self._path(e, vals, e)
            total = part if not total else [a + b for a, b in zip(total, part, strict=True)]
        return total

    def _letter(self, x: tuple, s: flint.arb_mat, at: dict[int, int] | None) -> object:
        name, _kind, _per, _random, moment, label = x
        pick = (lambda m: m) if at is None else (lambda m: _row(m, at.get(label, 0)))
        if moment:
            return s if name == "S" else flint.arb_mat(1, self.ex.d)
        if name == "g_b":
            return pick(self.ex.G) if label >= 0 or at is not None else _row(self.ex.G, 0)
        if name == "H_b":
            if self.ex.X is not None:
                return ("rank1", pick(self.ex.X) if label >= 0 else _row(self.ex.X, 0), self.ex.ridge)
            if at is not None or label < 0:
                return ("dense", [self.ex.H[(at or {}).get(label, 0)]])
            return ("dense", self.ex.H)
        if name == "L_b":
            return self.ex.L if at is None and label >= 0 else self.ex.L[(at or {}).get(label, 0)]
        if name in ("u", "v", r"\Delta\Phi"):
            return self.probe
        raise ValueError(f"no value for the letter {name}")


def _row(m: flint.arb_mat, i: int) -> flint.arb_mat:
    return flint.arb_mat([[m[i, j] for j in range(m.ncols())]])


def _apply(m: object, w: flint.arb_mat) -> flint.arb_mat:
    """Rows w ↦ w M for a symmetric M (or the rank-one x xᵀ, or the H_b, of each example)."""
    if isinstance(m, tuple) and m[0] == "dense":
        mats = m[1]
        rows = max(len(mats), w.nrows())
        out = [_row(w, i if w.nrows() > 1 else 0) * mats[i if len(mats) > 1 else 0]
               for i in range(rows)]
        return flint.arb_mat([[r[0, j] for j in range(r.ncols())] for r in out])
    if isinstance(m, tuple):
        x, lam = m[1], m[2]
        q = _rowdot(x, w)
        rows, _ = _broadcast(x.tolist(), q)
        out = [[qi * v for v in row] for qi, row in zip(q, rows, strict=True)]
        if lam != 0:
            ws, out = _broadcast(w.tolist(), out)
            out = [[a + lam * b for a, b in zip(r, wr, strict=True)] for r, wr in zip(out, ws, strict=True)]
        return flint.arb_mat(out)
    return w * m


def _add(a: list[flint.arb], b: list[flint.arb]) -> list[flint.arb]:
    """Elementwise sum, broadcasting a single value."""
    a, b = _broadcast(a, b)
    return [u + v for u, v in zip(a, b, strict=True)]


def _fraction(x: flint.arb) -> Fraction:
    man, exp = x.mid().man_exp()
    return Fraction(int(man)) * Fraction(2) ** int(exp)


def _agree(lhs: flint.arb, rhs: flint.arb, size: flint.arb, cap: int) -> int:
    if not (lhs.is_finite() and rhs.is_finite()):
        return 0
    a, b = _fraction(lhs), _fraction(rhs)
    scale = max(abs(a), abs(b), abs(_fraction(size)))
    if a == b or scale == 0:
        return cap
    rel = abs(a - b) / scale
    return 0 if rel >= 1 else min(cap, floor_log10(rel.denominator // rel.numerator))


def _decimal(x: flint.arb, digits: int) -> str:
    return decimal_string(_fraction(x), digits) if x.is_finite() else "inf"


def proof_line_rows(data: LeastSquaresData | QuadraticData, second_moment: object,
                    terms: Sequence[object], eta: Fraction, digits: int,
                    proof: Any = None) -> list[dict[str, object]]:
    """One row per line of ``proof`` (a :class:`derive.proof.Proof`; default: the shipped one)."""
    rows = []
    with _precision(digits):
        ev = LineEvaluator(data, second_moment, terms, eta)
        for line in shipped_lines() if proof is None else lower_proof(proof):
            (lhs, ls), (rhs, rs) = ev.value(line.lhs), ev.value(line.rhs)
            rows.append({
                "step": line.step,
                "line": line.line,
                "lhs": _decimal(lhs, digits),
                "rhs": _decimal(rhs, digits),
                "agree_digits": _agree(lhs, rhs, max(abs(ls), abs(rs)), digits),
            })
    return rows
