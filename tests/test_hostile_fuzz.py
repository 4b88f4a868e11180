r"""Fuzz: random bytes, near-valid proof files and random arguments through heatcap, each case sandboxed.

Every case runs in a forked child with a memory limit and a timeout (tests/hostile.py) and must

* end by itself with exit code 0, 1 or 2 (no timeout, no signal, no ``MemoryError``),
* print no traceback, and
* leave no file but its declared outputs (nothing in ``TMPDIR``, no scratch folder).

The default examples are derandomized (the same cases on every run, about half a minute in
all); ``-m slow`` runs more, random ones, and compiles PDFs with pdflatex.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import Outcome, run_sandboxed

PROOF = (Path(__file__).resolve().parents[1] / "derive" / "proofs" / "heat_capacity.toml").read_text(
    encoding="utf-8")
DATA = "x1,x2,y\n1,0,1\n0,1,0\n1,1,2\n2,1,2\n0.5,-1,0.25\n"
TIMEOUT = 60.0
MEMORY = 1536 * 1024**2
QUICK = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Pieces of the lecture's LaTeX, good and hostile, that near-valid lines are built from.
TOKENS = (
    r"\eta", "E_b", "g_b", "H_b", r"\Delta\Phi", r"\|", "^2", "^{2}", "^\\top", "(", ")", "{", "}",
    "[", "]", r"\frac{1}{2}", r"\frac", "+", "-", "=", " = ", "&=", r" \\ ", "0", "1", "4", "0.5",
    r"\left(", r"\right)", r"\left.", r"\right|_{\eta=0}", r"\lim_{\eta \rightarrow 0}",
    r"E_{\Delta\Phi \sim P_\eta}", r"\mathcal{L}(\Phi^*)", r"\mathcal{L}_b(\Phi^* + \Delta\Phi)",
    r"\mathcal{L}(\eta)", r"\frac{\partial \mathcal{L}(\eta)}{\partial \eta} \Big|_{\eta=0}",
    r"\operatorname{tr}", r"\quad \text{x}", r"\dots", r"\cdot", "^{99999}", "^{-3}", "^{--1}",
    "1" * 40, r"\input{/etc/passwd}", r"\def\x{y}", "^^5c", "%", "$", "#", "~", "\x00", "é", "η",
    r"\catcode", r"\csname", "\\", "(" * 40, ")" * 40, r"E_b " * 8,
)
THEOREMS = ("E_b g_b = 0",) * 5 + (r"E_b g_b = \eta", "#")
FIELDS = ("title", "implicit", "description", "step-title", "source", "note")


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A fresh folder with the data file and an empty ``out/`` (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="hostile-fuzz-") as tmp:
        folder = Path(tmp)
        (folder / "out").mkdir()
        (folder / "d.csv").write_text(DATA, encoding="utf-8")
        yield folder


def check_outcome(done: Outcome, allowed: set[str]) -> None:
    """Exit 0, 1 or 2 in time; no traceback; a message starts 'heatcap'; no stray file."""
    assert done.code in (0, 1, 2), done.describe()
    assert "Traceback" not in done.stderr, done.describe()
    assert done.stderr == "" or done.stderr.startswith("heatcap"), done.describe()
    inputs = {"out", "d.csv", "p.toml"}
    assert done.files <= inputs | allowed, (done.files - inputs - allowed, done.describe())


def run_proof(text: str | bytes, *, pdf: bool = False) -> None:
    """``heatcap check`` and ``heatcap latex`` (article; deck) on the proof file ``text``."""
    with sandbox() as folder:
        path = folder / "p.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        check_outcome(run_sandboxed(["check", "p.toml"], folder, timeout=TIMEOUT, memory=MEMORY), set())
        extra = ["--pdf", "--engine", "pdflatex"] if pdf else []
        for deck in ([], ["--slides"]):
            done = run_sandboxed(["latex", "p.toml", "-o", "out/doc.tex", *deck, *extra], folder,
                                 timeout=TIMEOUT, memory=MEMORY)
            check_outcome(done, {"out/doc.tex", "out/doc.pdf"})
            assert (done.code == 0) == ("out/doc.tex" in done.files), done.describe()
            (folder / "out" / "doc.tex").unlink(missing_ok=True)
            (folder / "out" / "doc.pdf").unlink(missing_ok=True)


#: Scalars of the lecture's notation, and how scalar expressions combine (all well-shaped).
SCALARS = (r"\eta", "2", "0.5", r"\|g_b\|^2", r"g_b^\top \Delta\Phi", r"\Delta\Phi^\top H_b \Delta\Phi",
           r"E_b \|g_b\|^2", r"\mathcal{L}(\Phi^*)", r"E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2",
           r"\operatorname{tr}(H_b)", r"\mathcal{L}_b(\Phi^* + \Delta\Phi)", r"\mathcal{L}(\eta)")
POWERS = ("2", "3", "{-1}", "2", "3", "{-2}", "2", "{16}", "{17}", "{99999}", "{--1}")
scalars = st.recursive(
    st.sampled_from(SCALARS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", " ", r" \cdot "]), inner).map("".join),
        inner.map(lambda x: f"({x})"),
        st.tuples(inner, st.sampled_from(POWERS)).map(lambda t: f"({t[0]})^{t[1]}"),
        st.tuples(inner, inner).map(lambda t: rf"\frac{{{t[0]}}}{{{t[1]}}}"),
        inner.map(lambda x: f"E_b ({x})"),
        inner.map(lambda x: rf"\lim_{{\eta \rightarrow 0}} ({x})"),
    ),
    max_leaves=6,
)


@st.composite
def latex_lines(draw: st.DrawFn) -> str:
    """An equation of well-shaped scalars, sometimes with a hostile or broken piece spliced in."""
    line = f"{draw(scalars)} = {draw(scalars)}"
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.sampled_from(TOKENS)) + line[at:]
    return line


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, and surrogates become replacement marks)."""
    return json.dumps(text.encode("utf-8", "replace").decode("utf-8"), ensure_ascii=False)


