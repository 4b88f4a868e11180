r"""The theorem row: the stated theorem must follow from the proof's verified lines.

A proof is not its lines: a file could verify every line and still state a theorem none of them
gives (¼ changed to ½, or the last line deleted). The theorem is therefore *derived*: its
lhs − rhs must be an exact combination Σ λ_i (lhs_i − rhs_i) of verified lines, with multipliers
rational in η and defined for every η > 0 (a chain A = B, B = C gives A = C with λ = 1, 1). Here
no hypothesis acts: the lines already carry them. Limits and derivatives at 0 are atoms — a
verified line computed each of its limits, so each atom of the combination is a number that
exists. Lines that use a consequence which is not itself verified are not used.

The certificate names the lines used; the theorem holds under the union of their hypotheses.
When no combination exists, heatcap looks for a counterexample to the theorem under all the
proof's primitive hypotheses (refuted), and otherwise says unknown.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> row = check_proof(heat_capacity_proof()).theorem_check
>>> row.status, row.summary()
('verified', 'verified from step-4 lines 2–3')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sympy import Basic, sstr

from derive.proof import Proof
from verify.canonical import canonical, probes_for
from verify.context import Context
from verify.network import Irreducible
from verify.results import Counterexample, LineResult, Status
from verify.span import solve_span

if TYPE_CHECKING:
    from verify.hypothesis_rows import HypothesisRow

__all__ = ["TheoremResult", "derive_theorem"]


@dataclass(frozen=True)
class TheoremResult:
    """The verdict on the stated theorem: from which lines, with which multipliers, under what."""

    latex: str
    status: Status
    lines: tuple[tuple[str, int, str], ...] = ()
    uses: tuple[str, ...] = ()
    counterexample: Counterexample | None = None
    reason: str | None = None

    def summary(self) -> str:
        """'verified from step-4 lines 2–3', 'refuted', 'unknown: …'."""
        if self.status != "verified":
            return self.status + (f": {self.reason}" if self.reason else "")
        if not self.lines:
            return "verified (an identity)"
        return "verified from " + _ranges([(s, i) for s, i, _ in self.lines])

    def to_json(self) -> dict[str, Any]:
        return {
            "latex": self.latex,
            "status": self.status,
            "summary": self.summary(),
            "from": [{"step": s, "line": i, "multiplier": m} for s, i, m in self.lines],
            "uses": list(self.uses),
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
        }


def _ranges(refs: Sequence[tuple[str, int]]) -> str:
    """step-3 line 4, step-4 lines 2–3 (consecutive lines of a step joined)."""
    parts = []
    for step in dict.fromkeys(s for s, _ in refs):
        idx = sorted(i for s, i in refs if s == step)
        runs: list[list[int]] = []
        for i in idx:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
        parts.append(f"{step} line{'s' if len(idx) > 1 else ''} {text}")
    return ", ".join(parts)


def _poly(lhs: Basic, rhs: Basic, ctx: Context) -> object:
    probes = probes_for(lhs, ctx)
    return canonical(lhs, ctx, probes) - canonical(rhs, ctx, probes)


def derive_theorem(
    proof: Proof, results: Sequence[LineResult], rows: Sequence[HypothesisRow]
) -> TheoremResult:
    """Is the theorem a combination of the verified lines? (module docstring)"""
    from verify.checker import check_equation

    thm = proof.theorem
    unsound = {r.name for r in rows if not r.sound}
    lines = {(s.id, k): line for s in proof.steps for k, line in enumerate(s.lines, 1)}
    ctx = Context.build((), proof.hypotheses, atoms=True)
    usable = []
    for r in results:
        if r.status == "verified" and not set(r.uses) & unsound:
            line = lines[(r.step, r.index)]
            try:
                usable.append(((r.step, r.index), line, _poly(line.lhs, line.rhs, ctx)))
            except Irreducible:
                continue
    try:
        target = _poly(thm.lhs, thm.rhs, ctx)
        found = solve_span(target, [(f"{s}:{i}", p) for (s, i), _, p in usable])
    except Irreducible as exc:
        found, why = None, f"the theorem has no canonical form ({exc})"
    else:
        why = "the theorem is not a combination of the verified lines"
    if found is not None:
        used = [(ref, line) for ref, line, _ in usable if f"{ref[0]}:{ref[1]}" in found]
        names = tuple(dict.fromkeys(u for _, line in used for u in line.uses))
        lemmas = [r.relies_on for r in rows if r.role == "lemma" and r.name in names]
        names = tuple(dict.fromkeys([*names, *(x for relies in lemmas for x in relies)]))
        refs = tuple((s, i, sstr(found[f"{s}:{i}"])) for (s, i), _ in used)
        return TheoremResult(thm.latex(**proof.notation.printing), "verified", refs, names)
    primitive = tuple(r.name for r in rows if r.role != "consequence")
    status, _res, _cert, cx, _reason = check_equation(
        thm.lhs, thm.rhs, primitive, proof.hypotheses, proof.notation
    )
    if status == "refuted":
        return TheoremResult(thm.latex(**proof.notation.printing), "refuted", counterexample=cx,  # type: ignore[arg-type]
                             reason=why + "; a counterexample satisfies every primitive hypothesis")
    if status == "verified":
        why += " (heatcap derives it directly from the hypotheses, but the proof's lines do not give it)"
    return TheoremResult(thm.latex(**proof.notation.printing), "unknown", reason=why)
