r"""Plain text and numbers made safe for pdflatex.

The hypotheses, notes and implicit assumptions of a proof are written in Unicode (ΔΦ, η, ‖·‖²,
→, ≤ …) with bits of LaTeX.  :func:`tex_text` escapes the characters LaTeX treats specially and
sets every math-looking word (one with Greek letters, math symbols, ``_``, ``^`` or a
backslash) in inline math, so that pdflatex never meets an unset Unicode character:

>>> tex_text("E_{P_η}‖ΔΦ‖² → 0 as η → 0")
'$E_{P_\\eta}\\|\\Delta\\Phi\\|^{2}$ $\\rightarrow$ 0 as $\\eta$ $\\rightarrow$ 0'
>>> tex_text("50% & more")
'50\\% \\& more'

A bare spacing command stays visible as text: ``\\;`` is a thick space, and set in math it
would vanish:

>>> tex_text("(E_b \\; H_b)")
'$(E_b$ \\textbackslash{}; $H_b)$'

:func:`tex_value` prints one number (or expression in η) of a counterexample:

>>> tex_value("-183873076670824/556349362605615")
'- \\frac{183873076670824}{556349362605615}'
>>> tex_value("eta/10")
'\\frac{\\eta}{10}'
"""

from __future__ import annotations

import re
import unicodedata

from sympy import Symbol
from sympy.parsing.sympy_parser import parse_expr

from derive.printing import latex

__all__ = ["UNICODE_MATH", "tex_escape", "tex_text", "tex_value"]

#: Unicode characters of heatcap's texts and their LaTeX (math mode).
UNICODE_MATH: dict[str, str] = {
    "Δ": r"\Delta ", "Φ": r"\Phi ", "η": r"\eta ", "Λ": r"\Lambda ", "λ": r"\lambda ",
    "Σ": r"\Sigma ", "σ": r"\sigma ", "κ": r"\kappa ", "μ": r"\mu ", "ε": r"\varepsilon ",
    "δ": r"\delta ", "φ": r"\phi ", "∇": r"\nabla ", "‖": r"\|", "²": "^{2}", "³": "^{3}",
    "ᵀ": r"^{\top}", "→": r"\rightarrow ", "−": "-", "≤": r"\le ", "≥": r"\ge ", "∼": r"\sim ",
    "⪯": r"\preceq ", "≻": r"\succ ", "⊥": r"\perp ", "𝓛": r"\mathcal{L}", "·": r"\cdot ",
    "≐": r"\doteq ", "≈": r"\approx ", "∈": r"\in ", "⊗": r"\otimes ", "∞": r"\infty ",
    "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}", "₁": "_{1}", "₂": "_{2}", "×": r"\times ",
    "⁺": "^{+}", "…": r"\dots ", "≠": r"\ne ", "⟂": r"\perp ",
}
_TEXT_ONLY = {"—": "---", "–": "--", "’": "'", "‘": "`", "“": "``", "”": "''", "\u00a0": "~"}
_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
_MATHY = re.compile(r"[_^\\]|<=|>=|[" + "".join(UNICODE_MATH) + "]")
_ETA = Symbol("eta", positive=True)
_SPACING = re.compile(r"[(\[]*\\(?:[,:;!>]|q?quad)[)\],.;:]*")


def _ascii(char: str) -> str:
    """A last resort for characters LaTeX does not know: their ASCII decomposition, or ``?``."""
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "?"


def tex_escape(text: str) -> str:
    """``text`` as LaTeX text: special characters escaped, Unicode replaced; no math."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _TEXT_ONLY:
            out.append(_TEXT_ONLY[char])
        elif char in UNICODE_MATH:
            out.append("$" + UNICODE_MATH[char].strip() + "$")
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append(_ascii(char))
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _math_word(word: str) -> str | None:
    """A math-looking word as inline math, or None when it cannot be set safely (or when it is
    a bare spacing command such as ``\\;``, which would vanish into a space when typeset)."""
    body = word.replace("<=", "≤").replace(">=", "≥")
    if not _balanced(body) or body.endswith("\\") or any(c in "$%&#~" for c in body):
        return None
    if _SPACING.fullmatch(body):
        return None
    text = "".join(UNICODE_MATH.get(c, c) for c in body)
    text = re.sub(r"\*", r"^{*}", text)
    text = re.sub(r"_([A-Za-z]{2,})", r"_{\\mathrm{\1}}", text)
    text = re.sub(r"(\\[A-Za-z]+) (?![A-Za-z])", r"\1", text)
    if any(ord(c) >= 128 for c in text) or re.search(r"[_^]$", text):
        return None
    return "$" + text + "$"


def tex_text(text: str) -> str:
    """``text`` (Unicode with bits of LaTeX) as LaTeX text with inline math for math words."""
    out = []
    for word in re.split(r"(\s+)", text):
        if word.isspace() or not word:
            out.append(" " if word else "")
            continue
        math = _math_word(word) if _MATHY.search(word) else None
        out.append(math if math is not None else tex_escape(word))
    return "".join(out)


def tex_value(text: object) -> str:
    """One number or expression of a counterexample's JSON as LaTeX (math mode)."""
    source = str(text)
    try:
        value = parse_expr(source, local_dict={"eta": _ETA})
    except Exception:  # any text that is not a number is shown exactly
        return r"\texttt{" + tex_escape(source) + "}"
    return latex(value)
