r"""LaTeX derivations: the verified article and the lecture deck, compiled by real pdflatex.

``heatcap latex [FILE] [--as-written] [--slides] [--pdf] [--data DATA.csv --eta ETA] -o OUT.tex``
(see :mod:`verify.latexdoc.command`) checks a proof and typesets it:

* :func:`article_latex` — a standalone ``article`` (:mod:`verify.latexdoc.article`);
* :func:`slides_latex` — a ``beamer`` deck (:mod:`verify.latexdoc.slides`);
* :func:`compile_pdf` — pdflatex twice, or latexmk, in a temporary directory
  (:mod:`verify.latexdoc.compile`);
* :func:`numeric_appendix` — the numeric backend's cross-validation table
  (:mod:`verify.latexdoc.appendix`).

The expressions are printed by :func:`derive.printing.lecture_latex`, in the lecture's notation.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> from verify.latexdoc import article_latex
>>> proof = heat_capacity_proof(as_written=True)
>>> tex = article_latex(proof, check_proof(proof))
>>> tex.count(r"\hcrefuted{}") >= 1
True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "NumericAppendix": "appendix", "appendix_latex": "appendix", "numeric_appendix": "appendix",
    "article_latex": "article", "CompileResult": "compile", "LatexError": "compile",
    "compile_pdf": "compile", "find_engine": "compile", "Erratum": "erratum", "find_errata": "erratum",
    "slides_latex": "slides",
}


def __getattr__(name: str) -> Any:
    """The package's names, imported on first use (``heatcap`` starts without SymPy's weight)."""
    if name in _HOME:
        return getattr(import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CompileResult",
    "Erratum",
    "LatexError",
    "NumericAppendix",
    "appendix_latex",
    "article_latex",
    "compile_pdf",
    "find_engine",
    "find_errata",
    "numeric_appendix",
    "slides_latex",
]
