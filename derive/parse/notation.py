r"""The notation a proof is written in: which names mean which SymPy objects.

A :class:`Notation` fixes the example index (``b``), the SGD state (``\Delta\Phi``), its law
(``P_\eta``), the learning rate (``\eta``) and the declared symbols — vectors, symmetric
matrices and scalars, each either per-example (depends on b) or constant. Names are normalized
so that ``g_{b}`` and ``g_b``, or ``\Delta \Phi`` and ``\Delta\Phi``, are the same name.

>>> from derive.parse.notation import LECTURE, normalize
>>> normalize(r"\Delta \Phi"), normalize("g_{b}")
('\\Delta\\Phi', 'g_b')
>>> LECTURE.lookup("H_b")
H_b
>>> type(LECTURE.lookup("g_b")).__name__, LECTURE.rate
('ExampleVector', eta)
>>> LECTURE.gradient, LECTURE.hessian
(g_b, H_b)

A declared name must be a symbol's name (a letter or Greek macro, maybe after ``\Delta``, with an
optional subscript of letters, digits and Greek macros), and it may not shadow a name with a
built-in meaning:

>>> Notation.build("b", r"\Delta\Phi", r"P_\eta", r"\eta", (Declaration(r"\eta", "scalar"),))
Traceback (most recent call last):
...
derive.parse.errors.ProofFileError: symbol \eta: the name is the learning rate; choose another name
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sympy import Basic, Identity, Symbol

from derive.parse.errors import ProofFileError
from derive.parse.lexer import tokenize
from derive.symbols import (
    ConstantMatrix,
    ConstantVector,
    DeltaPhi,
    ExampleMatrix,
    ExampleVector,
    H_b,
    StateVector,
    b,
    d,
    eta,
    g_b,
)

__all__ = ["GREEK", "GREEK_LETTERS", "LECTURE", "Declaration", "Notation", "SymbolKind", "normalize"]

SymbolKind = Literal["vector", "matrix", "scalar"]

#: The Greek letters a name may use, by macro name, with the letter each one prints.
GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "ell": "ℓ",
}
GREEK = frozenset(GREEK_LETTERS)


def join_name(tokens: list) -> str:
    """The text of a name's tokens: braces dropped, one space only where a macro meets a letter
    (so that ``\\delta x`` stays readable LaTeX)."""
    out = ""
    for t in tokens:
        if t.text in "{}":
            continue
        if t.kind == "letter" and out[-1:].isalpha() and "\\" in out and out.rsplit("\\", 1)[1].isalpha():
            out += " "
        out += t.text
    return out


def normalize(latex: str) -> str:
    """The canonical name of a symbol written in LaTeX (see :func:`join_name`)."""
    return join_name(tokenize(latex))


RESERVED = {
    "E": "the expectation E",
    r"\Phi": "the parameters Φ",
    "L": "the loss L",
    "d": "the dimension d",
    "n": "the number of examples n",
    "T": "the transpose ^T",
    "I": "the identity matrix I",
    "c_B": "the minibatch constant c_B",
    r"\eta": "the learning rate η",
    r"\Delta\Phi": "the SGD state ΔΦ",
}


def _is_name(tokens: list) -> bool:
    """Is the token list one symbol name: base, optional ``\\Delta`` prefix, optional subscript?"""
    def base(t: object) -> bool:
        return t.kind == "letter" or (t.kind == "cmd" and t.text[1:] in GREEK)

    i = 0
    if len(tokens) > 1 and tokens[0].text in (r"\Delta", r"\delta") and base(tokens[1]):
        i = 1
    if i >= len(tokens) or not base(tokens[i]):
        return False
    rest = tokens[i + 1:]
    if not rest:
        return True
    if rest[0].text != "_" or len(rest) < 2:
        return False
    script = rest[1:]
    if script[0].text == "{":
        if script[-1].text != "}" or len(script) < 3:
            return False
        script = script[1:-1]
    elif len(script) != 1:
        return False
    return all(t.kind in ("letter", "number") or base(t) for t in script)


def symbol_name(latex: str, taken: dict[str, str]) -> str:
    """The normalized name of a declared symbol, or a ProofFileError saying why it cannot be one."""
    try:
        tokens = tokenize(latex)
    except ProofFileError:
        tokens = []
    if not _is_name(tokens):
        raise ProofFileError(
            f"symbol {latex}: not a symbol name; write a letter or Greek letter with an optional "
            "subscript, e.g. a_b, \\beta, u_{2}"
        )
    name = normalize(latex)
    if name in taken:
        raise ProofFileError(f"symbol {latex}: the name is {taken[name]}; choose another name")
    return name


@dataclass(frozen=True)
class Declaration:
    """A declared symbol: its LaTeX, its kind, and whether it depends on the example index."""

    latex: str
    kind: SymbolKind
    per_example: bool = False

    def build(self) -> Basic:
        """The SymPy object the declaration stands for."""
        name = normalize(self.latex)
        if self.kind == "scalar":
            if self.per_example:
                raise ProofFileError(f"symbol {self.latex}: per-example scalars are not supported")
            return Symbol(name.lstrip("\\"))
        if self.kind == "vector":
            return (ExampleVector if self.per_example else ConstantVector)(name, d, 1)
        return (ExampleMatrix if self.per_example else ConstantMatrix)(name, d, d)


def _rate_symbol(name: str) -> Symbol:
    """The rate is always heatcap's η inside (whatever the setting calls it), so that limits,
    derivatives and moment equations in it are read; the setting's name is for the reader."""
    return eta


