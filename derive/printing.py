r"""LaTeX in the lecture's notation.

Every class of :mod:`derive` prints its own LaTeX (``_latex``); this printer adds the lecture's
conventions for SymPy's own matrix classes: ``^\\top`` for transposes, and sums kept readable.

>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> from derive.printing import latex
>>> latex((H_b * DeltaPhi).T * g_b)
'\\Delta\\Phi^\\top H_{b} g_{b}'
>>> latex(eta / 4)
'\\frac{\\eta}{4}'

:func:`lecture_latex` goes further and reads like the lecture's slides: ``E_b``, ``g_b``,
``\\|v\\|^2``, ``\\mathcal{L}_b`` and the lecture's term order (losses first, then by powers of η
and of ΔΦ), while every class of :mod:`derive` still prints its own arguments:

>>> from derive.sgd import sgd_step
>>> from derive.scalar import SquaredNorm
>>> from derive.expectation import E_b, E_P
>>> lecture_latex(sgd_step())
'\\Delta\\Phi - \\eta \\left(g_b + H_b \\Delta\\Phi\\right)'
>>> lecture_latex(E_P(E_b(SquaredNorm(g_b + H_b * DeltaPhi))))
'E_{\\Delta\\Phi \\sim P_\\eta} E_b \\|g_b + H_b \\Delta\\Phi\\|^2'

An expectation reaches to the end of its group (the lecture's convention), so one that is not
the last term of a sum is closed by parentheses:

>>> from derive.losses import ExampleLoss
>>> lecture_latex(E_b(ExampleLoss()) + E_P(SquaredNorm(DeltaPhi)))
'\\left(E_b \\mathcal{L}_b(\\Phi^*)\\right) + E_{\\Delta\\Phi \\sim P_\\eta} \\|\\Delta\\Phi\\|^2'
"""

from __future__ import annotations

from typing import Any, ClassVar

from sympy import Basic, MatMul, Mul, Pow, Symbol, Transpose, ZeroMatrix
from sympy.matrices.expressions.matexpr import MatrixSymbol
from sympy.printing.latex import LatexPrinter

__all__ = ["HeatcapLatexPrinter", "LectureLatexPrinter", "latex", "lecture_latex", "subscript"]


class HeatcapLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's transpose ``^\\top``."""

    def _print_Transpose(self, expr: Transpose) -> str:
        arg = expr.arg
        text = self._print(arg)
        if not arg.is_symbol:
            text = r"\left(" + text + r"\right)"
        return text + r"^\top"

    def _print_MatMul(self, expr: MatMul) -> str:
        """A product; an averaged matrix factor is parenthesized as in ``ΔΦᵀ (E_b H_b) ΔΦ``."""
        from derive.expectation import ExampleMean, StationaryMean

        parts = []
        for arg in expr.args:
            text = self._print(arg)
            if isinstance(arg, ExampleMean | StationaryMean) or arg.is_Add:
                text = r"\left(" + text + r"\right)"
            elif arg == -1:
                text = "-"
            parts.append(text)
        return " ".join(parts).replace("- ", "-", 1) if parts[0] == "-" else " ".join(parts)

    def _print_Mul(self, expr: Mul) -> str:
        """``\\frac{\\eta}{4} E[...]``: plain coefficients first, then the heatcap factors."""
        plain = [a for a in expr.args if _is_plain(a)]
        rich = [a for a in expr.args if not _is_plain(a)]
        if not plain or not rich:
            return super()._print_Mul(expr)
        coeff = Mul(*plain)
        body = " ".join(self._print_factor(a) for a in rich)
        if coeff == -1:
            return "- " + body
        head = self._print(coeff)
        if coeff.is_Add:
            head = r"\left(" + head + r"\right)"
        return head + " " + body

    def _print_factor(self, arg: Basic) -> str:
        text = self._print(arg)
        return r"\left(" + text + r"\right)" if arg.is_Add else text


def _is_plain(arg: Basic) -> bool:
    """A factor made of numbers and ordinary symbols only."""
    return all(type(node).__module__.startswith("sympy.") for node in arg.atoms(Basic) | {arg})


def latex(expr: Basic, **settings: Any) -> str:
    """LaTeX for a heatcap expression, in the lecture's notation."""
    return HeatcapLatexPrinter(settings).doprint(expr)


