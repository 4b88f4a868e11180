r"""Rich notebook displays and short reprs of proofs, check reports and numeric reports.

The result classes delegate to this module: their ``_repr_html_`` calls :func:`html` and their
``__repr__`` calls :func:`short_repr`. Everything here works from plain data — a check report's
``to_json()`` dict, a numeric report's ``--json`` dict, a proof's :func:`proof_dict` — and
tolerates missing keys, so the displays follow the JSON output rather than the classes' fields.

Formulas are written as ``<span class="arithmatex">\(…\)</span>``: Jupyter's MathJax typesets
``\(…\)`` and the documentation site's MathJax typesets the class ``arithmatex``. Every piece of
text is HTML-escaped (a proof file is user input).
"""

from __future__ import annotations

import decimal
import html as _html
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["check_html", "html", "numeric_html", "proof_dict", "proof_html", "short_repr"]

STATUS_COLOURS = {"verified": "#1b7f3b", "refuted": "#b3261e", "unknown": "#9a6700"}
SHOWN_DIGITS = 12
_STYLE = "border-collapse:collapse;margin:0.4em 0"
_CELL = "padding:0.15em 0.6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _e(text: object) -> str:
    return _html.escape(str(text), quote=True)


def math(latex: str | None) -> str:
    r"""Inline math: ``<span class="arithmatex">\(latex\)</span>`` (escaped); "" for None."""
    return "" if not latex else f'<span class="arithmatex">\\({_e(latex)}\\)</span>'


def status_badge(status: str | None) -> str:
    """The status as a coloured word (green verified, red refuted, amber unknown)."""
    word = status or "unknown"
    colour = STATUS_COLOURS.get(word, "#555")
    return f'<b style="color:{colour}" class="heatcap-{_e(word)}">{_e(word)}</b>'


def number(text: object, digits: int = SHOWN_DIGITS) -> str:
    """A decimal string rounded to ``digits`` significant digits, with ×10ⁿ for large exponents.

    >>> number("-0.000000000000000000000000000000000000639012", 3)
    '−6.39×10⁻³⁷'
    >>> number("0.0125"), number(None)
    ('0.0125', '—')
    """
    if text is None:
        return "—"
    try:
        value = decimal.Decimal(str(text))
    except decimal.InvalidOperation:
        return _e(text)
    if not value.is_finite():
        return _e(text)
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        rounded = +value
    if rounded == 0:
        return "0"
    exponent = rounded.adjusted()
    if -4 <= exponent < digits:
        plain = format(rounded, "f")
        if "." in plain:
            plain = plain.rstrip("0").rstrip(".")
        return plain.replace("-", "−")
    mantissa = format(rounded.scaleb(-exponent), "f")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPT)}".replace("-", "−", 1)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    cells = "".join(f'<th style="{_CELL}">{h}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>"
                   for row in rows)
    return f'<table style="{_STYLE}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def _box(title: str, *parts: str) -> str:
    return (f'<div class="heatcap-display" style="overflow-x:auto"><p><b>{title}</b></p>'
            f'{"".join(parts)}</div>')


# --- check reports ---------------------------------------------------------------------------

def _line_detail(line: Mapping[str, Any]) -> str:
    """Why a line is not verified: the reason, the residual, the counterexample's law."""
    bits = []
    if line.get("reason"):
        bits.append(_e(line["reason"]))
    if line.get("residual") and line.get("status") != "verified":
        bits.append(f"lhs − rhs = {math(line['residual'])}")
    example = line.get("counterexample") or {}
    law = example.get("law") if isinstance(example, Mapping) else None
    if isinstance(law, Mapping) and law.get("description"):
        bits.append(f"counterexample: {_e(law['description'])}")
    return "<br>".join(bits)


def _theorem_row(report: Mapping[str, Any]) -> str:
    """The theorem and its own verdict (derived from the verified lines, or not)."""
    theorem = report.get("theorem")
    if not isinstance(theorem, Mapping):  # an older report: the theorem's LaTeX only
        return f"<p>Theorem: {math(theorem)}</p>"
    summary = theorem.get("summary") or theorem.get("status") or "unknown"
    return (f"<p>Theorem: {math(theorem.get('latex'))} — {status_badge(theorem.get('status'))} "
            f"{_e(summary.removeprefix(str(theorem.get('status'))).lstrip(': '))}</p>")


