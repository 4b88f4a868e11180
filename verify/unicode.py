r"""heatcap's LaTeX as readable Unicode, for the terminal.

The text report prints every formula this way (``--json`` and ``heatcap latex`` keep LaTeX).
The input is heatcap's own LaTeX (printed from parsed objects) or a line of a proof file; any
command it does not know loses its backslash, so the output never holds one.

>>> to_unicode(r"E_{\Delta\Phi \sim P_\eta} \left[\frac{1}{2} \Delta\Phi^\top "
...            r"\left(E_b H_b\right) \Delta\Phi\right]")
'E_{ΔΦ∼P_η} [½ ΔΦᵀ (E_b H_b) ΔΦ]'
>>> to_unicode(r"\frac{\eta}{4} E_b \|g_b + H_b \Delta\Phi\|^2")
'η/4 E_b ‖g_b + H_b ΔΦ‖²'
>>> to_unicode(r"\left.\frac{\partial \mathcal{L}(\eta)}{\partial \eta}\right|_{\eta=0}"
...            r" = \frac{1}{4} E_b \|g_b\|^2")
'∂𝓛(η)/∂η|_{η=0} = ¼ E_b ‖g_b‖²'
>>> to_unicode(r"\lim_{\eta \rightarrow 0} E_{b_1} \operatorname{tr}\left(S H_{b_1}\right) \foo")
'lim_{η→0} E_{b₁} tr(S H_{b₁}) foo'
"""

from __future__ import annotations

from derive.parse.notation import GREEK_LETTERS as GREEK

__all__ = ["to_unicode"]

SYMBOLS = {
    "top": "ᵀ", "intercal": "ᵀ", "|": "‖", "partial": "∂", "sim": "∼", "succ": "≻", "succeq": "⪰",
    "perp": "⊥", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "Rightarrow": "⇒", "rightarrow": "→",
    "to": "→", "cdot": "·", "cdots": "⋯", "dots": "…", "ldots": "…", "times": "×", "otimes": "⊗",
    "doteq": "≐", "approx": "≈", "in": "∈", "infty": "∞", "lim": "lim", "min": "min", "max": "max",
    "quad": "  ", "qquad": "    ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}",
    "%": "%", "&": "&", "_": "_", "#": "#", "$": "$",
}
DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
           "textstyle", "limits", "nolimits"}
ARGUMENT = {"text", "textrm", "mbox", "mathrm", "operatorname", "textnormal", "mathsf", "textsf", "hyp"}
FRACTIONS = {("1", "2"): "½", ("1", "4"): "¼", ("3", "4"): "¾", ("1", "3"): "⅓", ("2", "3"): "⅔",
             ("1", "8"): "⅛"}
SUPER = dict(zip("0123456789+-=()n*", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ*", strict=True))
SUB = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))
CALLIGRAPHIC = {"L": "𝓛"}


class _Reader:
    """A small recursive reader over one LaTeX string."""

    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def more(self) -> bool:
        return self.i < len(self.text)

    def command(self) -> str:
        j = self.i + 1
        if j < len(self.text) and self.text[j].isalpha():
            while j < len(self.text) and self.text[j].isalpha():
                j += 1
        else:
            j = min(j + 1, len(self.text))
        name, self.i = self.text[self.i + 1:j], j
        return name

    def group(self) -> str:
        """The raw text of the next braced group (or of the next token), without its braces."""
        while self.more() and self.text[self.i] == " ":
            self.i += 1
        if not self.more():
            return ""
        if self.text[self.i] == "\\":
            start = self.i
            self.command()
            return self.text[start:self.i]
        if self.text[self.i] != "{":
            self.i += 1
            return self.text[self.i - 1]
        depth, start = 0, self.i
        while self.more():
            depth += {"{": 1, "}": -1}.get(self.text[self.i], 0)
            self.i += 1
            if depth == 0:
                break
        return self.text[start + 1:self.i - 1]


def _script(body: str, table: dict[str, str], mark: str) -> str:
    text = to_unicode(body).replace(" ", "")
    if body.strip() in (r"\top", r"\intercal", "T", r"\mathsf{T}") and mark == "^":
        return "ᵀ"
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return mark + (text if len(text) == 1 else "{" + text + "}")


def _fraction(num: str, den: str) -> str:
    key = (num.strip(), den.strip())
    if key in FRACTIONS:
        return FRACTIONS[key]
    a, b = (to_unicode(x).replace("∂ ", "∂").strip() for x in (num, den))

    def wrap(s: str) -> str:
        return f"({s})" if " " in s or any(op in s[1:] for op in "+-") else s

    return f"{wrap(a)}/{wrap(b)}"


def _command(reader: _Reader) -> str:
    name = reader.command()
    if name in GREEK:
        return GREEK[name]
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name in DROPPED:
        if reader.more() and reader.text[reader.i] in ".":
            reader.i += 1
        return ""
    if name in ("frac", "tfrac", "dfrac"):
        return _fraction(reader.group(), reader.group())
    if name in ARGUMENT:
        return to_unicode(reader.group())
    if name in ("mathcal", "cal"):
        letter = reader.group().strip()
        return CALLIGRAPHIC.get(letter, letter)
    if name in ("mathbf", "boldsymbol"):
        return "".join(chr(ord("𝐚") + ord(c) - ord("a")) if c.islower() else c for c in reader.group())
    if name == "bar":
        return to_unicode(reader.group()) + "\u0304"
    return name  # an unknown command: its name, without the backslash


def to_unicode(latex: str) -> str:
    """Readable Unicode for a LaTeX formula (see the module docstring); never a backslash."""
    reader, out = _Reader(latex), []
    while reader.more():
        c = latex[reader.i]
        if c == "\\":
            out.append(_command(reader))
        elif c in "^_":
            reader.i += 1
            body = reader.group()
            out.append(_script(body, SUPER if c == "^" else SUB, c))
        elif c == "{":
            out.append(to_unicode(reader.group()))
        elif c in "}&":
            reader.i += 1
        else:
            out.append(c)
            reader.i += 1
    text = " ".join("".join(out).split())
    for wide, tight in (("( ", "("), (" )", ")"), ("[ ", "["), (" ]", "]")):
        text = text.replace(wide, tight)
    return text