@st.composite
def near_valid_proofs(draw: st.DrawFn) -> str:
    """A small proof file: well-formed TOML whose LaTeX and text fields are random."""
    text = st.one_of(st.text(max_size=60), st.sampled_from(TOKENS), latex_lines(),
                     st.lists(st.sampled_from(TOKENS), max_size=6).map(" ".join))
    fields = {f: draw(text) for f in FIELDS}
    lines = draw(st.lists(latex_lines(), min_size=1, max_size=3))
    kind = draw(st.sampled_from(["mean-zero"] * 4 + ["equation"] * 3 + ["assumption", "inverse", "bogus"]))
    hypothesis_latex = "E_b g_b = 0" if kind == "mean-zero" else draw(latex_lines())
    uses = draw(st.sampled_from(['["mean-gradient-zero"]', "[]", '["nope"]', "[1]"]))
    uses = "[" + ", ".join([uses] * len(lines)) + "]" if draw(st.integers(0, 5)) else "3"
    display = q(r" \\ ".join(lines))
    return f"""title = {q(fields["title"])}
theorem = {q(draw(st.sampled_from(THEOREMS)))}
implicit = [{q(fields["implicit"])}]
[[assume]]
name = "mean-gradient-zero"
kind = {q(kind)}
latex = {q(hypothesis_latex)}
description = {q(fields["description"])}
[[step]]
name = "s"
title = {q(fields["step-title"])}
latex = {display}
uses = {uses}
source = [{", ".join(q(fields["source"]) for _ in lines)}]
notes = {{ 1 = {q(fields["note"])} }}
"""


@st.composite
def mutated_builtin(draw: st.DrawFn) -> str:
    """The lecture's proof file with a few random edits: a deletion, an insertion, a copy."""
    text = PROOF
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "copy"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif edit == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))) + text[at:]
        else:
            start = draw(st.integers(0, len(text)))
            text = text[:at] + text[start:start + draw(st.integers(1, 200))] + text[at:]
    return text


@QUICK
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    run_proof(data)


@QUICK
@given(near_valid_proofs())
def test_near_valid_proof_files(text: str) -> None:
    run_proof(text)


@settings(QUICK, max_examples=10)
@given(mutated_builtin())
def test_mutated_lecture_proof(text: str) -> None:
    run_proof(text)


ints = st.one_of(st.integers(-3, 3), st.sampled_from([0, 1, 2, 1000, 1001, 10**8, -(10**12)]))


@settings(QUICK, max_examples=12)
@given(kind=st.sampled_from(["curve", "schedule", "variants", "bogus"]), points=ints, drops=ints,
       seed=ints, factor=ints, chains=st.sampled_from([-1, 0, 1, 20]),
       eta=st.sampled_from(["0.1", "1/5", "-1", "0", "1e999999999", "nan", "x", "0.1,0.2"]),
       out=st.sampled_from(["f.png", "f.pdf", "f.svg", "d.csv", "out"]))
def test_plot_arguments(kind: str, points: int, drops: int, seed: int, factor: int, chains: int,
                        eta: str, out: str) -> None:
    argv = ["plot", kind, "d.csv", "-o", out, "--points", str(points), "--drops", str(drops),
            "--seed", str(seed), "--factor", str(factor), "--chains", str(chains), "--eta", eta,
            "--no-mc", "--steps", "50"]
    with sandbox() as folder:
        check_outcome(run_sandboxed(argv, folder, timeout=TIMEOUT, memory=MEMORY), {out, out + ".json"})


@settings(QUICK, max_examples=8)
@given(chains=st.sampled_from([-1, 0, 1, 8]), steps=st.sampled_from([-5, 0, 1, 3, 40]),
       seed=st.sampled_from([-1, 0, 7, 2**70]), batch=st.sampled_from([-1, 0, 1, 2, 99]),
       eta=st.sampled_from(["0.1", "-1", "0", "nan", "1/0", "x"]))
def test_simulate_arguments(chains: int, steps: int, seed: int, batch: int, eta: str) -> None:
    argv = ["simulate", "d.csv", "--eta", eta, "--chains", str(chains), "--steps", str(steps),
            "--burn-in", "1", "--seed", str(seed), "--batch-size", str(batch), "--json"]
    with sandbox() as folder:
        check_outcome(run_sandboxed(argv, folder, timeout=TIMEOUT, memory=MEMORY), set())


@pytest.mark.slow
@settings(SLOW)
@given(st.one_of(near_valid_proofs(), mutated_builtin(), st.binary(max_size=2000).map(
    lambda b: b.decode("utf-8", "replace"))))
def test_many_proof_files_with_pdf(text: str) -> None:
    from tests.hostile import require_tool

    require_tool("pdflatex")
    run_proof(text, pdf=True)
