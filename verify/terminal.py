r"""A counterexample for the terminal: all its data, matrices aligned, decimals beside fractions.

>>> print(number("1/3"), "|", number("2"), "|", number("eta/4"))
1/3 ≈ 0.3333 | 2 | eta/4
>>> print("\n".join(matrix("H_1", [["5/2", "0"], ["0", "1/3"]])))
H_1 = ⎡5/2 ≈ 2.5  0           ⎤
      ⎣0          1/3 ≈ 0.3333⎦
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sympy import sympify

__all__ = ["counterexample_lines", "matrix", "number"]

_PLACES = 4


def number(text: str) -> str:
    """A value of a counterexample: the exact fraction, and ≈ its decimal when it is not whole."""
    try:
        value = sympify(text)
    except (SyntaxError, TypeError, ValueError):
        return text
    if not getattr(value, "is_Rational", False) or value.is_Integer:
        return text
    return f"{text} ≈ {float(value):.{_PLACES}g}"


def _bracket(k: int, rows: int) -> tuple[str, str]:
    if rows == 1:
        return "[", "]"
    if k == 0:
        return "⎡", "⎤"
    return ("⎣", "⎦") if k == rows - 1 else ("⎢", "⎥")


def matrix(name: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """``name = ⎡…⎤`` with aligned columns (a column vector is a one-column matrix)."""
    cells = [[number(str(v)) for v in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    head = f"{name} = "
    out = []
    for k, row in enumerate(cells):
        left, right = _bracket(k, len(cells))
        body = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        out.append((head if k == 0 else " " * len(head)) + left + body + right)
    return out


def _per_example(name: str, values: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for b, value in enumerate(values, 1):
        label = f"{name}_{b}"
        if isinstance(value, list) and value and isinstance(value[0], list):
            out += matrix(label, value)
        elif isinstance(value, list):
            out.append(f"{label} = ({', '.join(number(str(v)) for v in value)})ᵀ")
        else:
            out.append(f"{label} = {number(str(value))}")
    return out


def _law(law: dict[str, Any]) -> list[str]:
    out = [f"law: {law.get('description', '')}"]
    if "m" in law:
        out.append(f"m = E ΔΦ = ({', '.join(number(v) for v in law['m'])})ᵀ")
        out += matrix("S = E ΔΦΔΦᵀ", law["S"])
        for extra in law.get("at_rates", []):
            out += matrix(f"S at η = {extra['eta']}", extra["S"])
    for k, atom in enumerate(law.get("atoms", ()), 1):
        point = ", ".join(number(v) for v in atom["DeltaPhi"])
        out.append(f"atom {k}: weight {number(atom['weight'])}, ΔΦ = ({point})ᵀ, "
                   f"next example b = {atom['b']}")
    return out


SYMBOLIC_RATE = "η symbolic (the law is computed at every η)"


def counterexample_lines(cx: Any) -> list[str]:
    """Every datum of a counterexample (its ``to_json()``): η, g_b, H_b, L_b(Φ*), the law, both sides."""
    inst = cx.instance
    rate = SYMBOLIC_RATE if inst["eta"] == "eta" else f"η = {number(inst['eta'])}"
    out = [f"counterexample: d = {inst['d']}, n = {inst['n']}, {rate}"
           + (f", dynamics: {inst['dynamics']}" if inst.get("dynamics") else "")]
    body = _per_example("g", inst["g"]) + _per_example("H", inst["H"])
    body.append("L_b(Φ*) = " + ", ".join(number(v) for v in inst["L_star"]))
    if any(str(k) != "0" for k in inst.get("cubic_remainder", ())):
        power = inst.get("remainder_degree", 3)
        kappa = ", ".join(number(v) for v in inst["cubic_remainder"])
        body.append(f"κ_b (the remainder κ_b (1ᵀΔΦ)^{power} beyond the expansion) = {kappa}")
    for name, rows in inst.get("constants", {}).items():
        body += matrix(name, rows)
    for name, values in inst.get("per_example", {}).items():
        body += _per_example(name, values)
    for name, value in inst.get("scalars", {}).items():
        body.append(f"{name} = {number(value)}")
    body += _law(inst["law"])
    body += [f"lhs = {number(cx.lhs)}", f"rhs = {number(cx.rhs)}"]
    if cx.where:
        body.append("at " + ", ".join(f"{k} = {v}" for k, v in cx.where.items()))
    if cx.violates:
        body.append(f"(breaks the unnamed hypotheses: {', '.join(cx.violates)})")
    return out + ["  " + line for line in body]
