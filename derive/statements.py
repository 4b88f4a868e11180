r"""The statements of declared hypotheses, read by kind.

Each kind has a form its statement must have; a statement of another form is a malformed file
(one message naming the hypothesis and the form expected):

* ``expansion``, ``mean-zero``, ``equation``, ``small-eta``, ``inverse`` — one equation;
  ``mean-zero`` reads ``E_b v_b = 0`` for a declared per-example vector, ``inverse`` reads
  ``A B = I`` for two declared constant matrices;
* ``independence`` — ``b \perp \Delta\Phi`` (the index and the state of the setting);
* ``sgd-step`` — ``\Delta\Phi' = <a vector>``, the next state;
* ``invariance`` — ``\Delta\Phi' \sim P_\eta``, the law of the next state is the law itself;
* ``assumption`` — one relation (``\succ``, ``\succeq``, ``\le``, ``\ge``, ``=``);
* ``batch`` — only the built-in minibatch variant has it.

That a statement of ``expansion`` or ``small-eta`` is *the* built-in meaning is checked by
``verify.meaning`` (it needs the canonical form).

>>> from derive.parse.notation import LECTURE
>>> h = read_statement("sgd", "sgd-step", r"\Delta\Phi' = \Delta\Phi - \eta (g_b + H_b \Delta\Phi)", LECTURE)
>>> h.relation, h.statement
('step', "\\Delta\\Phi' = \\Delta\\Phi - \\eta \\left(g_b + H_b \\Delta\\Phi\\right)")
>>> read_statement("ind", "independence", r"E_b H_b \succ 0", LECTURE)
Traceback (most recent call last):
...
derive.parse.errors.ProofFileError: an independence hypothesis reads 'b \perp \Delta\Phi' ...
"""

from __future__ import annotations

import re

from sympy import Identity, MatMul

from derive.hypotheses import Hypothesis, statement_latex
from derive.parse import (
    LatexError,
    Notation,
    ProofFileError,
    algebra,
    parse_display,
    parse_equation,
    parse_expression,
)
from derive.parse.notation import normalize
from derive.sgd import Equation
from derive.symbols import ConstantMatrix, ExampleVector

__all__ = ["read_statement"]

_PRIME = re.compile(r"(\^\s*\{?\s*\\prime\s*\}?|')\s*$")
_ASSUMPTION_RELATIONS = (r"\succ", r"\succeq", r"\le", r"\leq", r"\ge", r"\geq", "=")


def _next_state(text: str, notation: Notation, form: str) -> None:
    """``text`` must be the state followed by a prime: ΔΦ'."""
    stripped = _PRIME.sub("", text.strip())
    if stripped == text.strip() or normalize(stripped) != notation.state_name:
        raise ProofFileError(f"{form}: its left side is the next state {notation.state_name}'")


def _sgd_step(latex: str, notation: Notation) -> Equation:
    form = f"an sgd-step hypothesis reads '{notation.state_name}' = <the next state, a vector>'"
    if latex.count("=") != 1:
        raise ProofFileError(form)
    lhs, rhs = latex.split("=")
    _next_state(lhs, notation, form)
    value = parse_expression(rhs.strip(), notation)
    if not (getattr(value, "is_Matrix", False) and tuple(value.shape) == tuple(notation.state.shape)):
        raise ProofFileError(f"{form}: the right side must be a vector like the state")
    return Equation(notation.state, value)


def _invariance(latex: str, notation: Notation) -> Equation:
    form = f"an invariance hypothesis reads '{notation.state_name}' \\sim {notation.law}'"
    parts = latex.split(r"\sim")
    if len(parts) != 2 or normalize(parts[1]) != notation.law:
        raise ProofFileError(form)
    _next_state(parts[0], notation, form)
    return Equation(notation.state, notation.state)