class LectureLatexPrinter(HeatcapLatexPrinter):
    r"""The lecture's notation: ``E_b``, ``g_b``, ``\|v\|^2``, ``\mathcal{L}_b`` and its term order.

    The classes of :mod:`derive` print themselves (their ``_latex`` is called with this printer,
    so every argument is shown in the lecture's notation); only the three whose own LaTeX
    differs from the lecture's spelling (``E_{b}``, ``\left\|v\right\|^{2}``,
    ``\mathcal{L}_{b}``) are respelled here.
    """

    _default_settings: ClassVar[dict[str, Any]] = {**HeatcapLatexPrinter._default_settings, "rate_name": None,
                                                   "law_name": None, "index_name": None}

    def _print_Symbol(self, expr: Symbol, style: str = "plain") -> str:
        """η under the name the setting gives the learning rate (``rate_name``)."""
        name = self._settings.get("rate_name")
        if name and expr.name == "eta" and expr.is_positive:
            return name
        return super()._print_Symbol(expr, style=style)

    def _print(self, expr: Any, **kwargs: Any) -> str:
        from derive.expectation import ExampleMean
        from derive.losses import ExampleLoss
        from derive.scalar import SquaredNorm

        sub = subscript(self._settings.get("index_name") or "b")  # the setting's example index
        if isinstance(expr, ExampleMean):
            return _respell(expr._latex(self), "E_{b} ", f"E_{sub} ")
        if isinstance(expr, ExampleLoss):
            return _respell(expr._latex(self), r"\mathcal{L}_{b}(", rf"\mathcal{{L}}_{sub}(")
        if isinstance(expr, SquaredNorm):
            return r"\|" + super()._print(expr.vector) + r"\|^2"
        return super()._print(expr, **kwargs)

    def _print_MatrixSymbol(self, expr: MatrixSymbol) -> str:
        """A matrix symbol by its own name: ``g_b``, ``H_b``, ``\\Delta\\Phi``."""
        return str(expr.name)

    def _print_ZeroMatrix(self, expr: ZeroMatrix) -> str:
        return "0"

    def _print_Add(self, expr: Any, order: Any = None) -> str:
        """A sum in the lecture's order; ``a - \\eta (...)`` rather than ``a + - \\eta (...)``."""
        out = ""
        terms = self._as_ordered_terms(expr, order=order)
        for i, term in enumerate(terms):
            negated = _negated(term) if i else None
            if negated is not None:
                out += " - "
                term = negated
            elif i:
                out += " + "
            text = self._print(term)
            # an expectation or limit reaches to the end of its group: stop it before the next term
            scoped = i < len(terms) - 1 and _opens_scope(term) and not text.endswith(r"\right]")
            brackets = scoped or self._needs_add_brackets(term)
            out += r"\left(" + text + r"\right)" if brackets else text
        return out

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Basic]:
        """SymPy's order, then (stably) the lecture's: losses, then by powers of η and of ΔΦ."""
        return sorted(super()._as_ordered_terms(expr, order=order), key=_lecture_key)


def _negated(term: Basic) -> Basic | None:
    """``-term`` when ``term`` carries a minus sign (also ``(-η) M`` for a matrix ``M``)."""
    if term.could_extract_minus_sign():
        return -term
    if isinstance(term, MatMul) and not term.args[0].is_Matrix and term.args[0].could_extract_minus_sign():
        head = -term.args[0]
        rest = term.args[1:]
        return MatMul(*rest) if head == 1 and len(rest) > 1 else rest[0] if head == 1 else MatMul(head, *rest)
    return None


def _opens_scope(term: Basic) -> bool:
    """Does ``term`` print as an expectation or a limit (maybe scaled) whose scope is open?"""
    from derive.expectation import ExampleMean, StationaryMean
    from derive.limits import LimitAtZero

    factors = term.args if isinstance(term, Mul | MatMul) else (term,)
    return any(isinstance(f, ExampleMean | StationaryMean | LimitAtZero) for f in factors)


def subscript(name: str) -> str:
    """``name`` as a subscript: one character as it is, longer names in braces (``E_b``, ``E_{i_1}``)."""
    return name if len(name) == 1 else "{" + name + "}"


def _respell(text: str, old: str, new: str) -> str:
    return new + text[len(old):] if text.startswith(old) else text


def _lecture_key(term: Basic) -> tuple[int, int, int]:
    from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss

    losses = (ConvergedLoss, ExampleLoss, TrainingLoss)
    has_loss = isinstance(term, losses) or any(isinstance(a, losses) for a in term.atoms(*losses))
    return (0 if has_loss else 1, _eta_degree(term), _state_degree(term))


def _eta_degree(term: Basic) -> int:
    """The power of η among the top-level factors of ``term`` (η inside averages is not counted)."""
    if isinstance(term, Symbol):
        return 1 if term.name == "eta" else 0
    if isinstance(term, Pow) and isinstance(term.base, Symbol) and term.exp.is_Integer:
        return int(term.exp) * _eta_degree(term.base)
    if isinstance(term, Mul | MatMul):
        return sum(_eta_degree(a) for a in term.args)
    return 0


def _state_degree(term: Basic) -> int:
    """How many times the state ΔΦ occurs in ``term`` (the law's own ΔΦ is not counted)."""
    from derive.expectation import StationaryMean
    from derive.symbols import StateVector

    if isinstance(term, StateVector):
        return 1
    if isinstance(term, StationaryMean):
        return _state_degree(term.expr)
    return sum(_state_degree(a) for a in term.args)


def lecture_latex(expr: Basic, **settings: Any) -> str:
    """LaTeX for a heatcap expression as the lecture's slides write it."""
    return LectureLatexPrinter(settings).doprint(expr)
