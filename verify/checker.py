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
>>> report.ok, [s.status for s in report.steps], report.theorem_check.summary()
(True, ['verified', 'verified', 'verified', 'verified'], 'verified from step-4 lines 2–3')
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Basic, sstr

from derive.hypotheses import Hypothesis
from derive.parse.notation import LECTURE, Notation
from derive.proof import Line, Proof, Step
from verify.canonical import canonical, probes_for
from verify.context import Context, NamedEquation
from verify.counterexample import find_counterexample
from verify.hypothesis_rows import hypothesis_rows
from verify.invariance import model_equations
from verify.meaning import validate
from verify.network import Irreducible
from verify.poly import Poly
from verify.render import moment_legend, render_poly
from verify.results import Certificate, LineResult, ProofReport, StepResult
from verify.span import reduce_modulo, solve_span
from verify.theorem import derive_theorem

__all__ = ["check_equation", "check_line", "check_proof", "reduce_residual"]


def prepare_equations(exprs: list[Basic], ctx: Context) -> None:
    """Put the line's equations in the context: the named ones, and those the SGD model gives."""
    for name in ctx.equation_names():
        eq = ctx.hypotheses[name].equation
        assert eq is not None
        ctx.equations.append(NamedEquation(name, canonical(eq.lhs, ctx) - canonical(eq.rhs, ctx), eq))
    if ctx.model is not None:
        sides = [side for e in ctx.equations for side in (e.equation.lhs, e.equation.rhs)]
        ctx.equations += model_equations(ctx.model, [*exprs, *sides], ctx)


def reduce_residual(lhs: Basic, rhs: Basic, ctx: Context) -> Poly:
    """The canonical poly of lhs − rhs under the context's hypotheses (equations prepared first)."""
    prepare_equations([lhs, rhs], ctx)
    probes = probes_for(lhs, ctx)
    return canonical(lhs, ctx, probes) - canonical(rhs, ctx, probes)


def _certificate(found: dict[str, Basic], ctx: Context) -> Certificate:
    rewrites = tuple(n for n in ctx.names if ctx.hypotheses[n].kind != "equation")
    limits = tuple((n, sstr(lam)) for n, lam in ctx.limit_log)
    used = set(found) | {n for n, _ in ctx.limit_log}
    derived = tuple((e.name, e.equation.latex()) for e in ctx.equations if e.derived and e.name in used)
    return Certificate(tuple((n, sstr(v)) for n, v in found.items()), rewrites, limits, derived)


def _by_definition(expr: Basic) -> Basic:
    """``expr`` with L(0) replaced by its definition lim_{η→0} L(η) (nothing else is unfolded)."""
    from derive.losses import ConvergedLoss

    return expr.replace(lambda e: isinstance(e, ConvergedLoss) and e.rate == 0, lambda e: e.doit())


def check_equation(
    lhs: Basic, rhs: Basic, uses: tuple[str, ...], hypotheses: Mapping[str, Hypothesis],
    notation: Notation = LECTURE,
) -> tuple[str, str | None, Certificate | None, object, str | None]:
    """Decide ``lhs = rhs`` under ``uses``: (status, residual LaTeX, certificate, cx, reason)."""
    ctx = Context.build(uses, hypotheses)
    if _by_definition(lhs) == _by_definition(rhs):  # an identity: nothing is computed or must exist
        return "verified", None, Certificate((), (), (), ()), None, None
    residual_tex, reason = None, None
    try:
        residual = reduce_residual(lhs, rhs, ctx)
        equations = [(e.name, e.poly) for e in ctx.equations]
        found = solve_span(residual, equations)
        if found is not None:
            return "verified", None, _certificate(found, ctx), None, None
        residual_tex = render_poly(reduce_modulo(residual, equations), notation)
        reason = "the residual is not zero modulo the named hypotheses"
    except Irreducible as exc:
        reason = f"no canonical form: {exc}"
    cx = find_counterexample(lhs, rhs, uses, hypotheses, notation)
    if cx is not None:
        return "refuted", residual_tex, None, cx, reason
    return "unknown", residual_tex, None, None, reason + "; no counterexample found"


def check_line(line: Line, step: Step, index: int, proof: Proof) -> LineResult:
    """Check one line of a proof."""
    status, residual, cert, cx, reason = check_equation(
        line.lhs, line.rhs, line.uses, proof.hypotheses, proof.notation
    )
    legend = moment_legend(proof.notation.state_name, proof.notation.law) if residual else None
    return LineResult(
        step.id, index, line.latex(**proof.notation.printing), line.uses, status, residual, cert, cx, reason,
        line.source, line.note, legend=legend,
    )


def check_proof(proof: Proof) -> ProofReport:
    """Check the hypotheses' meaning, every consequence, every line, and the theorem.

    Raises :class:`~verify.meaning.HypothesisError` when a hypothesis does not mean what its kind
    says (a malformed proof).
    """
    validate(proof)
    rows = hypothesis_rows(proof)
    steps = tuple(
        StepResult(
            step.id,
            step.title,
            tuple(check_line(line, step, i, proof) for i, line in enumerate(step.lines, 1)),
            step.assumptions,
        )
        for step in proof.steps
    )
    theorem = derive_theorem(proof, [x for s in steps for x in s.lines], rows)
    return ProofReport(proof.title, proof.theorem.latex(**proof.notation.printing), steps, proof.implicit,
                       theorem_check=theorem, hypotheses=rows)