def _independence(latex: str, notation: Notation) -> Equation:
    form = (f"an independence hypothesis reads '{notation.index} \\perp {notation.state_name}' "
            "(the index of the examples, independent of the state)")
    try:
        rows = parse_display(latex, notation)
    except LatexError:
        raise ProofFileError(form) from None
    rel = [r for row in rows for r in row.relations]
    if len(rel) != 1 or rel[0].symbol != r"\perp" or rel[0].lhs != notation.index_symbol \
            or rel[0].rhs != notation.state:
        raise ProofFileError(form)
    return rel[0].equation


_DEFINITE = {"is positive definite": r"\succ", "is positive semidefinite": r"\succeq"}


def _remark_relation(rows: tuple) -> tuple[Equation, str] | None:
    r"""``A \quad \text{is positive definite}`` (the lecture's words) as A ≻ 0 (or ⪰ 0)."""
    if len(rows) != 1 or rows[0].relations or rows[0].value is None or rows[0].remark is None:
        return None
    words = re.sub(r"\\(text|textrm|mbox|textnormal)\s*\{([^{}]*)\}", r"\2", rows[0].remark).strip()
    symbol = _DEFINITE.get(" ".join(words.split()))
    value = rows[0].value
    if symbol is None or not getattr(value, "is_Matrix", False) or value.shape[0] != value.shape[1]:
        return None
    from sympy import ZeroMatrix

    return Equation(value, ZeroMatrix(*value.shape)), symbol


def _assumption(latex: str, notation: Notation) -> tuple[Equation, str]:
    rows = parse_display(latex, notation)
    words = _remark_relation(rows)
    if words is not None:
        return words
    rel = [r for row in rows for r in row.relations]
    if len(rel) != 1 or rel[0].symbol not in _ASSUMPTION_RELATIONS:
        shown = ", ".join(_ASSUMPTION_RELATIONS)
        raise ProofFileError(f"an assumption is one relation ({shown}), e.g. 'E_b H_b \\succ 0'")
    try:
        lhs, rhs = algebra.equate(rel[0].lhs, rel[0].rhs)
    except algebra.AlgebraError as exc:
        raise ProofFileError(str(exc)) from None
    return Equation(lhs, rhs), rel[0].symbol


def _mean_zero_vector(equation: Equation) -> str:
    lhs = equation.lhs
    from derive.expectation import ExampleMean

    if not (isinstance(lhs, ExampleMean) and isinstance(lhs.expr, ExampleVector)
            and getattr(equation.rhs, "is_ZeroMatrix", False)):
        raise ProofFileError("a mean-zero hypothesis reads 'E_b v_b = 0' for a declared per-example "
                             "vector v_b")
    return str(lhs.expr.name)


def _inverse(equation: Equation) -> None:
    lhs = equation.lhs
    if not (isinstance(lhs, MatMul) and len(lhs.args) == 2 and isinstance(equation.rhs, Identity)
            and all(isinstance(m, ConstantMatrix) for m in lhs.args)):
        raise ProofFileError("an inverse hypothesis reads 'A B = I' for two declared constant matrices A, B")


def read_statement(name: str, kind: str, latex: str, notation: Notation, description: str = "") -> Hypothesis:
    """The hypothesis ``name`` of ``kind`` whose statement is ``latex`` (ProofFileError if malformed)."""
    vector, relation = None, "="
    if kind == "batch":
        raise ProofFileError("kind 'batch' belongs to the built-in minibatch variant "
                             "(heatcap check --variant)")
    if kind == "sgd-step":
        equation, relation = _sgd_step(latex, notation), "step"
    elif kind == "invariance":
        equation, relation = _invariance(latex, notation), "sim"
    elif kind == "independence":
        equation, relation = _independence(latex, notation), r"\perp"
    elif kind == "assumption":
        equation, relation = _assumption(latex, notation)
    else:
        equation = parse_equation(latex, notation)
        if kind == "mean-zero":
            vector = _mean_zero_vector(equation)
        if kind == "inverse":
            _inverse(equation)
    statement = statement_latex(equation, relation, notation.law, **notation.printing)
    return Hypothesis(name, kind, statement, description, equation, vector, relation, latex)  # type: ignore[arg-type]
