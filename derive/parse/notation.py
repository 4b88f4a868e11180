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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sympy import Basic, Symbol

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

__all__ = ["GREEK", "LECTURE", "Declaration", "Notation", "SymbolKind", "normalize"]

SymbolKind = Literal["vector", "matrix", "scalar"]

GREEK = frozenset(
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
        "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
        "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
        "Upsilon", "Phi", "Psi", "Omega", "ell",
    }
)


def normalize(latex: str) -> str:
    """The canonical name of a symbol written in LaTeX (spaces and braces dropped)."""
    return "".join(t.text for t in tokenize(latex) if t.text not in "{}")


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
    return eta if name == r"\eta" else Symbol(name.lstrip("\\"), positive=True)


@dataclass(frozen=True)
class Notation:
    """The setting of a proof: index, state, law, rate, and the declared symbols by name."""

    index: str = "b"
    state_name: str = r"\Delta\Phi"
    law: str = r"P_\eta"
    rate_name: str = r"\eta"
    symbols: tuple[tuple[str, Basic], ...] = ((g_b.name, g_b), (H_b.name, H_b))

    @classmethod
    def build(
        cls, index: str, state: str, law: str, rate: str, declarations: tuple[Declaration, ...]
    ) -> Notation:
        """A notation from the LaTeX of its parts (as written in a proof file)."""
        symbols = tuple((normalize(x.latex), x.build()) for x in declarations)
        return cls(normalize(index), normalize(state), normalize(law), normalize(rate), symbols)

    @property
    def state(self) -> StateVector:
        return DeltaPhi if self.state_name == DeltaPhi.name else StateVector(self.state_name, d, 1)

    @property
    def rate(self) -> Symbol:
        return _rate_symbol(self.rate_name)

    @property
    def index_symbol(self) -> Symbol:
        return b if self.index == "b" else Symbol(self.index, integer=True, positive=True)

    def lookup(self, name: str) -> Basic | None:
        """The object a normalized name stands for (declared symbols, the state, the rate)."""
        fixed = {self.state_name: self.state, self.rate_name: self.rate, self.index: self.index_symbol}
        return dict(self.symbols).get(name, fixed.get(name))

    def names(self) -> list[str]:
        """Every name this notation knows, for error messages."""
        return sorted({*dict(self.symbols), self.state_name, self.rate_name})


LECTURE = Notation()
