r"""LaTeX injection: every string of a proof file reaches pdflatex as text to print, never as TeX to run.

A proof file puts ``\input``, ``\include``, ``\openin``/``\read``, ``\write18``, ``\immediate
\openout``, ``\catcode``, ``\def``, ``\csname`` and TeX's ``^^5c`` (a backslash) into every string
field: the title, the implicit assumptions, a hypothesis's name, description and statement, a
step's name and title, the lecture's own lines (``source``) and the notes. Then

* the .tex holds no control word that the same proof with harmless strings does not hold,
  except heatcap's own escapes (``\textbackslash`` …);
* with the real pdflatex (CI installs TeX Live; these tests skip only outside CI), the PDF and
  the log hold neither /etc/passwd nor a secret file next to the proof, the payloads are printed
  as text in the PDF, and no file is written outside the output folder;
* a .tex that does try (the second wall): pdflatex runs with ``-no-shell-escape`` and kpathsea's
  paranoid ``openin_any=p``/``openout_any=p``, so the reads and writes fail.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from derive.prooffile import load_proof
from tests.hostile import require_tool, run_sandboxed
from verify.checker import check_proof
from verify.latexdoc import LatexError, article_latex, compile_pdf, slides_latex
from verify.latexdoc.text import SAFE_COMMANDS, safe_math, tex_escape, tex_text

SECRET = "SECRETCONTENT4711"
PASSWD = "root:x:0:0"
#: Each payload with {secret} (the absolute path of a secret file, no extension) and {out}.
PAYLOADS = (
    r"\input{/etc/passwd}",
    r"\input{{secret}}",
    r"\include{{secret}}",
    r"\newread\r \openin\r={secret}.tex \read\r to\x \x",
    r"\immediate\write18{{touch {out}/shell-escape}}",
    r"\newwrite\w \immediate\openout\w={out}/written.tex \immediate\write\w{{x}}",
    r"\catcode`\^^5c=12 \def\hcok{{PWNED}}",
    r"\csname input\endcsname{{secret}}",
    r"^^5cinput{{secret}}",
    r"$\input{{secret}}$",
    r"x_\input{{secret}}^\def",
    r"}}\input{{secret}}{{",
    r"\end{{document}}",
)
ESCAPES = frozenset({"textbackslash", "textasciicircum", "textasciitilde", "textless", "textgreater",
                     "textbar", "texttt", "text"})
FORBIDDEN = re.compile(r"\\(input|include|openin|openout|read|write|immediate|catcode|def|csname|newread|"
                       r"newwrite)(?![A-Za-z])|\^\^")


def balanced(text: str) -> bool:
    """Whether the braces of ``text`` balance (heatcap's lexer refuses it otherwise)."""
    from derive.parse.errors import LatexError
    from derive.parse.lexer import tokenize

    try:
        tokenize(text.replace("\\", " "))     # a lone backslash is not the point here
    except LatexError:
        return False
    return True


def hostile_toml(payload: str) -> str:
    """A proof whose every string field holds ``payload`` (a TOML basic string, escaped by JSON)."""
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    name = "h " + payload
    remark = payload if balanced(payload) else payload.replace("{", "").replace("}", "")
    statement = q(r"E_b H_b \succ 0 \quad \text{ok} " + remark)  # the parser reads it (as a remark)
    first = q(r"\eta " + payload + r" = 2 \eta")
    return f"""title = {q("Title " + payload)}
theorem = 'E_b g_b = 0'
implicit = [{q(payload)}, {q("word_" + payload)}]

[[assume]]
name = "mean-gradient-zero"
kind = "mean-zero"
latex = 'E_b g_b = 0'
description = {q("the mean gradient vanishes " + payload)}

[[assume]]
name = {q(name)}
kind = "assumption"
latex = {statement}
description = {q(payload)}

[[step]]
name = {q("step " + payload)}
title = {q("Step title " + payload)}
latex = '\\eta = 2 \\eta \\\\ &= 2 \\eta'
uses = [[{q(name)}], ["mean-gradient-zero"]]
assumptions = [{q(name)}]
source = [{first}, {q(payload)}]
notes = {{ 1 = {q(payload)} }}
"""


def fill(payload: str, folder: Path) -> str:
    return payload.replace("{secret}", str(folder / "secret" / "secret")).replace(
        "{out}", str(folder / "out")).replace("{{", "{").replace("}}", "}")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "secret.tex").write_text(SECRET + "\n")
    (tmp_path / "out").mkdir()
    return tmp_path


def documents(path: Path) -> dict[str, str]:
    proof = load_proof(path)
    report = check_proof(proof)
    return {"article": article_latex(proof, report), "slides": slides_latex(proof, report)}


