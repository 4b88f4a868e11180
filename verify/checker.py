r"""The checker: each line of a proof is verified, refuted or unknown.

* **verified** — the canonical residual lhs − rhs is 0 after the named hypotheses act, or an
  exact combination Σ λ_i(η)·(named equation i) with λ_i rational in η; this holds in every
  dimension d and for every training-set size n. The combination is the line's certificate.
* **refuted** — an exact instance (small d ≥ 3, n, rational data and a law of ΔΦ) satisfies
  every named hypothesis and the two sides evaluate to different exact numbers.
* **unknown** — neither.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> report = check_proof(heat_capacity_proof())
>>> report.ok, [s.status for s in report.steps]
(True, ['verified', 'verified', 'verified', 'verified'])
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Basic, sstr

from derive.hypotheses import Hypothesis
from derive.proof import Line, Proof, Step
from verify.canonical import canonical, probes_for
from verify.context import Context
from verify.counterexample import find_counterexample
from verify.network import Irreducible
from verify.poly import Poly
from verify.render import render_poly
from verify.results import Certificate, LineResult, ProofReport, StepResult
from verify.span import reduce_modulo, solve_span

__all__ = ["check_equation", "check_line", "check_proof", "reduce_residual"]


def reduce_residual(lhs: Basic, rhs: Basic, ctx: Context) -> Poly:
    """The canonical poly of lhs − rhs under the context's hypotheses."""
    for name in ctx.equation_names():
        eq = ctx.hypotheses[name].equation
        assert eq is not None
        ctx.equations.append((name, canonical(eq.lhs, ctx) - canonical(eq.rhs, ctx)))
    probes = probes_for(lhs, ctx)
    return canonical(lhs, ctx, probes) - canonical(rhs, ctx, probes)


def _certificate(found: dict[str, Basic], ctx: Context) -> Certificate:
    rewrites = tuple(n for n in ctx.names if ctx.hypotheses[n].kind != "equation")
    limits = tuple((n, sstr(lam)) for n, lam in ctx.limit_log)
    return Certificate(tuple((n, sstr(v)) for n, v in found.items()), rewrites, limits)


def check_equation(
    lhs: Basic, rhs: Basic, uses: tuple[str, ...], hypotheses: Mapping[str, Hypothesis]
) -> tuple[str, str | None, Certificate | None, object, str | None]:
    """Decide ``lhs = rhs`` under ``uses``: (status, residual LaTeX, certificate, cx, reason)."""
    ctx = Context.build(uses, hypotheses)
    residual_tex, reason = None, None
    try:
        residual = reduce_residual(lhs, rhs, ctx)
        found = solve_span(residual, ctx.equations)
        if found is not None:
            return "verified", None, _certificate(found, ctx), None, None
        residual_tex = render_poly(reduce_modulo(residual, ctx.equations))
        reason = "the residual is not zero modulo the named hypotheses"
    except Irreducible as exc:
        reason = f"no canonical form: {exc}"
    cx = find_counterexample(lhs, rhs, uses, hypotheses)
    if cx is not None:
        return "refuted", residual_tex, None, cx, reason
    return "unknown", residual_tex, None, None, reason + "; no counterexample found"


def check_line(line: Line, step: Step, index: int, proof: Proof) -> LineResult:
    """Check one line of a proof."""
    status, residual, cert, cx, reason = check_equation(
        line.lhs, line.rhs, line.uses, proof.hypotheses
    )
    return LineResult(
        step.id, index, line.latex(), line.uses, status, residual, cert, cx, reason,
        line.source, line.note,
    )


def check_proof(proof: Proof) -> ProofReport:
    """Check every line of every step."""
    steps = tuple(
        StepResult(
            step.id,
            step.title,
            tuple(check_line(line, step, i, proof) for i, line in enumerate(step.lines, 1)),
            step.assumptions,
        )
        for step in proof.steps
    )
    theorem = proof.theorem.latex()
    return ProofReport(proof.title, theorem, steps, proof.implicit)