@dataclass(frozen=True)
class Notation:
    """The setting of a proof: index, state, law, rate, the declared symbols by name, and which
    declared symbols are the gradient g_b and the Hessian H_b of L_b at Φ* (the roles that the
    expansion and the SGD step speak of)."""

    index: str = "b"
    state_name: str = r"\Delta\Phi"
    law: str = r"P_\eta"
    rate_name: str = r"\eta"
    symbols: tuple[tuple[str, Basic], ...] = ((g_b.name, g_b), (H_b.name, H_b))
    gradient_name: str = "g_b"
    hessian_name: str = "H_b"

    @classmethod
    def build(
        cls, index: str, state: str, law: str, rate: str, declarations: tuple[Declaration, ...],
        gradient: str | None = None, hessian: str | None = None,
    ) -> Notation:
        """A notation from the LaTeX of its parts (as written in a proof file)."""
        parts = cls(normalize(index), normalize(state), normalize(law), normalize(rate))
        taken = {**RESERVED, parts.index: "the example index", parts.state_name: "the SGD state",
                 parts.law: "the stationary law", parts.rate_name: "the learning rate"}
        symbols = []
        for x in declarations:
            name = symbol_name(x.latex, taken)
            taken[name] = "declared twice"
            symbols.append((name, x.build()))
        grad = normalize(gradient) if gradient else f"g_{parts.index}"
        hess = normalize(hessian) if hessian else f"H_{parts.index}"
        return cls(parts.index, parts.state_name, parts.law, parts.rate_name, tuple(symbols), grad, hess)

    @property
    def gradient(self) -> Basic | None:
        """The declared per-example vector that is the gradient g_b (None if not declared)."""
        value = dict(self.symbols).get(self.gradient_name)
        return value if isinstance(value, ExampleVector) else None

    @property
    def hessian(self) -> Basic | None:
        """The declared per-example matrix that is the Hessian H_b (None if not declared)."""
        value = dict(self.symbols).get(self.hessian_name)
        return value if isinstance(value, ExampleMatrix) else None

    @property
    def state(self) -> StateVector:
        return DeltaPhi if self.state_name == DeltaPhi.name else StateVector(self.state_name, d, 1)

    @property
    def rate(self) -> Symbol:
        return _rate_symbol(self.rate_name)

    @property
    def printing(self) -> dict[str, str | None]:
        """How reports print η, P_η and the index b: the setting's names (None where they are the
        lecture's)."""
        return {"rate_name": None if self.rate_name == r"\eta" else self.rate_name,
                "law_name": None if self.law == r"P_\eta" else self.law,
                "index_name": None if self.index == "b" else self.index}

    @property
    def index_symbol(self) -> Symbol:
        return b if self.index == "b" else Symbol(self.index, integer=True, positive=True)

    def lookup(self, name: str) -> Basic | None:
        """The object a normalized name stands for (declared symbols, the state, the rate)."""
        fixed = {self.state_name: self.state, self.rate_name: self.rate, self.index: self.index_symbol,
                 "I": Identity(d)}
        return dict(self.symbols).get(name, fixed.get(name))

    def names(self) -> list[str]:
        """Every name this notation knows, for error messages."""
        return sorted({*dict(self.symbols), self.state_name, self.rate_name})


LECTURE = Notation()
