"""Property test: no line the checker verifies is false on an exact random instance.

Hypothesis writes small proof files the checker has never seen: random names for extra vectors
(``u``, ``v``, ``m``, ``S`` … the names of the checker's own letters among them), random
coefficients, random rates (L(cη), E_{ΔΦ∼P_{cη}}), a random SGD step ΔΦ' = ΔΦ − sη(g_b + H_bΔΦ),
random subsets of the hypotheses, and declarations that shadow built-in names (which must stop
with exit 2). Every line the checker verifies is then evaluated — directly, by the evaluator,
not through the canonical form — on an exact instance that satisfies the line's hypotheses (each
checked by evaluating its statement): random rational data, the exact stationary law of the
declared step when the line names the model, a law that is not stationary when it does not,
data with a non-zero mean gradient when it does not name mean-zero, a loss beyond the expansion
when it does not name the expansion. A verified line must be true there; a verified theorem too.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy import Matrix, Rational, S, cancel, preorder_traversal

from derive.expectation import depends_on_example, depends_on_state
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss
from derive.parse import ProofFileError
from derive.prooffile import loads_proof
from derive.symbols import ConstantVector, eta
from tests.prooftext import SETTING, model_hypotheses, vector
from verify.checker import check_proof
from verify.counterexample import holds
from verify.evaluate import Env, Unevaluable, evaluate
from verify.instances import FiniteLaw, Instance, StationaryLaw, random_data

EXTRA = ["u", "v", "m", "S", "w_2", "a", r"\xi", "q_1"]
BUILTIN = [r"\eta", r"\Delta\Phi", "b", "E", "L", "d", "n", "T", "I", "c_B", r"\Phi"]
COEFFICIENTS = [Rational(1, 4), Rational(1, 2), Rational(1, 8), Rational(1), Rational(3, 4),
                Rational(-1, 4), Rational(3, 8)]
RATES = [Rational(1), Rational(2), Rational(1, 2), Rational(3)]
MODEL = ("sgd-step", "stationarity", "independence")
HYPS = ("expansion", "mean-gradient-zero", *MODEL, "small-eta-limit")
NOISE = r"E_b \|g_b + H_b \Delta\Phi\|^2"


def tex(c: Rational) -> str:
    """A coefficient as the lecture writes it: \\frac{p}{q}, with its sign in front."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return sign + (str(c.p) if c.q == 1 else rf"\frac{{{c.p}}}{{{c.q}}}")


def plus(c: Rational) -> str:
    """`+ c` or `- |c|`: a term added to a sum, as the lecture writes it."""
    return f"- {tex(-c)}" if c < 0 else f"+ {tex(c)}"


def law(r: Rational) -> str:
    return r"E_{\Delta\Phi \sim P_\eta}" if r == 1 else rf"E_{{\Delta\Phi \sim P_{{{tex(r)} \eta}}}}"


def loss(r: Rational) -> str:
    return r"\mathcal{L}(\eta)" if r == 1 else rf"\mathcal{{L}}({tex(r)} \eta)"


QUADRATIC = r"\left[ \frac{1}{2} \Delta\Phi^\top (E_b H_b) \Delta\Phi \right]"
SLOPE = r"\left. \frac{{\partial {}}}{{\partial \eta}} \right|_{{\eta=0}}"

def templates(c: Rational, r: Rational, s: Rational, k: Rational, name: str) -> list[tuple[str, tuple]]:
    """(LaTeX of a line, the hypotheses it would need) — true or false depending on the numbers."""
    state = r"\Delta\Phi"
    mean = rf"({law(r)} {state})"
    return [
        (f"{law(1)} {QUADRATIC} = {tex(c)} \\eta {law(1)} {NOISE}", (*MODEL, "mean-gradient-zero")),
        (rf"{loss(r)} = \mathcal{{L}}(\Phi^*) {plus(c)} \eta {law(r)} {NOISE}",
         ("expansion", "mean-gradient-zero", *MODEL)),
        (SLOPE.format(loss(r)) + rf" = {tex(c)} E_b \|g_b\|^2", HYPS),
        (rf"{law(r)} E_b \|{state} - {tex(s * r)} \eta (g_b + H_b {state})\|^2 = {law(r)} \|{state}\|^2",
         MODEL),
        (rf"{law(r)} E_b \left[ {tex(c)} g_b^\top {state} + {name}^\top {state} \right] = "
         rf"{tex(c)} (E_b g_b)^\top {mean} + {tex(k)} {name}^\top {mean}", ()),
        (rf"({name}^\top w) {name} = ({name}^\top {name}) w", ()),
        (rf"({name}^\top w) {name} = (w^\top {name}) {name}", ()),
        (rf"\mathcal{{L}}(\Phi^* + {tex(k)} {state}) = \mathcal{{L}}(\Phi^*) + {tex(k)} E_b g_b^\top {state}"
         rf" {plus(c)} E_b {state}^\top H_b {state}", ("expansion",)),
        (rf"\mathcal{{L}}(0) = \mathcal{{L}}(\Phi^*) {plus(c - Rational(1, 4))}",
         ("expansion", "small-eta-limit")),
    ]


HEADER = """
title = "random"
theorem = '{theorem}'
"""