def control_words(tex: str) -> set[str]:
    return set(re.findall(r"\\([A-Za-z]+)", tex))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_field_is_escaped_text(payload: str, folder: Path) -> None:
    hostile, harmless = folder / "hostile.toml", folder / "harmless.toml"
    hostile.write_text(hostile_toml(fill(payload, folder)), encoding="utf-8")
    harmless.write_text(hostile_toml("payload"), encoding="utf-8")
    plain = documents(harmless)
    for kind, tex in documents(hostile).items():
        assert FORBIDDEN.search(tex) is None, (kind, FORBIDDEN.search(tex))
        assert control_words(tex) - control_words(plain[kind]) <= ESCAPES, kind
        assert tex.count(r"\end{document}") == 1 and tex.count(r"\begin{document}") == 1
        assert SECRET not in tex and PASSWD not in tex


def test_safe_math_keeps_math_and_refuses_commands() -> None:
    noise = safe_math(r"E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2")
    assert noise == r"E_{\Delta\Phi\sim P_\eta}\|\Delta\Phi\|^2"
    assert safe_math(r"\frac{\eta}{4} \operatorname{tr} C") == r"\frac{\eta}{4}\operatorname{tr}C"
    assert safe_math(r"\eta \def") is None and safe_math("x^^5c") is None and safe_math("a $ b") is None
    assert safe_math(r"\left x") is None and safe_math("x^") is None and safe_math("{x") is None
    assert safe_math(r"\eta x") == r"\eta x"          # a command word keeps its space before a letter
    assert not {"input", "def", "csname", "catcode", "write", "read", "openin"} & SAFE_COMMANDS
    assert tex_text("1\n\n2\x0c3") == "1 2 3"     # no paragraph break inside a macro argument
    assert tex_escape("a\x00b\x7fc\rd") == "a b c d"   # no character TeX would refuse


def run_latex(folder: Path, *extra: str) -> None:
    done = run_sandboxed(["latex", "hostile.toml", "--pdf", "--engine", "pdflatex", "-o", "out/doc.tex",
                          *extra], folder, timeout=120)
    assert done.code == 0, done.describe()
    inputs = {"secret", "secret/secret.tex", "hostile.toml", "out"}
    assert done.files == inputs | {"out/doc.tex", "out/doc.pdf"}, done.files
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "out/doc.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, timeout=60, check=True).stdout
    assert SECRET not in text and PASSWD not in text
    words = " ".join(text.split())
    assert words.count(r"\input{/etc/passwd}") >= 3          # printed: title, description, steps …
    assert words.count(r"\csname input\endcsname") >= 2


@pytest.mark.parametrize("slides", [False, True], ids=["article", "slides"])
def test_pdflatex_reads_and_writes_nothing_outside(slides: bool, folder: Path) -> None:
    require_tool("pdflatex")
    require_tool("pdftotext")
    every = " ".join(fill(p, folder) for p in PAYLOADS)
    (folder / "hostile.toml").write_text(hostile_toml(every), encoding="utf-8")
    run_latex(folder, *(["--slides"] if slides else []))
    tex = documents(folder / "hostile.toml")["slides" if slides else "article"]
    done = compile_pdf(tex, engine="pdflatex", next_to=folder / "out" / "doc.tex")
    assert SECRET not in done.log and PASSWD not in done.log
    assert not (folder / "out" / "shell-escape").exists() and not (folder / "out" / "written.tex").exists()


@pytest.mark.parametrize("attack", [
    r"\input{/etc/passwd}",
    r"\input{{secret}}",
    r"\newread\r \openin\r={secret}.tex \read\r to\x \x",
    r"\newwrite\w \immediate\openout\w={out}/written.tex \immediate\write\w{x}\immediate\closeout\w",
    r"\input{../../../../../../etc/passwd}",
])
def test_the_second_wall_refuses_reads_and_writes(attack: str, folder: Path) -> None:
    require_tool("pdflatex")
    body = fill(attack, folder)
    source = f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"
    with pytest.raises(LatexError) as info:
        compile_pdf(source, engine="pdflatex", next_to=folder / "out" / "doc.tex")
    assert SECRET not in info.value.log and PASSWD not in info.value.log
    assert list((folder / "out").iterdir()) == []


def test_shell_escape_is_off(folder: Path) -> None:
    require_tool("pdflatex")
    source = ("\\documentclass{article}\n\\begin{document}\n"
              f"\\immediate\\write18{{touch {folder}/out/pwned}}ok\n\\end{{document}}\n")
    done = compile_pdf(source, engine="pdflatex", next_to=folder / "out" / "doc.tex")
    assert done.pdf.startswith(b"%PDF")
    assert list((folder / "out").iterdir()) == []


@pytest.mark.parametrize("table", [
    "[[symbol]]\nlatex = 'g_{\\input{/etc/passwd}}'\nkind = \"vector\"\n",
    "[setting]\nstate = '\\Delta\\Phi\\input{/etc/passwd}'\n",
])
def test_a_name_with_a_command_is_refused(table: str, folder: Path) -> None:
    text = hostile_toml("x").replace("[[assume]]", table + "\n[[assume]]", 1)
    (folder / "hostile.toml").write_text(text, encoding="utf-8")
    done = run_sandboxed(["latex", "hostile.toml", "-o", "out/doc.tex"], folder, timeout=60)
    assert done.code == 2 and "may hold only ASCII letters" in done.stderr, done.describe()
    assert "out/doc.tex" not in done.files
