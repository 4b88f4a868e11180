r"""Plain text, math and numbers made safe for pdflatex: user text never runs as TeX.

Every string of a proof file (title, descriptions, notes, step titles, the lecture's own
lines) is hostile: ``\input{/etc/passwd}`` or ``\def`` must reach pdflatex as text to print,
never as a command to run.  The hypotheses, notes and implicit assumptions of a proof are
written in Unicode (ΔΦ, η, ‖·‖², →, ≤ …) with bits of LaTeX.  :func:`tex_text` escapes the
characters LaTeX treats specially and sets every math-looking word (one with Greek letters,
math symbols, ``_``, ``^`` or a backslash) in inline math — but only when :func:`safe_math`
accepts it: re-printed token by token from heatcap's own lexer, with commands from
:data:`SAFE_COMMANDS` only.  Anything else is escaped text:

>>> tex_text("E_{P_η}‖ΔΦ‖² → 0 as η → 0")
'$E_{P_\\eta}\\|\\Delta\\Phi\\|^{2}$ $\\rightarrow$ 0 as $\\eta$ $\\rightarrow$ 0'
>>> tex_text("50% & more")
'50\\% \\& more'
>>> tex_text(r"x_\input{/etc/passwd}")
'x\\_\\textbackslash{}input\\{/etc/passwd\\}'
>>> safe_math(r"E_b \|g_b\|^2 \quad \text{for all $b$}"), safe_math(r"\def\x{1}")
('E_b\\|g_b\\|^2\\quad\\text{for all \\$b\\$}', None)

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

from sympy import Basic, Symbol
from sympy.parsing.sympy_parser import parse_expr

from derive.parse.errors import LatexError
from derive.parse.lexer import Token, tokenize
from derive.parse.notation import GREEK
from derive.printing import latex

__all__ = ["SAFE_COMMANDS", "UNICODE_MATH", "parse_number", "safe_math", "tex_escape", "tex_text",
           "tex_value", "user_math"]

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

#: The commands user math may hold (all of them typeset math; none reads, writes or defines).
SAFE_COMMANDS = GREEK | frozenset({
    "frac", "tfrac", "dfrac", "mathcal", "mathbb", "mathrm", "mathsf", "mathbf", "operatorname",
    "left", "right", "top", "intercal", "perp", "sim", "rightarrow", "to", "Rightarrow", "le", "leq",
    "ge", "geq", "succ", "succeq", "prec", "preceq", "doteq", "approx", "equiv", "cdot", "times",
    "partial", "dots", "ldots", "cdots", "nabla", "infty", "in", "otimes", "ne", "neq", "lim", "max",
    "min", "sum", "prod", "log", "exp", "sqrt", "quad", "qquad", "mid", "{", "}", "|", "hat", "bar",
    "tilde", "star", "ast", "prime", "varepsilon",
})
_SAFE_CHARS = frozenset("+-=()[]<>,.;:!?'*/|^_{}")
_DELIMITERS = frozenset({"(", ")", "[", "]", ".", "|", r"\|", r"\{", r"\}"})
#: Plain numbers and expressions in η, as the checker prints them (read with ``parse_expr``).
_NUMBER_TEXT = re.compile(r"(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|eta|\*\*\d{1,2}|[-+*/() ])*")

def _ascii(char: str) -> str:
    """A last resort for characters LaTeX does not know: their ASCII decomposition, or ``?``."""
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "?"


def tex_escape(text: str) -> str:
    """``text`` as LaTeX text: special characters escaped, control characters as spaces, Unicode
    replaced (math symbols as ``$\\Delta$``, others by their ASCII letters); nothing runs."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif ord(char) < 32 or ord(char) == 127:
            out.append(" ")  # control characters (newlines, NUL, form feed …) are spaces
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


def _math_token(tok: Token, following: Token | None) -> str | None:
    """The LaTeX of one token of user math, or None when it is not safe (or cannot compile)."""
    if tok.kind == "text":
        inner = tok.text[tok.text.index("{") + 1 : -1]
        return r"\text{" + tex_escape(inner) + "}"
    if tok.kind in ("cmd", "quad", "norm"):
        name = tok.text[1:]
        if name not in SAFE_COMMANDS:
            return None
        if name in ("left", "right") and (following is None or following.text not in _DELIMITERS):
            return None
        return tok.text
    if tok.kind == "number" or (tok.kind == "letter" and tok.text.isascii()):
        return tok.text
    if tok.kind == "char" and tok.text in _SAFE_CHARS:
        if tok.text in "^_" and (following is None or following.text in "^_})]"):
            return None
        return tok.text
    return None


def _needs_space(previous: str, piece: str) -> bool:
    """Whether two pieces would merge: a command word and a letter, or ``^`` and ``^``."""
    word = re.search(r"\\[A-Za-z]+$", previous) is not None
    return (word and piece[0].isalpha()) or previous == piece == "^"


def safe_math(text: str) -> str | None:
    """``text`` re-printed as math from its tokens, or None if a token is not safe math.

    Unicode math (η, ‖ …) is first replaced by its LaTeX; a command must be in
    :data:`SAFE_COMMANDS`, a character in ``+-=()[]<>,.;:!?'*/|^_{}``; ``\\text{…}`` is kept with
    its words escaped. Tokens are joined without spaces except after a command word, so that
    two tokens never merge into another command (or TeX's ``^^`` notation).
    """
    body = "".join(UNICODE_MATH.get(c, c) for c in text)
    try:
        tokens = tokenize(body)
    except LatexError:
        return None
    out: list[str] = []
    for k, tok in enumerate(tokens):
        piece = _math_token(tok, tokens[k + 1] if k + 1 < len(tokens) else None)
        if piece is None:
            return None
        if out and _needs_space(out[-1], piece):
            out.append(" ")
        out.append(piece)
    return "".join(out) or None


def user_math(text: str) -> str:
    r"""User math (a line as the lecture wrote it, a hypothesis) for math mode: :func:`safe_math`
    when it accepts it, else the text itself in typewriter letters, escaped.

    >>> user_math(r"\input{/etc/passwd}")
    '\\text{\\texttt{\\textbackslash{}input\\{/etc/passwd\\}}}'
    """
    math = safe_math(text)
    return math if math is not None else r"\text{\texttt{" + tex_escape(text) + "}}"


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
    if any(ord(c) >= 128 for c in text):
        return None
    math = safe_math(text)
    return None if math is None else "$" + math + "$"


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
    value = parse_number(text)
    return latex(value) if value is not None else r"\texttt{" + tex_escape(str(text)) + "}"


def parse_number(text: object) -> Basic | None:
    """A number or expression in η printed by the checker (``-3/4``, ``eta/10``), else None.

    Only digits, ``eta``, ``+ - * / ( )`` and small powers ``**k`` reach SymPy's ``parse_expr``
    (which evaluates Python): any other text, whatever its origin, is never evaluated.
    """
    source = str(text)
    if len(source) > 2000 or not _NUMBER_TEXT.fullmatch(source):
        return None
    try:
        return parse_expr(source, local_dict={"eta": _ETA})
    except Exception:  # any text that is not a number is shown exactly
        return None
