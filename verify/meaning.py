r"""Hypotheses mean what they say: a statement of a kind with a built-in meaning must be it.

The checker uses each hypothesis through its statement. For two kinds the statement is also a
rule the checker applies in its own way, so the statement must be exactly that rule, up to the
canonical form (any way of writing it is accepted; another statement is rejected, never
silently replaced by the built-in one):

* ``expansion`` — L_b(Φ* + ΔΦ) = L_b(Φ*) + g_bᵀΔΦ + ½ ΔΦᵀH_bΔΦ, with g_b and H_b the gradient
  and the Hessian of the setting;
* ``small-eta`` — lim_{η→0} E_{ΔΦ∼P_η} ‖ΔΦ‖² = 0.

(The forms of ``independence``, ``sgd-step``, ``invariance``, ``mean-zero`` and ``inverse`` are
checked when the file is read, by ``derive.statements``.)

>>> from derive.hypotheses import HYPOTHESES, Hypothesis
>>> from derive.sgd import Equation
>>> from derive.losses import ExampleLoss
>>> from derive.scalar import inner, quadratic_form
>>> from derive.symbols import g_b, H_b, DeltaPhi
>>> rhs = ExampleLoss() + inner(g_b, DeltaPhi) + quadratic_form(DeltaPhi, H_b)
>>> wrong = Equation(ExampleLoss(DeltaPhi), rhs)
>>> check_meaning(Hypothesis("expansion", "expansion", "...", "", wrong))
Traceback (most recent call last):
...
verify.meaning.HypothesisError: hypothesis "expansion": ...; this one differs from it by \frac{1}{2} ...
"""

from __future__ import annotations

from sympy import Basic, Rational

from derive.expectation import E_P, StationaryMean
from derive.hypotheses import Hypothesis
from derive.limits import LimitAtZero
from derive.losses import ExampleLoss
from derive.parse.notation import LECTURE, Notation
from derive.proof import Proof
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.sgd import Equation
from verify.canonical import canonical
from verify.context import Context
from verify.network import Irreducible
from verify.render import render_poly

__all__ = ["HypothesisError", "check_meaning", "validate"]


class HypothesisError(ValueError):
    """A hypothesis whose statement is not the meaning its kind has (a malformed proof)."""


def _difference(a: Basic, b: Basic, notation: Notation) -> str | None:
    """None when a and b have the same canonical form, else the difference in the setting's names."""
    ctx = Context.build((), {})
    try:
        diff = canonical(a, ctx) - canonical(b, ctx)
    except Irreducible:
        return "(no canonical form)"
    return None if diff.is_zero() else render_poly(diff, notation)


def _expansion(h: Hypothesis, notation: Notation) -> None:
    g, hess, state = notation.gradient, notation.hessian, notation.state
    if g is None or hess is None:
        raise HypothesisError(
            f'hypothesis "{h.name}": an expansion speaks of the gradient {notation.gradient_name} and the '
            f"Hessian {notation.hessian_name}; declare them (a per-example vector and matrix)"
        )
    rhs = ExampleLoss() + inner(g, state) + Rational(1, 2) * quadratic_form(state, hess)
    meaning = Equation(ExampleLoss(state), rhs)
    eq = h.equation
    assert eq is not None
    if not (isinstance(eq.lhs, ExampleLoss) and eq.lhs.offset == state):
        raise HypothesisError(f'hypothesis "{h.name}": an expansion hypothesis reads '
                              f"'{meaning.latex(**notation.printing)}' (its left side is the loss at Φ* + "
                              f"{notation.state_name})")
    diff = _difference(eq.rhs, meaning.rhs, notation)
    if diff is not None:
        raise HypothesisError(f'hypothesis "{h.name}": an expansion hypothesis must state the second-order '
                              f"Taylor expansion {meaning.latex(**notation.printing)}; "
                              f"this one differs from it by {diff}")


def _small_eta(h: Hypothesis, notation: Notation) -> None:
    meaning = LimitAtZero(E_P(SquaredNorm(notation.state), notation.state, notation.rate), notation.rate)
    eq = h.equation
    assert eq is not None
    statement = Equation(meaning, 0).latex(**notation.printing)
    wrong = HypothesisError(f'hypothesis "{h.name}": a small-eta hypothesis reads '
                            f"'{statement}' (the lemma small-eta-limit)")
    if not (isinstance(eq.lhs, LimitAtZero) and isinstance(eq.lhs.expr, StationaryMean) and eq.rhs == 0):
        raise wrong
    if eq.lhs.expr.rate != notation.rate or _difference(eq.lhs.expr, meaning.expr, notation) is not None:
        raise wrong


def check_meaning(h: Hypothesis, notation: Notation = LECTURE) -> None:
    """Raise :class:`HypothesisError` if the statement of ``h`` is not what its kind means."""
    if h.equation is None:
        return
    if h.kind == "expansion":
        _expansion(h, notation)
    elif h.kind == "small-eta":
        _small_eta(h, notation)


def validate(proof: Proof) -> None:
    """Check every hypothesis of the proof (the first wrong one raises)."""
    for h in proof.hypotheses.values():
        check_meaning(h, proof.notation)