@st.composite
def proof_files(draw: st.DrawFn) -> tuple[str, bool]:
    """(the TOML of a small random proof, whether it shadows a built-in name)."""
    name = draw(st.sampled_from(EXTRA))
    s = draw(st.sampled_from([Rational(1), Rational(1), Rational(2)]))
    lines = []
    for _ in range(draw(st.integers(1, 2))):
        c, r, k = (draw(st.sampled_from(COEFFICIENTS)), draw(st.sampled_from(RATES)),
                   draw(st.sampled_from([Rational(1), Rational(2), Rational(1, 2)])))
        latex, needed = draw(st.sampled_from(templates(c, r, s, k, name)))
        uses = [h for h in needed if draw(st.integers(0, 9)) < 8]  # sometimes one is missing
        lines.append((latex, uses))
    shadow = draw(st.integers(0, 9)) == 0
    shadowing = (f"\n[[symbol]]\nlatex = '{draw(st.sampled_from(BUILTIN))}'\nkind = 'scalar'\n"
                 if shadow else "")
    theorem = draw(st.sampled_from([latex for latex, _ in lines]))
    text = (HEADER.format(theorem=theorem) + SETTING + vector(name) + vector("w") + shadowing
            + model_hypotheses(tex(s) if s != 1 else ""))
    for i, (latex, uses) in enumerate(lines, 1):
        text += f"\n[[step]]\nname = 's{i}'\nlatex = '{latex}'\nuses = [{', '.join(repr(u) for u in uses)}]\n"
    return text.replace("'s1'", '"s1"').replace("'s2'", '"s2"'), shadow


def _family(expr: object) -> bool:
    return any(isinstance(n, LimitAtZero | DerivativeAtZero) or (isinstance(n, ConvergedLoss) and n.rate == 0)
               for n in preorder_traversal(expr))


def _instance(proof: object, uses: tuple[str, ...], exprs: tuple, seed: int) -> Instance:
    """Exact random data and a law for which the line's hypotheses should hold (checked by the caller)."""
    family = any(_family(e) for e in exprs)
    rng = random.Random(seed)
    data = random_data(seed, mean_zero="mean-gradient-zero" in uses, cubic="expansion" not in uses,
                       d=2 if family else 3)
    vectors = [name for name, sym in proof.notation.symbols if isinstance(sym, ConstantVector)]
    data = replace(data, remainder_degree=2, constants=tuple(
        (name, Matrix([rng.randint(-3, 3) for _ in range(data.d)])) for name in vectors))
    step = proof.hypotheses["sgd-step"].equation.rhs
    rate = eta if family else Rational(rng.randint(1, 12), 100)
    if set(MODEL) <= set(uses) or "small-eta-limit" in uses:
        return Instance(data, StationaryLaw(), rate, 2, step, "declared")
    points = [Matrix([rng.randint(-2, 2) for _ in range(data.d)]) for _ in range(3)]
    atoms = tuple((S.One / (3 * data.n), eta * x, b) for x in points for b in range(data.n))
    return Instance(data, FiniteLaw(atoms, "a random law, not stationary"), rate, 2, step, "declared")


def _true_on(lhs: object, rhs: object, inst: Instance) -> bool:
    bs = range(inst.data.n) if depends_on_example(lhs) or depends_on_example(rhs) else [None]
    xs = ([Matrix([1, -2, 1][: inst.data.d]), Matrix([3, 1, 0][: inst.data.d])]
          if depends_on_state(lhs) or depends_on_state(rhs) else [None])
    for b in bs:
        for x in xs:
            diff = evaluate(lhs, inst, Env(b=b, x=x)) - evaluate(rhs, inst, Env(b=b, x=x))
            values = list(diff) if isinstance(diff, Matrix) else [diff]
            if any(cancel(v) != 0 for v in values):
                return False
    return True


def _reproduce(proof: object, lhs: object, rhs: object, uses: tuple[str, ...], seed: int) -> None:
    uses = tuple(u for u in uses if u in proof.hypotheses)
    inst = _instance(proof, uses, (lhs, rhs), seed)
    try:
        satisfied = all(holds(u, inst, proof.hypotheses) for u in uses)
    except Unevaluable:
        satisfied = False
    if not satisfied:
        return  # this instance does not satisfy the line's hypotheses: it says nothing
    try:
        assert _true_on(lhs, rhs, inst), "a verified line is false on an exact instance"
    except Unevaluable:
        return


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proof_files(), st.integers(0, 10_000))
def test_no_verified_line_is_false_on_an_exact_instance(case: tuple[str, bool], seed: int) -> None:
    text, shadows = case
    try:
        proof = loads_proof(text, "random.toml")
    except ProofFileError as exc:
        assert shadows, f"a well-formed file was rejected: {exc}"
        return
    assert not shadows, "a declaration that shadows a built-in name was accepted"
    report = check_proof(proof)
    for step, result in zip(proof.steps, report.steps, strict=True):
        for line, res in zip(step.lines, result.lines, strict=True):
            if res.status == "verified":
                _reproduce(proof, line.lhs, line.rhs, line.uses, seed)
    assume(report.theorem_check is not None)
    if report.theorem_check.status == "verified":
        _reproduce(proof, proof.theorem.lhs, proof.theorem.rhs, report.theorem_check.uses, seed)
