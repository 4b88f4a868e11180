"""`ok` means the stated theorem follows from the stated hypotheses, for files users write.

One test (or a few) per item of issue 10, each with a proof file written for it: the theorem row,
the argument of L(·), the point of an unexpanded loss, name capture, shadowing, hypotheses that
mean what they say, stationarity derived rather than declared, the plain average E_b, the
lemma's hidden hypothesis, divergent limits.
"""

from __future__ import annotations

import json

import pytest

from derive.parse import ProofFileError
from derive.prooffile import loads_proof
from tests.prooftext import DOUBLE, SETTING, model_hypotheses
from verify.checker import check_proof
from verify.cli import main
from verify.counterexample import holds
from verify.instances import Instance
from verify.meaning import HypothesisError

MODEL = model_hypotheses()

ALL = '["expansion", "mean-gradient-zero", "sgd-step", "stationarity", "independence", "small-eta-limit"]'
SLOPE = r"\left. \frac{\partial \mathcal{L}(\eta)}{\partial \eta} \right|_{\eta=0}"
NOISE = r"E_{\Delta\Phi \sim P_\eta} E_b \|g_b + H_b \Delta\Phi\|^2"
STEP4 = f'''
[[step]]
name = "step-4"
latex = \'\'\'
{SLOPE} = \\frac{{1}}{{4}} \\lim_{{\\eta \\rightarrow 0}} {NOISE} \\\\
  &= \\frac{{1}}{{4}} E_b \\|g_b\\|^2
\'\'\'
uses = [{ALL}, ["small-eta-limit"]]
'''


def proof_text(theorem: str, steps: str, extra: str = "", setting: str = SETTING) -> str:
    return f"title = 'a user proof'\ntheorem = '{theorem}'\n{setting}\n{MODEL}\n{extra}\n{steps}"


def report_of(text: str):
    return check_proof(loads_proof(text, "user.toml"))


THEOREM = SLOPE + r" = \frac{1}{4} E_b \|g_b\|^2"


# -- 1. the theorem is derived from the verified lines ----------------------------------------
def test_the_shipped_shape_derives_its_theorem() -> None:
    report = report_of(proof_text(THEOREM, STEP4))
    assert report.ok and report.theorem_check.summary() == "verified from step-4 lines 1–2"


@pytest.mark.parametrize("theorem", [
    SLOPE + r" = \frac{1}{2} E_b \|g_b\|^2",
    SLOPE + r" = \frac{1}{4} E_b \|g_b\|^2 + 1",
])
def test_a_false_theorem_with_true_lines_is_not_ok(theorem: str, capsys) -> None:
    report = report_of(proof_text(theorem, STEP4))
    assert all(x.status == "verified" for s in report.steps for x in s.lines)
    assert report.theorem_check.status == "refuted" and not report.ok
    cx = report.theorem_check.counterexample
    assert cx is not None and cx.lhs != cx.rhs


def test_deleting_the_last_line_leaves_the_theorem_unproved() -> None:
    shortened = STEP4.replace("\\\\\n  &= \\frac{1}{4} E_b \\|g_b\\|^2\n", "\n").replace(
        ', ["small-eta-limit"]]', "]")
    report = report_of(proof_text(THEOREM, shortened))
    assert [len(s.lines) for s in report.steps] == [1]
    assert report.steps[0].status == "verified"
    assert report.theorem_check.status == "unknown" and not report.ok


def test_a_false_theorem_and_one_unrelated_true_line_exit_1(tmp_path) -> None:
    steps = "[[step]]\nname = 'only'\nlatex = 'E_b g_b = 0'\nuses = ['mean-gradient-zero']\n"
    text = proof_text(SLOPE + r" = \frac{1}{2} E_b \|g_b\|^2", steps)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1


CHAIN_LHS = r"E_b \mathcal{L}_b(\Phi^* + g_b)"
CHAIN_MID = r"E_b \left[ \mathcal{L}_b(\Phi^*) + g_b^\top g_b + \frac{1}{2} g_b^\top H_b g_b \right]"
CHAIN_END = (r"\mathcal{L}(\Phi^*) + E_b \|g_b\|^2 + \frac{1}{2} E_b g_b^\top H_b g_b"
             r" + (E_b g_b)^\top (E_b g_b)")
