r"""A recursive-descent reader of one line of the lecture's LaTeX.

Grammar (juxtaposition is multiplication; see :mod:`derive.parse.algebra`)::

    row     := [sum] (relation sum)*            relation: = \doteq \succ \succeq \perp \le \ge
    sum     := [+|-] term ((+|-) term)* [+ \dots]
    term    := factor ((\cdot|*)? factor)*
    factor  := E_b body | E_{\Delta\Phi \sim P_\eta} body | \lim_{\eta \rightarrow 0} body
             | atom (^\top | ^2)*
    body    := sum                              (the scope convention: to the end of the group)
    atom    := number | symbol | ( sum ) | [ sum ] | \left( sum \right) | { sum }
             | \|sum\|^2 | ||sum||^2 | \left\| sum \right\|^2 | \frac{sum}{sum}
             | \mathcal{L}_b(point) | \mathcal{L}(point) | {\cal L}... | \operatorname{tr}(sum)
             | \frac{\partial X}{\partial \eta}|_{\eta=0} | \left.\frac{dX}{d\eta}\right|_{\eta=0}

>>> from derive.parse.expression import parse_expression
>>> from derive.printing import latex
>>> latex(parse_expression(r"E_{\Delta \Phi \sim P_\eta} E_b - 2\eta\Delta\Phi^\top g_b + \eta^2"))
'E_{\\Delta\\Phi \\sim P_\\eta} E_{b} \\left[\\eta^{2} - 2 \\eta \\Delta\\Phi^\\top g_{b}\\right]'
>>> parse_expression(r"(E_b - H_b)")
ExampleMeanMatrix(-H_b)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from sympy import Basic, Integer, Rational, Trace

from derive.expectation import E_P, E_b
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.parse import algebra
from derive.parse.errors import LatexError
from derive.parse.lexer import Token, tokenize
from derive.parse.limits import bounded_sum, exponent
from derive.parse.notation import GREEK, LECTURE, Notation, join_name

__all__ = ["RELATIONS", "ExpressionParser", "parse_expression"]

RELATIONS = frozenset({"=", r"\doteq", r"\succ", r"\succeq", r"\perp", r"\le", r"\leq", r"\ge", r"\geq"})
FRACS = frozenset({r"\frac", r"\tfrac", r"\dfrac"})
DOTS = frozenset({r"\dots", r"\ldots", r"\cdots"})
TIMES = frozenset({r"\cdot", r"\times", "*"})
NOT_STARTING = frozenset(
    {r"\right", r"\sim", r"\rightarrow", r"\to", r"\partial", r"\top", r"\intercal", "\\\\"}
) | DOTS | TIMES | RELATIONS
TRANSPOSES = frozenset({r"\top", "T", r"\intercal", r"\mathsf{T}"})
OPENERS = {"(": ")", "[": "]", "{": "}"}
LEFT_OPENERS = {"(": ")", "[": "]", r"\{": r"\}"}


def _name_text(tokens: list[Token]) -> str:
    return join_name(tokens)


class ExpressionParser:
    """Reads the tokens of one line; errors point at a column of ``text``."""

    def __init__(self, text: str, notation: Notation = LECTURE, tokens: list[Token] | None = None) -> None:
        self.text = text
        self.notation = notation
        toks = tokenize(text) if tokens is None else tokens
        spaced = [t for t in toks if t.kind != "quad"]
        self.toks = [*spaced, Token("end", "", len(text), len(text))]
        self.i = 0
        self.stops: list[str] = []
        self.bare_loss = False

    # -- token helpers ------------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok.kind != "end" and tok.text in texts

    def accept(self, *texts: str) -> Token | None:
        return self.next() if self.at(*texts) else None

    def fail(self, message: str, tok: Token | None = None) -> NoReturn:
        raise LatexError(message, self.text, (tok or self.peek()).start)

    def expect(self, text: str, what: str | None = None) -> Token:
        if self.at(text):
            return self.next()
        self.fail(f"expected {what or repr(text)}, found {self.found()}")

    def found(self, tok: Token | None = None) -> str:
        tok = tok or self.peek()
        return "the end of the line" if tok.kind == "end" else repr(tok.text)

    def algebra(self, build: Callable[[], Basic], tok: Token) -> Basic:
        try:
            return build()
        except algebra.AlgebraError as exc:
            self.fail(str(exc), tok)

    # -- sums, terms, factors -----------------------------------------------------------
    def starts_factor(self, tok: Token) -> bool:
        if tok.kind in ("end", "quad", "text"):
            return False
        if tok.kind == "norm":
            return not (self.stops and self.stops[-1] == "norm")
        if tok.kind == "char":
            return tok.text in "([{"
        return tok.text not in NOT_STARTING

    @bounded_sum
    def parse_sum(self) -> Basic:
        sign = self.accept("+", "-")
        value = self.parse_term()
        if sign is not None and sign.text == "-":
            value = self.algebra(lambda v=value: algebra.guarded(-v, v), sign)
        while self.at("+", "-"):
            op = self.next()
            if op.text == "+" and self.accept(*DOTS):
                return value + algebra.HigherOrder(self.notation.rate)
            term = self.parse_term()
            right = term if op.text == "+" else -term
            value = self.algebra(lambda v=value, r=right: algebra.add(v, r), op)
        return value

    def parse_term(self) -> Basic:
        if self.peek().text in DOTS:
            self.fail(f"{self.peek().text} may only end a sum, as in '+ \\dots'")
        if not self.starts_factor(self.peek()):
            self.fail(f"expected a term, found {self.found()}")
        items: list[Basic] = []
        starts: list[Token] = []
        while True:
            starts.append(self.peek())
            item, scoped = self.parse_factor()
            items.append(item)
            if scoped:
                break
            if self.accept(*TIMES) and not self.starts_factor(self.peek()):
                self.fail(f"expected a factor after the product sign, found {self.found()}")
            if not self.starts_factor(self.peek()):
                break
        try:
            return algebra.product(items)
        except algebra.AlgebraError as exc:
            self.fail(str(exc), starts[exc.index])

    def parse_factor(self) -> tuple[Basic, bool]:
        """A factor, and whether it was an operator whose scope ran to the end of the group."""
        tok = self.peek()
        if self.is_expectation(tok):
            return self.parse_expectation(), True
        if tok.text == r"\lim":
            return self.parse_limit(), True
        atom = self.parse_atom()
        return self.parse_postfix(atom), False

    def parse_body(self, label: str) -> Basic:
        if not (self.starts_factor(self.peek()) or self.at("+", "-")):
            self.fail(
                f"{label} needs an expression to its right (its scope runs to the end of the group), "
                f"found {self.found()}"
            )
        return self.parse_sum()

    # -- expectations and limits --------------------------------------------------------
    def is_expectation(self, tok: Token) -> bool:
        if tok.text == r"\mathbb":
            return True
        return tok.kind == "letter" and tok.text == "E" and self.notation.lookup("E") is None

    def parse_expectation(self) -> Basic:
        op = self.next()
        if op.text == r"\mathbb":
            self.expect("{")
            self.expect("E", "E in \\mathbb{E}")
            self.expect("}")
        if not self.at("_"):
            self.fail("an expectation needs a subscript: E_b or E_{\\Delta\\Phi \\sim P_\\eta}")
        self.next()
        sub_start = self.peek()
        sub = self.read_script()
        n = self.notation
        if _name_text(sub) == n.index:
            return E_b(self.parse_body(f"E_{n.index}"))
        names = [x.strip() for x in _name_text(sub).split(r"\sim")]
        if len(names) == 2 and names[0] == n.state_name and names[1] == n.law:
            return E_P(self.parse_body(f"E_{{{n.state_name} \\sim {n.law}}}"), n.state, n.rate)
        rate = self.law_rate(sub) if len(names) == 2 and names[0] == n.state_name else None
        if rate is not None:
            return E_P(self.parse_body(f"E_{{{n.state_name} \\sim {names[1]}}}"), n.state, rate)
        self.fail(
            f"expected E_{n.index} or E_{{{n.state_name} \\sim {n.law}}}, "
            f"found E_{{{' '.join(t.text for t in sub if t.text not in '{}')}}}",
            sub_start,
        )

    def law_rate(self, sub: list[Token]) -> Basic | None:
        """The rate r of a law written P_r (P_{2\\eta}: the stationary law at twice the rate)."""
        base = self.notation.law.removesuffix(self.notation.rate_name)
        after = next((k for k, t in enumerate(sub) if t.text == r"\sim"), None)
        if after is None or not base.endswith("_") or _name_text(sub[after + 1:]) == self.notation.law:
            return None
        rest = sub[after + 1:-1] if sub[-1].text == "}" else sub[after + 1:]
        head = _name_text(rest[:2]) if len(rest) > 2 else ""
        if head != base:
            return None
        start, end = rest[2].start, rest[-1].end
        rate = parse_expression(self.text[start:end], self.notation)
        c = rate / self.notation.rate
        if not (c.is_Rational and c > 0):
            found = self.text[start:end]
            self.fail(f"a stationary law is read at a positive multiple of the rate, found {found}", rest[2])
        return rate

    def read_script(self) -> list[Token]:
        """The tokens of a sub- or superscript: one token, or a braced group (with braces)."""
        if not self.at("{"):
            tok = self.next()
            if tok.kind == "end":
                self.fail("expected a sub- or superscript, found the end of the line", tok)
            return [tok]
        out = [self.next()]
        depth = 1
        while depth:
            tok = self.next()
            depth += {"{": 1, "}": -1}.get(tok.text, 0) if tok.kind == "char" else 0
            out.append(tok)
        return out

    def parse_limit(self) -> Basic:
        self.next()
        self.expect("_", "a subscript \\lim_{\\eta \\rightarrow 0}")
        self.expect("{", "'{' in \\lim_{\\eta \\rightarrow 0}")
        self.expect_rate()
        if not self.accept(r"\rightarrow", r"\to"):
            self.fail(f"expected \\rightarrow in \\lim_{{\\eta \\rightarrow 0}}, found {self.found()}")
        self.expect_zero()
        if self.accept("^"):
            self.read_script()
        self.expect("}", "'}' to close the subscript of \\lim")
        rate = self.notation.rate
        return LimitAtZero(self.parse_body("\\lim"), rate)

    def expect_rate(self) -> None:
        tok = self.peek()
        name = self.read_name() if self.starts_name(tok) else None
        if name != self.notation.rate_name:
            self.fail(f"expected the learning rate {self.notation.rate_name}", tok)

    def expect_zero(self) -> None:
        if not (self.peek().kind == "number" and self.peek().text == "0"):
            self.fail(f"expected 0, found {self.found()}")
        self.next()

    # -- atoms --------------------------------------------------------------------------
    def parse_atom(self) -> Basic:
        tok = self.peek()
        if tok.kind == "number":
            self.next()
            return Rational(tok.text) if "." in tok.text else Integer(tok.text)
        if tok.kind == "norm":
            return self.parse_norm()
        if tok.kind == "char" and tok.text in OPENERS:
            return self.parse_braced_or_group()
        special = self.special_atoms().get(tok.text)
        if special is not None:
            return special()
        if self.starts_name(tok):
            return self.parse_symbol()
        if tok.text in DOTS:
            self.fail(f"{tok.text} may only end a sum, as in '+ \\dots'")
        if tok.kind == "cmd":
            self.fail(f"unknown macro {tok.text}")
        self.fail(f"expected a term, found {self.found()}")

    def special_atoms(self) -> dict[str, Callable[[], Basic]]:
        return {
            r"\left": self.parse_left,
            r"\mathcal": self.parse_mathcal,
            r"\cal": self.parse_cal,
            r"\operatorname": self.parse_operator,
            r"\mathrm": self.parse_operator,
            **dict.fromkeys(FRACS, self.parse_frac),
        }

    def starts_name(self, tok: Token) -> bool:
        if tok.kind == "letter":
            return True
        return tok.kind == "cmd" and tok.text[1:] in GREEK

    def read_name(self) -> str:
        """A symbol's normalized name: base letter or Greek macro, ``\\Delta`` prefix, subscript."""
        tokens = [self.next()]
        if tokens[0].text in (r"\Delta", r"\delta") and self.starts_name(self.peek()):
            tokens.append(self.next())
        if self.at("_"):
            tokens.append(self.next())
            tokens += self.read_script()
        return _name_text(tokens)

    def parse_symbol(self) -> Basic:
        tok = self.peek()
        name = self.read_name()
        value = self.notation.lookup(name)
        if value is not None:
            return value
        if name == r"\Phi":
            self.fail("the parameters \\Phi appear only as the argument of a loss: \\mathcal{L}(\\Phi)", tok)
        if name == self.notation.law:
            self.fail(f"the law {name} appears only in E_{{{self.notation.state_name} \\sim {name}}}", tok)
        known = ", ".join(self.notation.names())
        self.fail(f"undeclared symbol {name}; declared: {known}", tok)

    def power(self, atom: Basic, sup: str) -> Basic:
        """atom^sup for an integer written sup (bounded; a negative power only of a valid divisor)."""
        return algebra.power(atom, exponent(atom, sup), self.notation.rate)

    def parse_postfix(self, atom: Basic) -> Basic:
        while self.at("^"):
            self.next()
            tok = self.peek()
            sup = _name_text(self.read_script())
            if sup in TRANSPOSES:
                atom = self.algebra(lambda a=atom: algebra.transpose(a), tok)
            elif sup.lstrip("-").isdigit():
                atom = self.algebra(lambda a=atom, s=sup: self.power(a, s), tok)
            elif sup == "*":
                self.fail("^* marks the optimum \\Phi^* and is read only inside \\mathcal{L}(...)", tok)
            else:
                self.fail(f"expected ^\\top or an integer power, found ^{sup}", tok)
        if self.at("_"):
            self.fail("a subscript here is not understood (subscripts belong to symbols, E_b and \\lim)")
        return atom

    # -- groups and norms ---------------------------------------------------------------
    def inner_sum(self, closer: str) -> Basic:
        self.stops.append(closer)
        try:
            return self.parse_sum()
        finally:
            self.stops.pop()

    def parse_braced_or_group(self) -> Basic:
        opener = self.next()
        if opener.text == "{" and self.at(r"\cal", r"\mathcal"):
            return self.parse_braced_cal()
        value = self.inner_sum(OPENERS[opener.text])
        self.close(OPENERS[opener.text], opener)
        return value

    def close(self, closer: str, opener: Token) -> None:
        if not self.at(closer):
            self.fail(
                f"expected '{closer}' to close the '{opener.text}' at column {opener.start + 1}, "
                f"found {self.found()}"
            )
        self.next()

    def parse_left(self) -> Basic:
        left = self.next()
        delim = self.next()
        if delim.text == ".":
            return self.parse_evaluated_derivative()
        if delim.kind == "norm":
            value = self.inner_sum(r"\right")
            self.close_right(r"\|", left)
            return self.squared(value, left)
        closer = LEFT_OPENERS.get(delim.text)
        if closer is None:
            self.fail(f"expected a delimiter after \\left: ( [ \\| or ., found {self.found(delim)}", delim)
        value = self.inner_sum(r"\right")
        self.close_right(closer, left)
        return value

    def close_right(self, closer: str, left: Token) -> None:
        if not self.at(r"\right"):
            self.fail(f"expected \\right{closer} to close the \\left at column {left.start + 1}, "
                      f"found {self.found()}")
        self.next()
        if self.peek().text != closer:
            self.fail(f"expected \\right{closer} to match the \\left at column {left.start + 1}")
        self.next()

    def parse_norm(self) -> Basic:
        opener = self.next()
        value = self.inner_sum("norm")
        if self.peek().kind != "norm":
            self.fail(f"expected '\\|' to close the norm opened at column {opener.start + 1}, "
                      f"found {self.found()}")
        self.next()
        return self.squared(value, opener)

    def squared(self, value: Basic, opener: Token) -> Basic:
        if not self.at("^"):
            self.fail("only squared norms are read: write \\|v\\|^2")
        self.next()
        if _name_text(self.read_script()) != "2":
            self.fail("only squared norms are read: write \\|v\\|^2", opener)
        return self.algebra(lambda: algebra.squared_norm(value), opener)

    # -- fractions and derivatives ------------------------------------------------------
    def braced(self) -> Basic:
        opener = self.expect("{", "'{' (the arguments of \\frac are braced)")
        value = self.inner_sum("}")
        self.close("}", opener)
        return value

    def is_derivative(self) -> bool:
        if not (self.at("{") and self.peek(1).text in (r"\partial", "d")):
            return False
        depth, k = 0, 0
        while True:
            tok = self.peek(k)
            if tok.kind == "end":
                return False
            depth += {"{": 1, "}": -1}.get(tok.text, 0) if tok.kind == "char" else 0
            if depth == 0:
                return self.peek(k + 1).text == "{" and self.peek(k + 2).text in (r"\partial", "d")
            k += 1

    def parse_frac(self) -> Basic:
        frac = self.next()
        if self.is_derivative():
            body = self.derivative_parts()
            if not self.at("|"):
                self.fail("a derivative is read only at \\eta = 0: add |_{\\eta=0} (or \\Big|_{\\eta=0})")
            self.next()
            self.evaluation_point()
            return DerivativeAtZero(body, self.notation.rate)
        num, den = self.braced(), self.braced()
        return self.algebra(lambda: algebra.divide(num, den, self.notation.rate), frac)

    def derivative_parts(self) -> Basic:
        """The X of ``{\\partial X}{\\partial \\eta}``; a bare \\mathcal{L} there is L(η)."""
        opener = self.expect("{")
        self.next()
        self.bare_loss = True
        try:
            body = self.inner_sum("}")
        finally:
            self.bare_loss = False
        self.close("}", opener)
        opener = self.expect("{")
        self.next()
        self.expect_rate()
        self.close("}", opener)
        return body

    def evaluation_point(self) -> None:
        self.expect("_", "the point of evaluation |_{\\eta=0}")
        opener = self.expect("{", "'{' in |_{\\eta=0}")
        self.expect_rate()
        self.expect("=", "'=' in |_{\\eta=0}")
        self.expect_zero()
        self.close("}", opener)

    def parse_evaluated_derivative(self) -> Basic:
        usage = ("\\left. is read only around a derivative: "
                 "\\left.\\frac{\\partial X}{\\partial \\eta}\\right|")
        if not self.at(*FRACS):
            self.fail(usage)
        self.next()
        if not self.is_derivative():
            self.fail(usage)
        body = self.derivative_parts()
        if not self.accept(r"\right") or not self.accept("|"):
            self.fail(f"expected \\right| after the derivative, found {self.found()}")
        self.evaluation_point()
        return DerivativeAtZero(body, self.notation.rate)

    # -- losses and operators -----------------------------------------------------------
    def parse_mathcal(self) -> Basic:
        head = self.next()
        self.expect("{", "'{' in \\mathcal{L}")
        if not self.at("L"):
            self.fail(f"only \\mathcal{{L}} (the loss) is known, found \\mathcal{{{self.peek().text}}}")
        self.next()
        self.expect("}")
        return self.parse_loss(head)

    def parse_cal(self) -> Basic:
        head = self.next()
        self.expect("L", "L after \\cal (the loss {\\cal L})")
        return self.parse_loss(head)

    def parse_braced_cal(self) -> Basic:
        head = self.next()
        self.expect("L", "L after \\cal (the loss {\\cal L})")
        self.expect("}", "'}' to close {\\cal L}")
        return self.parse_loss(head)

    def parse_loss(self, head: Token) -> Basic:
        example = False
        if self.accept("_"):
            tok = self.peek()
            if _name_text(self.read_script()) != self.notation.index:
                self.fail(f"expected the example index {self.notation.index} as the loss's subscript", tok)
            example = True
        if self.at("(") or (self.at(r"\left") and self.peek(1).text == "("):
            return self.parse_point(example)
        if example:
            return ExampleLoss()
        if self.bare_loss:
            return ConvergedLoss(self.notation.rate, self.notation.state)
        self.fail("the loss needs its argument: \\mathcal{L}(\\Phi^*), \\mathcal{L}(\\Phi) "
                  "or \\mathcal{L}(\\eta)")

    def parse_point(self, example: bool) -> Basic:
        left = self.next()
        closer = ")"
        if left.text == r"\left":
            self.next()
        loss = ExampleLoss if example else TrainingLoss
        if self.at(r"\Phi"):
            value = loss(self.parse_parameters())
        else:
            tok = self.peek()
            rate = self.inner_sum(closer)
            if example or algebra.is_matrix(rate):
                self.fail("expected a point: \\Phi^*, \\Phi^* + v or \\Phi", tok)
            self.check_rate(rate, tok)
            value = ConvergedLoss(rate, self.notation.state)
        if left.text == r"\left":
            self.close_right(closer, left)
        else:
            self.close(closer, left)
        return value

    def check_rate(self, rate: Basic, tok: Token) -> None:
        """The converged loss is read at 0 (the limit) or at a positive multiple c·η of the rate."""
        eta = self.notation.rate
        c = rate / eta
        if rate != 0 and not (c.is_Rational and c > 0):
            self.fail(f"the converged loss \\mathcal{{L}}(r) is read at r = 0 (its limit) or at a positive "
                      f"multiple of the rate, c {self.notation.rate_name}; found {rate}", tok)

    def parse_parameters(self) -> Basic | None:
        """The offset D of the point Φ* + D (None for Φ*); Φ alone is Φ* + ΔΦ."""
        self.next()
        if not self.accept("^"):
            return self.notation.state
        tok = self.peek()
        if _name_text(self.read_script()) != "*":
            self.fail("expected ^* (the optimum \\Phi^*)", tok)
        if not self.at("+"):
            return None
        op = self.next()
        offset = self.inner_sum(")")
        if not algebra.is_matrix(offset) or offset.shape[1] != 1:
            self.fail(f"the offset of \\Phi^* + v must be a vector, not {algebra.describe(offset)}", op)
        return offset

    def parse_operator(self) -> Basic:
        self.next()
        name = _name_text(self.read_script())
        if name != "tr":
            self.fail(f"unknown operator {name}; only \\operatorname{{tr}} is known")
        tok = self.peek()
        value = self.parse_postfix(self.parse_atom())
        if not algebra.is_matrix(value) or value.shape[0] != value.shape[1]:
            self.fail("the trace needs a square matrix", tok)
        return Trace(value)


def parse_expression(latex: str, notation: Notation = LECTURE) -> Basic:
    """One expression in the lecture's notation (no relation)."""
    parser = ExpressionParser(latex, notation)
    value = parser.parse_sum()
    if parser.peek().kind != "end":
        parser.fail(f"unexpected {parser.found()}; expected an operator (+, -) or the end of the expression")
    return value
