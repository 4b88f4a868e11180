r"""The proof's lines lowered to canonical monomials with coefficients rational in η.

:mod:`verify.numeric.lines` evaluates a line of the proof from its canonical monomials
(:func:`verify.canonical.canonical` under ``expansion``), which do not depend on the data.
Computing them needs SymPy and the proof parser, about a third of a second in a fresh
``heatcap numeric`` process, so for the shipped proof they are computed once and stored in
``heat_capacity_lines.json`` next to this module, tagged with the SHA-256 of the proof file
they come from. :func:`shipped_lines` reads that table when the tag matches the installed
proof file and lowers the proof afresh otherwise; a test keeps the table current
(regenerate it with ``python -m verify.numeric.lowered``).

A side of a line is a tree of nodes (plain tuples, so that they round-trip through JSON):

* ``("at", terms)``: Σ c(η)·monomial, evaluated at the line's η;
* ``("coefficient", k, terms)``: the η^k coefficient of that sum as a power series in η
  (k = 0 is lim_{η→0}, k = 1 is d/dη at 0);
* ``("add", nodes)`` and ``("mul", nodes)``.

A term is ``(key, numerator, denominator)``: a canonical monomial key and the coefficient
c(η) = N(η)/D(η) as two lists of rational coefficients, lowest power first.

>>> from fractions import Fraction
>>> laurent([Fraction(1)], [Fraction(0), Fraction(1), Fraction(-1)], 2)  # 1/(η − η²)
{-1: Fraction(1, 1), 0: Fraction(1, 1), 1: Fraction(1, 1), 2: Fraction(1, 1)}
>>> at_rate([Fraction(1), Fraction(2)], [Fraction(3)], Fraction(1, 2))  # (1 + 2η)/3
Fraction(2, 3)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

__all__ = ["LoweredLine", "at_rate", "laurent", "lower_proof", "shipped_lines"]

TABLE = Path(__file__).with_name("heat_capacity_lines.json")
PROOF_FILE = "heat_capacity.toml"

Term = tuple[tuple, list[Fraction], list[Fraction]]
Node = tuple


@dataclass(frozen=True)
class LoweredLine:
    """One numbered line of a proof: its step, its number and its two lowered sides."""

    step: str
    line: int
    lhs: Node
    rhs: Node


# -- rational functions of η -------------------------------------------------------------------
def at_rate(numerator: Sequence[Fraction], denominator: Sequence[Fraction], eta: Fraction) -> Fraction:
    """N(η)/D(η) at the given η (coefficients lowest power first)."""
    return _horner(numerator, eta) / _horner(denominator, eta)


def _horner(coeffs: Sequence[Fraction], x: Fraction) -> Fraction:
    out = Fraction(0)
    for c in reversed(coeffs):
        out = out * x + c
    return out


def laurent(numerator: Sequence[Fraction], denominator: Sequence[Fraction], order: int
            ) -> dict[int, Fraction]:
    """The Laurent coefficients of N(η)/D(η) at η = 0, every power up to η^order.

    With D = η^v q(η), q(0) ≠ 0, the series of N/q is found term by term from
    q·s = N, and its powers are shifted down by v.
    """
    v = next(i for i, c in enumerate(denominator) if c != 0)
    q = list(denominator[v:])
    series: list[Fraction] = []
    for k in range(order + v + 1):
        n_k = numerator[k] if k < len(numerator) else Fraction(0)
        known = sum((q[i] * series[k - i] for i in range(1, min(k, len(q) - 1) + 1)), Fraction(0))
        series.append((n_k - known) / q[0])
    return {k - v: c for k, c in enumerate(series) if c != 0}


# -- lowering (SymPy) --------------------------------------------------------------------------
def lower_proof(proof: Any) -> list[LoweredLine]:
    """Every numbered line of ``proof`` (a :class:`derive.proof.Proof`) lowered to nodes."""
    return [LoweredLine(step.id, index, lower(line.lhs), lower(line.rhs))
            for step in proof.steps for index, line in enumerate(step.lines, 1)]


def lower(expr: Any) -> Node:
    """One side of a line as a node (see the module docstring)."""
    from sympy import Add, Mul, preorder_traversal

    from derive.limits import DerivativeAtZero, LimitAtZero

    if not any(isinstance(n, LimitAtZero | DerivativeAtZero) for n in preorder_traversal(expr)):
        return ("at", _terms(expr))
    if isinstance(expr, Add | Mul):
        return ("add" if isinstance(expr, Add) else "mul", tuple(lower(a) for a in expr.args))
    if isinstance(expr, LimitAtZero):
        return ("coefficient", 0, _terms(expr.expr))
    if isinstance(expr, DerivativeAtZero):
        return ("coefficient", 1, _terms(expr.expr))
    raise ValueError(f"cannot evaluate {type(expr).__name__} numerically")


def _terms(expr: Any) -> tuple[Term, ...]:
    from derive.hypotheses import HYPOTHESES
    from verify.canonical import canonical
    from verify.context import Context

    ctx = Context.build(("expansion",), HYPOTHESES)
    return tuple((_plain_key(key), *_rational_function(coeff))
                 for key, coeff in canonical(expr, ctx).items())


def _plain_key(key: tuple) -> tuple:
    """A monomial key with the checker's own letter names as the evaluator reads them."""
    return tuple(comp if comp[0] == "o" else
                 (comp[0], tuple((_plain_name(x[0]), *x[1:]) for x in comp[1]))
                 for comp in key)