CHAIN = f"""
[[step]]
name = "chain"
latex = \'\'\'
{CHAIN_LHS} &= {CHAIN_MID} \\\\
  &= {CHAIN_END}
\'\'\'
uses = [["expansion"], ["mean-gradient-zero"]]
"""


def test_a_chain_connects_to_the_line_before_it() -> None:
    text = proof_text(f"{CHAIN_LHS} = {CHAIN_END}", CHAIN)
    proof = loads_proof(text, "chain.toml")
    second = proof.steps[0].lines[1]
    assert second.chained and second.lhs == proof.steps[0].lines[0].rhs
    report = check_proof(proof)
    assert report.ok and report.theorem_check.summary() == "verified from chain lines 1–2"
    # the theorem is the chain's two ends: neither line alone gives it
    alone = proof_text(f"{CHAIN_LHS} = {CHAIN_END}", CHAIN.replace('["mean-gradient-zero"]]', "[]]"))
    assert report_of(alone).theorem_check.status != "verified"


def test_the_report_has_a_theorem_row_in_text_and_json(tmp_path, capsys) -> None:
    path = tmp_path / "p.toml"
    path.write_text(proof_text(THEOREM, STEP4), encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["theorem"]["status"] == "verified"
    assert [(x["step"], x["line"]) for x in data["theorem"]["from"]] == [("step-4", 1), ("step-4", 2)]
    assert main(["check", str(path)]) == 0
    assert "theorem: verified from step-4 lines 1–2" in capsys.readouterr().out


# -- 2. the argument of L(·) is kept ----------------------------------------------------------
def _line(latex: str, uses: str) -> str:
    return f"[[step]]\nname = 'l'\nlatex = '{latex}'\nuses = [{uses}]\n"


@pytest.mark.parametrize(("latex", "uses", "status"), [
    (r"\mathcal{L}(0) = \mathcal{L}(\eta)", ALL[1:-1], "refuted"),
    (r"\mathcal{L}(0) = \mathcal{L}(\Phi^*)", '"expansion", "small-eta-limit"', "verified"),
    (r"\left. \frac{\partial \mathcal{L}(2\eta)}{\partial \eta} \right|_{\eta=0} = \frac{1}{4} E_b \|g_b\|^2",
     ALL[1:-1], "refuted"),
    (r"\left. \frac{\partial \mathcal{L}(2\eta)}{\partial \eta} \right|_{\eta=0} = \frac{1}{2} E_b \|g_b\|^2",
     ALL[1:-1], "verified"),
])
def test_the_rate_of_the_converged_loss_is_kept(latex: str, uses: str, status: str) -> None:
    report = report_of(proof_text(r"E_b g_b = 0", _line(latex, uses)))
    assert report.steps[0].lines[0].status == status


def test_the_files_own_definition_of_L0_is_an_identity() -> None:
    report = report_of(proof_text(r"E_b g_b = 0", _line(
        r"\mathcal{L}(0) = \lim_{\eta \rightarrow 0} \mathcal{L}(\eta)", "")))
    assert report.steps[0].lines[0].status == "verified"


def test_a_converged_loss_at_another_function_of_eta_is_an_error() -> None:
    with pytest.raises(ProofFileError, match="positive multiple of the rate"):
        loads_proof(proof_text(r"E_b g_b = 0", _line(r"\mathcal{L}(\eta^2) = \mathcal{L}(\eta)", "")), "x")


# -- 3. an unexpanded loss keeps its point ----------------------------------------------------
@pytest.mark.parametrize("latex", [
    r"\mathcal{L}(\Phi^* + 2\Delta\Phi) = \mathcal{L}(\Phi^* + \Delta\Phi)",
    r"E_b \mathcal{L}_b(\Phi^* + g_b) = E_b \mathcal{L}_b(\Phi^* + \Delta\Phi)",
])
def test_an_unexpanded_loss_at_another_point_is_refuted(latex: str) -> None:
    report = report_of(proof_text(r"E_b g_b = 0", _line(latex, "")))
    assert report.steps[0].lines[0].status == "refuted"


# -- 4. name capture ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["u", "v", "m", "S", "p"])
def test_declared_vectors_named_like_internal_letters_are_their_own(name: str) -> None:
    setting = (SETTING + f'\n[[symbol]]\nlatex = "{name}"\nkind = "vector"\n'
               '\n[[symbol]]\nlatex = "w"\nkind = "vector"\n')
    latex = f"({name}^\\top w) {name} = ({name}^\\top {name}) w"
    report = report_of(proof_text(r"E_b g_b = 0", _line(latex, ""), setting=setting))
    line = report.steps[0].lines[0]
    assert line.status == "refuted", line.reason
    swapped = f"({name}^\\top w) {name} = (w^\\top {name}) {name}"
    swapped_report = report_of(proof_text(r"E_b g_b = 0", _line(swapped, ""), setting=setting))
    assert swapped_report.steps[0].status == "verified"


# -- 5. shadowing ---------------------------------------------------------------------------
@pytest.mark.parametrize(("latex", "kind"), [
    (r"\eta", "scalar"), (r"\Delta\Phi", "vector"), ("b", "scalar"), ("E", "scalar"), ("L", "scalar"),
    ("d", "scalar"), ("n", "scalar"), ("T", "matrix"), ("I", "matrix"), ("c_B", "scalar"),
    (r"\Phi", "vector"),
    ("P_\\eta", "scalar"), ("g_b", "vector"),  # g_b is declared already
])
def test_redeclaring_a_builtin_name_exits_2(latex: str, kind: str, tmp_path, capsys) -> None:
    setting = SETTING + f"\n[[symbol]]\nlatex = '{latex}'\nkind = '{kind}'\n"
    path = tmp_path / "p.toml"
    line = _line(r"E_b g_b = 0", '"mean-gradient-zero"')
    path.write_text(proof_text(r"E_b g_b = 0", line, setting=setting), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbol" in err and "Traceback" not in err


@pytest.mark.parametrize("latex", [r"u_{\#}", r"\mathbf{x}", "g'", "ab"])
def test_a_declared_name_must_be_a_symbol_name(latex: str) -> None:
    setting = SETTING + f"\n[[symbol]]\nlatex = '{latex}'\nkind = 'vector'\n"
    with pytest.raises(ProofFileError):
        loads_proof(proof_text(r"E_b g_b = 0", _line(r"E_b g_b = 0", ""), setting=setting), "x")


# -- 6. hypotheses mean what they say -------------------------------------------------------
def test_an_expansion_with_another_coefficient_is_rejected(tmp_path, capsys) -> None:
    text = proof_text(THEOREM, STEP4).replace(r" + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi'",
                                              r" + \Delta\Phi^\top H_b \Delta\Phi'", 1)
    with pytest.raises(HypothesisError, match="second-order"):
        check_proof(loads_proof(text, "x"))
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "expansion" in capsys.readouterr().err


def test_a_statement_of_the_wrong_kind_is_rejected() -> None:
    text = proof_text(THEOREM, STEP4).replace("latex = 'b \\perp \\Delta\\Phi'", "latex = 'E_b H_b \\succ 0'")
    with pytest.raises(ProofFileError, match="independence hypothesis reads"):
        loads_proof(text, "x")


def test_an_assumption_is_tested_as_stated_on_counterexamples() -> None:
    extra = "[[assume]]\nname = 'no-noise'\nkind = 'assumption'\nlatex = 'E_b \\|g_b\\|^2 = 0'\n"
    report = report_of(proof_text(r"E_b g_b = 0", _line(r"E_b \|g_b\|^2 = 0", '"no-noise"'), extra))
    line = report.steps[0].lines[0]
    # the algebra does not use assumptions; no data with g_b ≠ 0 satisfies the statement
    assert line.status == "unknown"


def test_every_hypothesis_statement_is_in_the_reports(tmp_path, capsys) -> None:
    path = tmp_path / "p.toml"
    path.write_text(proof_text(THEOREM, STEP4), encoding="utf-8")
    main(["check", str(path), "--json"])
    rows = json.loads(capsys.readouterr().out)["hypotheses"]
    assert {r["name"] for r in rows} == {"expansion", "mean-gradient-zero", "sgd-step", "stationarity",
                                        "independence", "small-eta-limit"}
    assert all({"name", "kind", "latex", "used_by"} <= set(r) for r in rows)
    assert next(r for r in rows if r["name"] == "stationarity")["latex"] == "\\Delta\\Phi' \\sim P_\\eta"
    main(["check", str(path)])
    assert "b ⊥ ΔΦ" in capsys.readouterr().out  # the text report prints the statement in Unicode


def test_a_refutation_satisfies_every_named_statement() -> None:
    extra = "[[assume]]\nname = 'pd'\nkind = 'assumption'\nlatex = 'E_b H_b \\succ 0'\n"
    latex = r"E_{\Delta\Phi \sim P_\eta} E_b g_b^\top \Delta\Phi = 1"
    proof = loads_proof(proof_text(r"E_b g_b = 0", _line(latex, '"pd", "mean-gradient-zero"'), extra), "x")
    line = check_proof(proof).steps[0].lines[0]
    assert line.status == "refuted"
    inst = Instance.from_json(line.counterexample.to_json())
    assert all(holds(u, inst, proof.hypotheses) for u in ("pd", "mean-gradient-zero"))


# -- 7. stationarity is derived, not declared -----------------------------------------------------


def test_a_declared_moment_equation_that_is_false_is_refuted_as_a_hypothesis(tmp_path) -> None:
    uses = '"expansion", "mean-gradient-zero", "double-stationarity", "small-eta-limit"'
    steps = _line(SLOPE + r" = \frac{1}{8} \lim_{\eta \rightarrow 0} " + NOISE, uses)
    report = report_of(proof_text(SLOPE + r" = \frac{1}{8} E_b \|g_b\|^2", steps, DOUBLE))
    row = next(h for h in report.hypotheses if h.name == "double-stationarity")
    assert row.role == "consequence" and row.status == "refuted"
    assert row.counterexample.lhs != row.counterexample.rhs
    assert not report.ok and report.theorem_check.status != "verified"
    path = tmp_path / "p.toml"
    path.write_text(proof_text(SLOPE + r" = \frac{1}{8} E_b \|g_b\|^2", steps, DOUBLE), encoding="utf-8")
    assert main(["check", str(path)]) == 1


def test_the_true_declared_moment_equation_is_verified_as_a_consequence() -> None:
    extra = DOUBLE.replace("double-stationarity", "moments").replace("- 2 \\eta", "- \\eta")
    uses = '"expansion", "mean-gradient-zero", "moments", "small-eta-limit"'
    first = _line(SLOPE + r" = \frac{1}{4} \lim_{\eta \rightarrow 0} " + NOISE, uses)
    report = report_of(proof_text(THEOREM, first + STEP4.replace('name = "step-4"', 'name = "s4"'), extra))
    row = next(h for h in report.hypotheses if h.name == "moments")
    assert row.status == "verified" and set(row.relies_on) >= {"sgd-step", "stationarity", "independence"}
    assert report.steps[0].status == "verified"


# -- 8. E_b is the plain average ----------------------------------------------------------------
def test_step_2_needs_no_independence() -> None:
    from derive.proof import heat_capacity_proof

    proof = heat_capacity_proof()
    report = check_proof(proof)
    assert all("independence" not in line.uses for line in proof.steps[1].lines)
    assert report.steps[1].status == "verified"
    using = {h.name: h.used_by for h in report.hypotheses}["independence"]
    assert using and all(x.startswith(("step-3", "step-4")) for x in using)


# -- 9. the lemma's hidden hypothesis -------------------------------------------------------------
def test_the_lemma_names_psd_hessians() -> None:
    from derive.lemma import SMALL_ETA_LEMMA
    from derive.proof import heat_capacity_proof

    assert "psd-hessians" in SMALL_ETA_LEMMA.uses
    proof = heat_capacity_proof()
    assert any(a.startswith("psd-hessians") for a in proof.implicit)
    assert proof.hypotheses["psd-hessians"].statement == r"H_b \succeq 0"
    assert "psd-hessians" in check_proof(proof).theorem_check.uses


# -- 10. divergent limits ---------------------------------------------------------------------
def test_zero_times_a_divergent_limit_is_not_verified() -> None:
    latex = (r"\left( \lim_{\eta \rightarrow 0} \eta \right) \left( \lim_{\eta \rightarrow 0} "
             r"\frac{1}{\eta} E_b \|g_b\|^2 \right) = 0")
    report = report_of(proof_text(r"E_b g_b = 0", _line(latex, '"small-eta-limit"')))
    assert report.steps[0].lines[0].status == "unknown"


@pytest.mark.parametrize("latex", [
    r"0 \cdot \lim_{\eta \rightarrow 0} \frac{1}{\eta} E_b \|g_b\|^2 = 0",
    r"\frac{0}{0} = 1",
    r"\frac{1}{E_b \|g_b\|^2} E_b \|g_b\|^2 = 1",
    r"\frac{1}{1 - \eta} = 1",
])
def test_nothing_undefined_is_folded_at_parse_time(latex: str) -> None:
    with pytest.raises(ProofFileError):
        loads_proof(proof_text(r"E_b g_b = 0", _line(latex, "")), "x")


def test_an_inverse_hypothesis_in_a_file_cancels_its_product() -> None:
    setting = SETTING + "".join(f"\n[[symbol]]\nlatex = '{x}'\nkind = '{k}'\n"
                                for x, k in (("A", "matrix"), ("B", "matrix"), ("w", "vector")))
    extra = "[[assume]]\nname = 'inv'\nkind = 'inverse'\nlatex = 'A B = I'\n"
    latex = r"w^\top A B w = w^\top w"
    with_it = report_of(proof_text(latex, _line(latex, '"inv"'), extra, setting))
    assert with_it.ok
    without = report_of(proof_text(latex, _line(latex, ""), extra, setting))
    assert without.steps[0].lines[0].status == "refuted"


def test_the_argument_in_a_notation_of_its_own() -> None:
    from pathlib import Path

    from derive.prooffile import load_proof

    path = Path(__file__).parent / "proofs" / "own_notation.toml"
    report = check_proof(load_proof(path))
    assert report.ok and report.theorem_check.summary() == "verified from s lines 2–3"
    assert "E_i" in report.steps[0].lines[0].latex and "E_b" not in report.steps[0].lines[0].latex
    third = path.read_text(encoding="utf-8").replace(r"\frac{1}{4}", r"\frac{1}{3}").replace(
        r"\frac{\alpha}{4}", r"\frac{\alpha}{3}")
    wrong = check_proof(loads_proof(third, "thirds.toml"))
    assert [x.status for x in wrong.steps[0].lines] == ["refuted", "refuted", "verified"]
    assert wrong.theorem_check.status == "refuted"
    first = wrong.steps[0].lines[0]  # the residual and its legend in the file's names
    assert "E_{i}" in first.residual and r"\alpha" in first.residual and "K_{i}" in first.residual
    assert not any(x in first.residual for x in ("E_{b}", r"\eta", "H_{b}", "S_{"))
    assert r"x \sim Q_\alpha" in first.legend


def test_an_expansion_stated_wrong_is_shown_in_the_files_names() -> None:
    from pathlib import Path

    from verify.meaning import HypothesisError

    text = (Path(__file__).parent / "proofs" / "own_notation.toml").read_text(encoding="utf-8")
    wrong = text.replace(r"\frac{1}{2} x^\top K_i x", r"x^\top K_i x", 1)
    with pytest.raises(HypothesisError, match=r"differs from it by \\frac\{1\}\{2\} x\^\\top K_\{i\} x"):
        check_proof(loads_proof(wrong, "expansion.toml"))


def test_a_file_without_the_lecture_symbols_has_no_builtin_hypotheses(tmp_path) -> None:
    text = ("title = 't'\ntheorem = '(S^\\top w) S = (w^\\top S) S'\n" + "".join(
        f"\n[[symbol]]\nlatex = '{x}'\nkind = 'vector'\n" for x in ("S", "w"))
        + "\n[[step]]\nname = 's'\nlatex = '(S^\\top w) S = (w^\\top S) S'\nuses = []\n")
    proof = loads_proof(text, "x.toml")
    assert proof.hypotheses == {}
    assert check_proof(proof).ok
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 0
