"""Tiny hostile proof files are refused by a documented limit, quickly, with one message.

Each case of issue 11 (a 155-byte proof that used 23 GB, ``10^{999999999}``, ``/dev/zero``,
10,000 nested parentheses, 5,000 nested TOML arrays …) runs through ``heatcap check`` in a
sandbox (tests/hostile.py: a memory limit and a timeout); each limit is checked at its bound:
the largest allowed input reads, one more is refused with a message naming the limit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derive.parse import ProofFileError, parse_expression
from derive.parse import limits as L
from derive.prooffile import load_proof, loads_proof
from tests.hostile import run_sandboxed

DOCS = Path(__file__).resolve().parents[1] / "docs" / "proof-files.md"


def proof(line: str, extra: str = "") -> str:
    """A one-line proof whose line is ``line`` (a TOML literal string)."""
    return (f"title = \"t\"\ntheorem = 'E_b g_b = 0'\n{extra}[[step]]\nname = \"s\"\n"
            f"latex = '{line}'\nuses = [[]]\n")


ISSUE_CASES = {
    "23 GB power": (proof(r"(\eta + \|g_b\|^2)^{999999999} = 0"), "MAX_EXPONENT"),
    "1.9 GB power": (proof(r"(\eta+1)^{99999} = 0"), "MAX_EXPONENT"),
    "billion digits": (proof(r"10^{999999999} = 0"), "MAX_EXPONENT"),
    "frac of a huge power": (proof(r"\frac{10^{100000}}{3} = 0"), "MAX_EXPONENT"),
    "1 MB line": (proof(r"\eta + " * 150_000 + "1 = 0"), "MAX_FILE_BYTES"),
    "long line": (proof(r"\eta + " * 1000 + "1 = 0"), "MAX_LINE_CHARS"),
    "10,000 parentheses": (proof("(" * 10_000 + r"\eta" + ")" * 10_000 + " = 0"), "MAX_"),
    "1,000 parentheses": (proof("(" * 1000 + r"\eta" + ")" * 1000 + " = 0"), "MAX_DEPTH"),
    "nested averages": (proof(r"E_b " * 30 + r"\|g_b\|^2 = 0"), "MAX_OPERATOR_DEPTH"),
    "5,000 TOML arrays": ("x = " + "[" * 5000 + "]" * 5000 + "\n", "MAX_TOML_DEPTH"),
    "nested powers": (proof(r"((10^{16})^{16})^{16} = 0"), "MAX_VALUE_DIGITS"),
    "product of powers": (proof(r"9^{16} " * 600 + "= 0"), "MAX_LINE_CHARS"),
    "a long number": (proof("1" * 3000 + " = 0"), "MAX_NUMBER_DIGITS"),
    "a product multiplied out": (proof(r"(\eta+1)" * 12 + " = 0"), "MAX_TERMS"),
    "many lines": (proof(r"\eta = \eta \\ " * 600), "MAX_PROOF_LINES"),
}


@pytest.mark.parametrize("case", ISSUE_CASES)
def test_issue_cases_are_refused_by_a_named_limit(case: str, tmp_path: Path) -> None:
    text, limit = ISSUE_CASES[case]
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    done = run_sandboxed(["check", "p.toml"], tmp_path, timeout=60, memory=1024**3)
    assert done.code == 2, done.describe()
    assert limit in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("heatcap check: error: p.toml")


def test_dev_zero_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    done = run_sandboxed(["check", "/dev/zero"], tmp_path, timeout=60, memory=1024**3)
    assert done.code == 2, done.describe()
    assert f"larger than the limit MAX_FILE_BYTES = {L.MAX_FILE_BYTES} bytes" in done.stderr


def test_a_malformed_power_is_one_message() -> None:
    with pytest.raises(ProofFileError, match=r"expected \^\\top or an integer power, found \^--1"):
        parse_expression(r"\eta^{--1}")


# -- every limit at its bound -------------------------------------------------------------------
def refused(text: str, limit: str) -> None:
    with pytest.raises(ProofFileError, match=limit):
        loads_proof(text, "p.toml")


def test_file_size_at_the_limit(tmp_path: Path) -> None:
    head = proof(r"\eta = \eta")
    fits = head + "#" * (L.MAX_FILE_BYTES - len(head) - 1) + "\n"
    path = tmp_path / "p.toml"
    path.write_text(fits, encoding="utf-8")
    assert load_proof(path).title == "t"
    path.write_text(fits + "\n", encoding="utf-8")
    with pytest.raises(ProofFileError, match="MAX_FILE_BYTES"):
        load_proof(path)
    refused(fits + "\n", "MAX_FILE_BYTES")


def test_line_length_at_the_limit() -> None:
    pad = " " * (L.MAX_LINE_CHARS - len(r"\eta = \eta"))
    loads_proof(proof(rf"\eta ={pad} \eta"), "p.toml")     # a row is stripped: pad inside
    refused(proof(rf"\eta ={pad}  \eta"), "4001 characters, more than the limit MAX_LINE_CHARS = 4000")


def test_number_digits_at_the_limit() -> None:
    digits = "9" * L.MAX_NUMBER_DIGITS
    assert parse_expression(digits) == int(digits)
    with pytest.raises(ProofFileError, match="31 digits, more than the limit MAX_NUMBER_DIGITS = 30"):
        parse_expression(digits + "9")
    assert parse_expression("1." + "0" * (L.MAX_NUMBER_DIGITS - 1)) == 1


def test_exponent_at_the_limit() -> None:
    from derive.symbols import eta

    assert parse_expression(rf"\eta^{{{L.MAX_EXPONENT}}}") == eta**L.MAX_EXPONENT
    assert parse_expression(rf"\eta^{{-{L.MAX_EXPONENT}}}") == eta**-L.MAX_EXPONENT
    for power in (L.MAX_EXPONENT + 1, -L.MAX_EXPONENT - 1):
        with pytest.raises(ProofFileError, match=f"the power {power} is larger than the limit MAX_EXPONENT"):
            parse_expression(rf"\eta^{{{power}}}")


def test_terms_at_the_limit() -> None:
    assert L.MAX_TERMS == 2**8
    parse_expression(r"(\eta + 1)^{8}")                      # 2^8 = 256 terms
    parse_expression(r"(\eta + 1)^{4} (\eta + 1)^{4}")       # 16 · 16
    for text in (r"(\eta + 1)^{9}", r"(\eta + 1)^{8} (\eta + 1)", r"\|g_b + H_b g_b\|^2 (\eta + 1)^{7}"):
        with pytest.raises(ProofFileError, match="more terms than the limit MAX_TERMS = 256"):
            parse_expression(text)


def test_terms_count_products_powers_and_norms() -> None:
    # independent count: (a + b + c)^2 has 9 terms multiplied out, ‖u + v‖² has 4, a sum adds
    assert L.terms(parse_expression(r"(\eta + 1 + \|g_b\|^2)^{2}")) == 9
    assert L.terms(parse_expression(r"\|g_b + H_b g_b\|^2 + \eta")) == 5
    assert L.terms(parse_expression(r"E_b (\eta + 1)(\eta + 2)(\eta + 3)")) == 8


def test_value_digits_at_the_limit() -> None:
    parse_expression(r"(10^{10})^{10} (10^{10})^{9}")           # 10^190: 191 digits, fine
    with pytest.raises(ProofFileError, match="MAX_VALUE_DIGITS = 200"):
        parse_expression(r"(10^{16})^{13}")                      # about 221 digits, refused before it
    with pytest.raises(ProofFileError, match="MAX_VALUE_DIGITS = 200"):
        parse_expression(r"10^{16} " * 13)                       # a product past 200 digits


def test_nesting_depth_at_the_limit() -> None:
    depth = L.MAX_DEPTH - 1                    # the whole line is one sum already
    assert parse_expression("(" * depth + r"\eta" + ")" * depth) is not None
    with pytest.raises(ProofFileError, match="nested deeper than the limit MAX_DEPTH = 32"):
        parse_expression("(" * (depth + 1) + r"\eta" + ")" * (depth + 1))
    with pytest.raises(ProofFileError, match="MAX_DEPTH"):
        parse_expression(r"\frac{" * 40 + "1" + "}{2}" * 40)


def test_operator_depth_at_the_limit() -> None:
    ok = r"E_b " * L.MAX_OPERATOR_DEPTH + r"\|g_b\|^2"
    assert L.operator_depth(parse_expression(ok)) == L.MAX_OPERATOR_DEPTH
    with pytest.raises(ProofFileError, match="MAX_OPERATOR_DEPTH = 6"):
        parse_expression(r"E_b " + ok)
    with pytest.raises(ProofFileError, match="MAX_OPERATOR_DEPTH"):
        parse_expression(r"\lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} " * 4 + r"\eta")


def test_toml_depth_at_the_limit() -> None:
    ok = "[" * L.MAX_TOML_DEPTH + "]" * L.MAX_TOML_DEPTH
    refused(f"x = {ok}\n", "unknown key 'x'")                    # read, then refused for its key
    refused(f"x = [{ok}]\n", "nested deeper than the limit MAX_TOML_DEPTH = 16")
    refused("x = " + "{a = " * 17 + "1" + "}" * 17 + "\n", "MAX_TOML_DEPTH")


def test_brackets_inside_toml_strings_do_not_count() -> None:
    deep = "{" * 20 + r"\eta" + "}" * 20
    strings = f'implicit = ["{"[" * 40}", \'\'\'{"{" * 40}\'\'\']\n# {"[" * 40}\n'
    text = proof(f"{deep} = {deep}", extra=strings)
    assert loads_proof(text, "p.toml").implicit == ("[" * 40, "{" * 40)


def test_proof_lines_at_the_limit() -> None:
    rows = r" \\ ".join([r"\eta = \eta"] * L.MAX_PROOF_LINES)
    uses = "[" + ", ".join(["[]"] * L.MAX_PROOF_LINES) + "]"
    text = proof(rows).replace("uses = [[]]", f"uses = {uses}")
    assert len(loads_proof(text, "p.toml").steps[0].lines) == L.MAX_PROOF_LINES
    refused(proof(rows + r" \\ \eta = \eta"), "501 lines, more than the limit MAX_PROOF_LINES = 500")


@pytest.mark.parametrize("name", [r"g_{\input{/etc/passwd}}", r"g_\def", "g_{b^*}", r"\text{x}", "é"])
def test_declared_names_hold_only_letters_digits_and_greek(name: str) -> None:
    symbol = f"[[symbol]]\nlatex = '{name}'\nkind = \"vector\"\n"
    refused(proof(r"\eta = \eta", extra=symbol), "may hold only ASCII letters, digits, Greek letters")
    setting = f"[setting]\nrate = '{name}'\n"
    refused(proof(r"\eta = \eta", extra=setting), "may hold only")


def test_declared_greek_names_still_read() -> None:
    extra = ("[setting]\nrate = '\\alpha'\n"
             "[[symbol]]\nlatex = 'u_{i2}'\nkind = \"vector\"\nper-example = true\n")
    text = proof(r"\alpha = \alpha", extra).replace("E_b g_b = 0", r"E_b u_{i2} = 0")
    read = loads_proof(text, "p.toml")
    # the rate is heatcap's η inside, printed under the setting's name
    assert read.steps[0].lines[0].latex(**read.notation.printing) == r"\alpha = \alpha"


def test_the_docs_document_every_limit() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for name in L.__all__:
        if name.startswith("MAX_"):
            value = getattr(L, name)
            assert re.search(rf"`{name}`[^\n]*{value:,}|`{name}`[^\n]*{value}", docs), name


def test_a_malformed_inverse_hypothesis_is_refused_not_a_traceback() -> None:
    """The checker needs 'A B = I' between two declared fixed matrices."""
    table = "[[assume]]\nname = \"inv\"\nkind = \"inverse\"\nlatex = 'H_b = H_b'\n"
    refused(proof(r"\eta = \eta", extra=table), "an inverse hypothesis reads 'A B = I'")