def _hypothesis_rows(report: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for h in report.get("hypotheses", ()):
        if not isinstance(h, Mapping):
            rows.append([_e(str(h)), "", "", ""])
            continue
        role = h.get("role", "")
        verdict = status_badge(h.get("status")) if role == "consequence" else _e(role)
        rows.append([_e(h.get("name", "?")), verdict, math(h.get("latex")),
                     _e(", ".join(h.get("used_by", ())) or "no line")])
    return rows


def check_html(report: Mapping[str, Any]) -> str:
    """A check report (its ``to_json()`` dict): the theorem row, a row per line, the hypotheses."""
    ok = report.get("ok")
    rows = []
    for step in report.get("steps", ()):
        for line in step.get("lines", ()):
            rows.append([
                _e(f"{step.get('id', '?')}.{line.get('line', '?')}"), status_badge(line.get("status")),
                math(line.get("latex")), _e(", ".join(line.get("uses", ()))), _line_detail(line),
            ])
    verdict = "ok" if ok else "not ok" if ok is not None else "not checked"
    parts = [_theorem_row(report), f"<p>Proof: {_e(verdict)}</p>",
             _table(["line", "status", "equation", "hypotheses used", "why not verified"], rows)]
    hypotheses = _hypothesis_rows(report)
    if hypotheses:
        parts.append("<details><summary>Hypotheses (each statement as checked)</summary>"
                     + _table(["name", "role", "statement", "used by"], hypotheses) + "</details>")
    if report.get("assumptions"):
        items = "".join(f"<li>{_e(a)}</li>" for a in report["assumptions"])
        parts.append(f"<details><summary>Implicit assumptions</summary><ul>{items}</ul></details>")
    return _box(_e(report.get("title", "check report")), *parts)


def check_summary(report: Mapping[str, Any]) -> str:
    """One line: the title and the count of lines of each status."""
    statuses = [line.get("status") for s in report.get("steps", ()) for line in s.get("lines", ())]
    counts = ", ".join(f"{statuses.count(k)} {k}" for k in STATUS_COLOURS)
    return f"{report.get('title', 'proof')!r}: {len(statuses)} lines ({counts})"


# --- proofs ----------------------------------------------------------------------------------

def proof_dict(proof: Any) -> dict[str, Any]:
    """A ``derive.proof.Proof`` as plain data: title, theorem, steps and their lines, hypotheses."""
    steps = [{"id": s.id, "title": s.title,
              "lines": [{"latex": line.latex(), "uses": list(line.uses)} for line in s.lines]}
             for s in getattr(proof, "steps", ())]
    theorem = getattr(proof, "theorem", None)
    return {"title": getattr(proof, "title", "proof"), "theorem": theorem.latex() if theorem else None,
            "steps": steps, "hypotheses": sorted(getattr(proof, "hypotheses", {}) or {}),
            "file": getattr(proof, "file", None)}


def proof_html(proof: Mapping[str, Any]) -> str:
    """A proof (its :func:`proof_dict`): the theorem and each step's lines, typeset."""
    parts = [f"<p>Theorem: {math(proof.get('theorem'))}</p>"]
    for step in proof.get("steps", ()):
        rows = [[_e(k), math(line.get("latex")), _e(", ".join(line.get("uses", ())))]
                for k, line in enumerate(step.get("lines", ()), 1)]
        parts.append(f"<p>Step {_e(step.get('id', '?'))}: {_e(step.get('title', ''))}</p>")
        parts.append(_table(["line", "equation", "hypotheses used"], rows))
    if proof.get("hypotheses"):
        parts.append(f"<p>Hypotheses: {_e(', '.join(proof['hypotheses']))}</p>")
    return _box(_e(proof.get("title", "proof")), *parts)


# --- numeric reports -------------------------------------------------------------------------

_NUMERIC_ROWS = (
    ("learning rate", r"\eta", "eta"),
    ("optimal loss", r"\mathcal{L}^*", "L_star"),
    ("excess loss", r"\mathcal{L}(\eta) - \mathcal{L}^*", "excess_loss"),
    ("slope at 0", r"\mathcal{L}'(0)", "slope_at_zero"),
    ("curvature at 0", r"\mathcal{L}''(0)", "second_derivative_at_zero"),
    ("critical rate", r"\eta_c", "eta_crit"),
)


def numeric_html(report: Mapping[str, Any]) -> str:
    """A numeric report (the ``heatcap numeric --json`` dict), numbers to 12 digits."""
    rows = [[_e(name), math(symbol), number(report.get(key))]
            for name, symbol, key in _NUMERIC_ROWS if key in report]
    variant = report.get("variant")
    if isinstance(variant, Mapping) and "theorem_slope" in variant:
        plain = number(variant["theorem_slope"])
        rows.append(["plain-SGD slope", math(r"\tfrac14 \operatorname{tr} C"), plain])
    bounds = report.get("eta_crit_bounds")
    if bounds:
        rows.append(["bounds on η_c", math(r"[\underline{\eta}_c, \overline{\eta}_c]"),
                     f"[{number(bounds[0])}, {number(bounds[1])}]"])
    for k, c in enumerate(report.get("taylor", ()), 1):
        rows.append([f"Taylor coefficient {k}", math(f"c_{k} = \\mathcal{{L}}^{{({k})}}(0)/{k}!"), number(c)])
    parts = [_table(["", "", "value"], rows)]
    digits = report.get("certified_digits")
    if digits is not None:
        rate = report.get("eta_crit_certified_digits", "?")
        parts.append(f"<p>Certified digits: {_e(digits)} (η_c: {_e(rate)})</p>")
    checks = [[_e(f"{r.get('step', '')} line {r.get('line', '')}"), _e(r.get("agree_digits", "?"))]
              for r in report.get("crossval", ())]
    if checks:
        parts.append(_table(["cross-validation", "digits agree"], checks))
    if isinstance(variant, Mapping):
        shown = {k: v for k, v in variant.items() if k != "theorem_slope"}
        parts.insert(0, f"<p>Variant: {_e(', '.join(f'{k} = {v}' for k, v in shown.items()))}</p>")
    title = (f"heatcap numeric ({_e(report.get('mode', '?'))}, {_e(report.get('dps', '?'))} digits): "
             f"n = {_e(report.get('n', '?'))}, d = {_e(report.get('d', '?'))}")
    return _box(title, *parts)


def numeric_summary(report: Mapping[str, Any]) -> str:
    """One line: mode, size, η, the slope at 0 and the certified digits."""
    slope = number(report.get("slope_at_zero"))
    return (f"{report.get('mode', '?')}, n={report.get('n', '?')}, d={report.get('d', '?')}, "
            f"η={report.get('eta', '?')}: L'(0)={slope}, {report.get('certified_digits', '?')} digits")


# --- dispatch from the classes ---------------------------------------------------------------

def _as_data(obj: Any) -> tuple[str, dict[str, Any]]:
    """(kind, plain data) of a result object: "check", "proof" or "numeric"."""
    kind = type(obj).__name__
    if kind == "Proof":
        return "proof", proof_dict(obj)
    if kind == "VariantReport":
        from verify.numeric.variants.command import variant_json

        return "numeric", variant_json(obj)
    if kind == "Report" and hasattr(obj, "taylor"):
        from verify.numeric.command import report_json

        return "numeric", report_json(obj)
    if kind == "ProofReport":
        return "check", obj.to_json()
    raise TypeError(f"no display for {kind}")


def html(obj: Any) -> str:
    """The notebook HTML of a Proof, ProofReport, numeric Report or VariantReport."""
    kind, data = _as_data(obj)
    return {"check": check_html, "proof": proof_html, "numeric": numeric_html}[kind](data)


def short_repr(obj: Any) -> str:
    """A one-line repr: ``<ProofReport 'Heat Capacity Theorem': 13 lines (13 verified, …)>``."""
    name = type(obj).__name__
    if name == "StepResult":
        return f"<StepResult {obj.id} {obj.title!r}: {obj.status}, {len(obj.lines)} lines>"
    if name == "LineResult":
        return f"<LineResult step {obj.step} line {obj.index}: {obj.status}>"
    kind, data = _as_data(obj)
    if kind == "proof":
        lines = sum(len(s["lines"]) for s in data["steps"])
        return f"<Proof {data['title']!r}: {len(data['steps'])} steps, {lines} lines>"
    return f"<{name} {check_summary(data) if kind == 'check' else numeric_summary(data)}>"
