r"""Proof files: a proof written in the lecture's LaTeX, in TOML (see ``docs/proof-files.md``).

A file declares its setting and symbols, its hypotheses (``[[assume]]``) and definitions
(``[[define]]``), the theorem, and its steps (``[[step]]``): each step is a chain written as in
an ``aligned`` environment (``&=`` and ``\\`` separate lines) with the hypotheses of each line.
Every malformed file raises :class:`~derive.parse.errors.ProofFileError` with one short message
that names the file, the step and the line.

>>> from derive.prooffile import loads_proof
>>> proof = loads_proof('''
... title = "A one-line proof"
... theorem = 'E_b g_b = 0'
... [[step]]
... name = "only"
... latex = 'E_b g_b = 0'
... uses = ["mean-gradient-zero"]
... ''', "tiny.toml")
>>> line = proof.steps[0].lines[0]
>>> line.uses, str(line.location)
(('mean-gradient-zero',), 'tiny.toml:6: step "only", line 1')
>>> loads_proof('title = "x"', "bad.toml")
Traceback (most recent call last):
...
derive.parse.errors.ProofFileError: bad.toml: missing key 'theorem'
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from importlib.resources import files
from os import PathLike
from typing import Any, TypeVar, get_args

from derive.hypotheses import HYPOTHESES, Hypothesis, HypothesisKind
from derive.parse import (
    Declaration,
    LatexError,
    Notation,
    ProofFileError,
    parse_display,
    parse_equation,
    parse_row,
    split_rows,
)
from derive.parse.display import EQUALITIES
from derive.parse.limits import check_name, check_steps, check_toml, read_text_limited
from derive.parse.notation import LECTURE
from derive.proof import Definition, Line, Location, Proof, Step
from derive.statements import read_statement

__all__ = ["load_builtin", "load_proof", "loads_proof"]

T = TypeVar("T")
_REQUIRED: Any = object()
KEYS = {
    "top": {"title", "theorem", "implicit", "setting", "symbol", "assume", "define", "step"},
    "setting": {"index", "state", "law", "rate", "gradient", "hessian"},
    "symbol": {"latex", "kind", "per-example"},
    "assume": {"name", "kind", "latex", "description"},
    "define": {"name", "latex"},
    "step": {"name", "title", "latex", "uses", "assumptions", "source", "notes"},
}
_TYPE_NAMES = {str: "a string", list: "an array", dict: "a table", bool: "true or false"}


# -- small checked accessors ------------------------------------------------------------
def _get(table: Mapping[str, Any], key: str, kind: type[T], where: str, default: Any = _REQUIRED) -> T:
    if key not in table:
        if default is _REQUIRED:
            raise ProofFileError(f"{where}: missing key '{key}'")
        return default
    value = table[key]
    if not isinstance(value, kind):
        raise ProofFileError(f"{where}: '{key}' must be {_TYPE_NAMES[kind]}, not {type(value).__name__}")
    return value


def _keys(table: Mapping[str, Any], section: str, where: str) -> None:
    unknown = sorted(set(table) - KEYS[section])
    if unknown:
        allowed = ", ".join(sorted(KEYS[section]))
        raise ProofFileError(f"{where}: unknown key '{unknown[0]}'; expected one of: {allowed}")


def _strings(value: list[Any], what: str, where: str) -> tuple[str, ...]:
    if not all(isinstance(x, str) for x in value):
        raise ProofFileError(f"{where}: '{what}' must be an array of strings")
    return tuple(value)


def _tables(data: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = _get(data, key, list, where, [])
    if not all(isinstance(x, dict) for x in value):
        raise ProofFileError(f"{where}: '{key}' must be an array of tables, written [[{key}]]")
    return value


def _latex(build: Callable[[], T], where: str) -> T:
    try:
        return build()
    except LatexError as exc:
        raise exc.located(where) from None


def _unknown(name: str, known: Mapping[str, Any], where: str) -> ProofFileError:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ProofFileError(f"{where}: unknown hypothesis '{name}'{hint}; known: {', '.join(sorted(known))}")


# -- setting, symbols, hypotheses, definitions -------------------------------------------
def _notation(data: Mapping[str, Any], name: str) -> Notation:
    setting = _get(data, "setting", dict, name, {})
    _keys(setting, "setting", f"{name}: [setting]")
    symbols = _tables(data, "symbol", name)
    if not setting and not symbols:
        return LECTURE
    parts = {k: _get(setting, k, str, f"{name}: [setting]", str(getattr(LECTURE, a)))
             for k, a in (("index", "index"), ("state", "state_name"), ("law", "law"), ("rate", "rate_name"))}
    roles = {k: _get(setting, k, str, f"{name}: [setting]", "") or None for k in ("gradient", "hessian")}
    declared = tuple(_declaration(t, k, name) for k, t in enumerate(symbols, 1))
    for text in (*parts.values(), *(x for x in roles.values() if x), *(x.latex for x in declared)):
        _latex(lambda text=text: check_name(text, f"{name}: [setting] or [[symbol]]"), name)
    where = f"{name}: [[symbol]]"
    try:
        return Notation.build(**parts, declarations=declared, **roles)
    except LatexError as exc:
        raise exc.located(f"{name}: [setting]") from None
    except ProofFileError as exc:
        raise ProofFileError(f"{where}: {exc}") from None


def _declaration(table: dict[str, Any], k: int, name: str) -> Declaration:
    where = f"{name}: [[symbol]] {k}"
    _keys(table, "symbol", where)
    kind = _get(table, "kind", str, where)
    if kind not in ("vector", "matrix", "scalar"):
        raise ProofFileError(f"{where}: kind '{kind}' is not one of: vector, matrix, scalar")
    return Declaration(_get(table, "latex", str, where), kind, _get(table, "per-example", bool, where, False))  # type: ignore[arg-type]


def _hypotheses(data: Mapping[str, Any], name: str, notation: Notation) -> dict[str, Hypothesis]:
    tables = _tables(data, "assume", name)
    if not tables:  # the built-in hypotheses speak of g_b, H_b and ΔΦ: only a file with them has them
        lecture = (notation.gradient, notation.hessian, notation.state) == (LECTURE.gradient, LECTURE.hessian,
                                                                           LECTURE.state)
        return dict(HYPOTHESES) if lecture else {}
    out: dict[str, Hypothesis] = {}
    for k, table in enumerate(tables, 1):
        hyp = _hypothesis(table, f"{name}: [[assume]] {k}", notation)
        if hyp.name in out:
            raise ProofFileError(f"{name}: hypothesis '{hyp.name}' is declared twice")
        out[hyp.name] = hyp
    _one_of_each(out, name)
    return out


def _hypothesis(table: dict[str, Any], where: str, notation: Notation) -> Hypothesis:
    _keys(table, "assume", where)
    name = _get(table, "name", str, where)
    kind = _get(table, "kind", str, where)
    where = f'{where.rsplit(":", 1)[0]}: hypothesis "{name}"'
    kinds = get_args(HypothesisKind)
    if kind not in kinds:
        raise ProofFileError(f"{where}: kind '{kind}' is not one of: {', '.join(kinds)}")
    latex = _get(table, "latex", str, where)
    description = _get(table, "description", str, where, "")
    try:
        return read_statement(name, kind, latex, notation, description)
    except LatexError as exc:
        raise exc.located(where) from None
    except ProofFileError as exc:
        raise ProofFileError(f"{where}: {exc}") from None


def _one_of_each(out: Mapping[str, Hypothesis], name: str) -> None:
    for kind in ("sgd-step", "invariance"):
        named = [h.name for h in out.values() if h.kind == kind]
        if len(named) > 1:
            raise ProofFileError(f"{name}: hypotheses {named[0]!r} and {named[1]!r} are both of kind "
                                 f"'{kind}'; a proof has one SGD step and one stationary law")


def _definitions(data: Mapping[str, Any], name: str, notation: Notation) -> tuple[Definition, ...]:
    out = []
    for k, table in enumerate(_tables(data, "define", name), 1):
        where = f"{name}: [[define]] {k}"
        _keys(table, "define", where)
        label, latex = _get(table, "name", str, where), _get(table, "latex", str, where)
        rows = _latex(lambda latex=latex: parse_display(latex, notation), f"{name}: definition '{label}'")
        relations = [r for row in rows for r in row.relations]
        out.append(Definition(label, latex, relations[0].equation if len(relations) == 1 else None))
    return tuple(out)


# -- steps --------------------------------------------------------------------------------
def _uses(table: dict[str, Any], count: int, where: str, known: Mapping[str, Any]) -> list[tuple[str, ...]]:
    raw = _get(table, "uses", list, where)
    if count == 1 and all(isinstance(x, str) for x in raw):
        raw = [raw]
    if not all(isinstance(x, list) for x in raw):
        example = '[["a"], []]'
        raise ProofFileError(f"{where}: 'uses' holds one array of hypothesis names per line, e.g. {example}")
    if len(raw) != count:
        raise ProofFileError(f"{where}: the step has {count} line(s) but 'uses' lists {len(raw)}")
    out = [_strings(x, "uses", where) for x in raw]
    for i, names in enumerate(out, 1):
        for n in names:
            if n not in known:
                raise _unknown(n, known, f"{where}, line {i}")
    return out


def _file_lines(raw: str, start: int, rows: list[str]) -> list[int | None]:
    """The line of the file each row is written on (None when it is not found verbatim)."""
    out: list[int | None] = []
    cursor = start
    for text in rows:
        at = raw.find(text, cursor)
        out.append(None if at < 0 else raw.count("\n", 0, at) + 1)
        cursor = cursor if at < 0 else at + len(text)
    return out


def _source(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(?<!\\)&", "", text)).strip()


def _optional_per_line(
    table: dict[str, Any], count: int, where: str
) -> tuple[list[str | None], dict[int, str]]:
    sources = _strings(_get(table, "source", list, where, [""] * count), "source", where)
    if len(sources) != count:
        raise ProofFileError(f"{where}: the step has {count} line(s) but 'source' lists {len(sources)}")
    notes = _get(table, "notes", dict, where, {})
    parsed: dict[int, str] = {}
    for key, note in notes.items():
        if not (key.isdigit() and 1 <= int(key) <= count and isinstance(note, str)):
            example = '{ 2 = "..." }'
            raise ProofFileError(f"{where}: 'notes' maps line numbers 1..{count} to strings: {example}")
        parsed[int(key)] = note
    return [s or None for s in sources], parsed


class _StepReader:
    """Reads the ``[[step]]`` tables of one file (the file's name and text give locations)."""

    def __init__(self, name: str, raw: str, notation: Notation, hypotheses: Mapping[str, Hypothesis]) -> None:
        self.name, self.raw, self.notation, self.hypotheses = name, raw, notation, hypotheses
        self.headers = [m.start() for m in re.finditer(r"^[ \t]*\[\[step\]\]", raw, re.MULTILINE)]

    def step(self, table: dict[str, Any], k: int) -> Step:
        where = f"{self.name}: [[step]] {k}"
        _keys(table, "step", where)
        sid = _get(table, "name", str, where)
        where = f'{self.name}: step "{sid}"'
        rows = [text for _, text in split_rows(_get(table, "latex", str, where))]
        if not rows:
            raise ProofFileError(f"{where}: 'latex' holds no lines")
        uses = _uses(table, len(rows), where, self.hypotheses)
        assumptions = _strings(_get(table, "assumptions", list, where, []), "assumptions", where)
        for a in assumptions:
            if a not in self.hypotheses:
                raise _unknown(a, self.hypotheses, f"{where}, assumptions")
        sources, notes = _optional_per_line(table, len(rows), where)
        start = self.headers[k - 1] if k - 1 < len(self.headers) else 0
        places = _file_lines(self.raw, start, rows)
        lines: list[Line] = []
        for i, text in enumerate(rows, 1):
            loc = Location(self.name, sid, i, places[i - 1])
            previous = lines[-1].rhs if lines else None
            source = sources[i - 1] or _source(text)
            lines.append(self.line(text, previous, loc, uses[i - 1], source, notes.get(i)))
        return Step(sid, _get(table, "title", str, where, sid), tuple(lines), assumptions)

    def line(self, text: str, previous: Any, loc: Location, uses: tuple[str, ...], source: str,
             note: str | None) -> Line:
        row = _latex(lambda: parse_row(text, previous, self.notation), str(loc))
        if len(row.relations) != 1 or row.relations[0].symbol not in EQUALITIES:
            message = "a proof line holds exactly one equation 'lhs = rhs' (or '&= rhs')"
            raise LatexError(message, text, 0, str(loc))
        rel = row.relations[0]
        return Line(rel.lhs, rel.rhs, uses, rel.chained, source, note, loc)


# -- the whole file -------------------------------------------------------------------------
def _steps(data: Mapping[str, Any], reader: _StepReader) -> tuple[Step, ...]:
    tables = _tables(data, "step", reader.name)
    check_steps(tables, reader.name)
    if not tables:
        raise ProofFileError(f"{reader.name}: the proof has no steps; add at least one [[step]]")
    steps = tuple(reader.step(t, k) for k, t in enumerate(tables, 1))
    ids = [s.id for s in steps]
    twice = next((s for s in ids if ids.count(s) > 1), None)
    if twice:
        raise ProofFileError(f'{reader.name}: step "{twice}" is declared twice')
    return steps


def loads_proof(text: str, name: str = "<proof>") -> Proof:
    """The proof written in the TOML ``text``; ``name`` is the file named in messages."""
    check_toml(text, name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProofFileError(f"{name}: not valid TOML: {exc}") from None
    _keys(data, "top", name)
    title = _get(data, "title", str, name)
    theorem_tex = _get(data, "theorem", str, name)
    notation = _notation(data, name)
    hypotheses = _hypotheses(data, name, notation)
    theorem = _latex(lambda: parse_equation(theorem_tex, notation), f"{name}: theorem")
    implicit = _strings(_get(data, "implicit", list, name, []), "implicit", name)
    steps = _steps(data, _StepReader(name, text, notation, hypotheses))
    definitions = _definitions(data, name, notation)
    return Proof(title, theorem, steps, hypotheses, implicit, definitions, name, notation)


def load_proof(path: str | PathLike[str], name: str | None = None) -> Proof:
    """The proof in the file ``path`` (``name``, default the path, is used in messages)."""
    name = name or str(path)
    try:
        text = read_text_limited(path, name)
    except OSError as exc:
        raise ProofFileError(f"{name}: cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProofFileError(f"{name}: not UTF-8 text") from None
    return loads_proof(text, name)


def load_builtin(filename: str) -> Proof:
    """A proof shipped with heatcap in ``derive/proofs/`` (e.g. ``heat_capacity.toml``)."""
    text = (files("derive") / "proofs" / filename).read_text(encoding="utf-8")
    return loads_proof(text, f"derive/proofs/{filename}")