def _plain_name(name: str) -> str:
    """S and m for a moment, L_b for the loss at the optimum, u for a probe; others unchanged."""
    from verify.names import LOSS_AT_OPTIMUM, is_internal, parse_moment

    moment = parse_moment(name)
    if moment is not None:
        return moment[0]
    if name == LOSS_AT_OPTIMUM:
        return "L_b"
    return "u" if is_internal(name) else name


def _rational_function(coeff: Any) -> tuple[list[Fraction], list[Fraction]]:
    """c(η) as (N, D): rational coefficients, lowest power first."""
    from sympy import Poly, Rational, fraction, together

    from derive.symbols import eta

    num, den = fraction(together(coeff))
    out = []
    for part in (num, den):
        poly = Poly(part, eta)
        if poly.free_symbols - {eta} or not all(isinstance(c, Rational) for c in poly.all_coeffs()):
            raise ValueError(f"the coefficient {coeff} is not a rational function of η")
        out.append([Fraction(int(c.p), int(c.q)) for c in reversed(poly.all_coeffs())])
    return out[0], out[1]


# -- the shipped table -------------------------------------------------------------------------
def _proof_digest() -> str:
    """SHA-256 of the installed proof file (found without importing derive)."""
    spec = find_spec("derive")
    origin = Path(spec.origin if spec and spec.origin else __file__).parent
    return hashlib.sha256((origin / "proofs" / PROOF_FILE).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def shipped_lines() -> tuple[LoweredLine, ...]:
    """The shipped proof's lowered lines: from the table if current, else lowered afresh."""
    try:
        digest = _proof_digest()
        table = json.loads(TABLE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        digest, table = "", {}
    if digest and isinstance(table, dict) and table.get("proof_sha256") == digest:
        return tuple(_line_from_json(x) for x in table["lines"])
    return tuple(fresh_lines())


def fresh_lines() -> list[LoweredLine]:
    """The shipped proof parsed and lowered with SymPy."""
    from derive.proof import heat_capacity_proof

    return lower_proof(heat_capacity_proof())


def table_json() -> str:
    """The table's text for the shipped proof (what ``python -m verify.numeric.lowered`` writes)."""
    lines = [{"step": x.step, "line": x.line, "lhs": _to_json(x.lhs), "rhs": _to_json(x.rhs)}
             for x in fresh_lines()]
    return json.dumps({"proof_sha256": _proof_digest(), "lines": lines}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def _to_json(x: object) -> object:
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    if isinstance(x, tuple | list):
        return [_to_json(v) for v in x]
    return x


def _from_json(x: object) -> object:
    if isinstance(x, list):
        return tuple(_from_json(v) for v in x)
    return x


def _node_from_json(x: list) -> Node:
    kind = x[0]
    if kind in ("add", "mul"):
        return (kind, tuple(_node_from_json(c) for c in x[1]))
    terms = x[-1]
    parsed = tuple((_from_json(key), [Fraction(c) for c in num], [Fraction(c) for c in den])
                   for key, num, den in terms)
    return ("at", parsed) if kind == "at" else ("coefficient", x[1], parsed)


def _line_from_json(x: dict) -> LoweredLine:
    return LoweredLine(x["step"], x["line"], _node_from_json(x["lhs"]), _node_from_json(x["rhs"]))


if __name__ == "__main__":
    TABLE.write_text(table_json(), encoding="utf-8")
    print(f"wrote {TABLE}")
