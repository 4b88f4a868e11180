"""``heatcap plot``: the figure files decode and the JSON behind them matches independent numbers."""

from __future__ import annotations

import argparse
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg
import pytest
import sympy

from verify.numeric import LeastSquaresData, analyze
from verify.plot.command import add_arguments, run

ROWS = "x1,x2,x3,y\n1,0,0.5,1\n0,1,0,0\n1,1,-1,2\n2,1,0,2\n0.5,-1,1,0.25\n-1,0.5,2,1\n0,0,1,-1\n"
ROWS_2D = "x1,x2,y\n1,0,1\n0,1,0\n1,1,2\n2,1,2\n0.5,-1,0.25\n"


def table(rows: str) -> tuple[list[list[Fraction]], list[Fraction]]:
    cells = [[Fraction(c) for c in line.split(",")] for line in rows.splitlines()[1:]]
    return [r[:-1] for r in cells], [r[-1] for r in cells]


def data_of(rows: str) -> LeastSquaresData:
    x, y = table(rows)
    return LeastSquaresData.from_arrays(x, y)


def quarter_trace_c(rows: str) -> Fraction:
    """¼ tr C = ¼ E_b r_b² ‖x_b‖² with Φ* from the normal equations, in exact fractions."""
    x, y = table(rows)
    xm, ym = sympy.Matrix(x), sympy.Matrix(y)
    phi = (xm.T * xm).LUsolve(xm.T * ym)
    r = xm * phi - ym
    total = sum(r[b] ** 2 * sum(v * v for v in x[b]) for b in range(len(x)))
    value = sympy.Rational(total) / (4 * len(x))
    return Fraction(int(value.p), int(value.q))


def minibatch_excess_exact(rows: str, eta: Fraction, batch: int) -> Fraction:
    """L(η) − L* of minibatch SGD (with replacement) by solving the d² linear system in sympy:
    H S + S H − η(H S H + (1/B)(E_b[H_b S H_b] − H S H)) = (η/B) C, entry by entry."""
    x, y = table(rows)
    n, d = len(x), len(x[0])
    xs = [sympy.Matrix(row) for row in x]
    xm, ym = sympy.Matrix(x), sympy.Matrix(y)
    phi = (xm.T * xm).LUsolve(xm.T * ym)
    r = xm * phi - ym
    h = sum((v * v.T for v in xs), sympy.zeros(d, d)) / n
    c = sum((r[b] ** 2 * xs[b] * xs[b].T for b in range(n)), sympy.zeros(d, d)) / n
    s = sympy.Matrix(d, d, sympy.symbols(f"s0:{d * d}"))
    e, cb = sympy.Rational(eta.numerator, eta.denominator), sympy.Rational(1, batch)
    sandwich = sum((v * v.T * s * v * v.T for v in xs), sympy.zeros(d, d)) / n
    lhs = h * s + s * h - e * (h * s * h + cb * (sandwich - h * s * h)) - e * cb * c
    solution = sympy.solve(list(lhs), list(s))
    value = (h * s.subs(solution)).trace() / 2
    value = sympy.nsimplify(value)
    return Fraction(int(value.p), int(value.q))


def invoke(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="heatcap plot")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def write(tmp_path: Path, rows: str = ROWS) -> str:
    path = tmp_path / "data.csv"
    path.write_text(rows)
    return str(path)


def assert_png(path: Path) -> None:
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image.std() > 0.01  # not a blank canvas


@pytest.fixture(scope="module")
def curve(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("curve")
    csv = write(tmp)
    out = tmp / "curve.png"
    assert invoke("curve", csv, "-o", str(out), "--eta", "0.05,0.15", "--points", "8",
                  "--chains", "100", "--seed", "1") == 0
    return out, json.loads((tmp / "curve.png.json").read_text())


def test_curve_png_decodes(curve: tuple[Path, dict]) -> None:
    assert_png(curve[0])


def test_curve_grid_is_the_exact_loss(curve: tuple[Path, dict]) -> None:
    payload = curve[1]
    data = data_of(ROWS)
    assert len(payload["grid"]) == 8
    for row in payload["grid"][::3]:
        exact = analyze(data, Fraction(row["eta"]), mode="exact", dps=20, crossval=False)
        assert row["excess_loss"] == pytest.approx(float(exact.excess_loss), rel=1e-9)
        assert row["loss"] == pytest.approx(float(exact.loss_star + exact.excess_loss), rel=1e-12)


def test_curve_tangent_and_pole(curve: tuple[Path, dict]) -> None:
    payload = curve[1]
    slope = quarter_trace_c(ROWS)
    assert payload["slope_at_zero"] == pytest.approx(float(slope), rel=1e-12)
    assert payload["tangent"]["slope"] == payload["slope_at_zero"]
    report = analyze(data_of(ROWS), "1/100", mode="mp", dps=20, crossval=False)
    assert payload["eta_crit"] == pytest.approx(float(report.eta_crit.eta_crit), rel=1e-12)
    assert payload["tangent"]["intercept"] == pytest.approx(float(report.loss_star), rel=1e-12)
    assert max(r["eta"] for r in payload["grid"]) < payload["eta_crit"]


def test_curve_monte_carlo_points(curve: tuple[Path, dict]) -> None:
    points = curve[1]["monte_carlo"]
    assert [p["eta"] for p in points] == [0.05, 0.15]
    for p in points:
        exact = analyze(data_of(ROWS), Fraction(p["eta"]), mode="mp", dps=20, crossval=False)
        assert abs(p["excess_loss"] - float(exact.excess_loss)) < 4 * p["standard_error"]


def test_schedule_plateaus_match_the_exact_levels(tmp_path: Path) -> None:
    csv = write(tmp_path)
    out = tmp_path / "schedule.pdf"
    assert invoke("schedule", csv, "--eta", "0.2", "-o", str(out), "--chains", "100", "--seed", "2") == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    payload = json.loads((tmp_path / "schedule.pdf.json").read_text())
    phases = payload["phases"]
    assert [p["eta"] for p in phases] == [0.2, 0.1, 0.05]
    data = data_of(ROWS)
    for p in phases:
        exact = analyze(data, Fraction(p["eta"]), mode="exact", dps=20, crossval=False)
        assert p["exact_excess_loss"] == pytest.approx(float(exact.excess_loss), rel=1e-12)
        assert abs(p["plateau_excess_loss"] - float(exact.excess_loss)) < 4 * p["plateau_standard_error"]
        assert p["plateau_standard_error"] < 0.1 * p["plateau_excess_loss"]
    # each drop by 2 roughly halves the excess loss (L(η) − L* ≈ η·¼ tr C)
    levels = [p["plateau_excess_loss"] for p in phases]
    assert levels[0] > levels[1] > levels[2]
    trace = payload["trace"]
    assert len(trace["step"]) == len(trace["mean_loss"]) == len(trace["chain_loss"])
    assert trace["step"][-1] == phases[-1]["end_step"]


def test_variants_curves_match_an_exact_minibatch_solve(tmp_path: Path) -> None:
    csv = write(tmp_path, ROWS_2D)
    out = tmp_path / "variants.png"
    assert invoke("variants", csv, "-o", str(out), "--points", "4", "--batch-sizes", "1,2,4") == 0
    assert_png(out)
    payload = json.loads((tmp_path / "variants.png.json").read_text())
    curves = {c["batch_size"]: c for c in payload["curves"]}
    assert sorted(curves) == [1, 2, 4]
    data = data_of(ROWS_2D)
    plain = curves[1]
    for eta, value in zip(plain["eta"][::2], plain["excess_loss"][::2], strict=True):
        exact = analyze(data, Fraction(eta), mode="exact", dps=20, crossval=False)
        assert value == pytest.approx(float(exact.excess_loss), rel=1e-9)
    eta, value = curves[2]["eta"][1], curves[2]["excess_loss"][1]
    assert value == pytest.approx(float(minibatch_excess_exact(ROWS_2D, Fraction(eta), 2)), rel=1e-9)
    slope = quarter_trace_c(ROWS_2D)
    for b, curve in curves.items():
        assert curve["slope_at_zero"] == pytest.approx(float(slope) / b, rel=1e-12)
        assert max(curve["eta"]) < curve["eta_crit"]
    assert plain["eta_crit"] == pytest.approx(
        float(analyze(data, "1/100", mode="mp", dps=20, crossval=False).eta_crit.eta_crit), rel=1e-9)


def test_variants_with_momentum(tmp_path: Path) -> None:
    from verify.simulate.exact import variants_api

    if variants_api() is None:
        pytest.skip("verify.numeric.variants is not available")
    csv = write(tmp_path, ROWS_2D)
    out = tmp_path / "momentum.png"
    assert invoke("variants", csv, "-o", str(out), "--points", "6", "--batch-sizes", "1",
                  "--momenta", "0.5") == 0
    payload = json.loads((tmp_path / "momentum.png.json").read_text())
    heavy = next(c for c in payload["curves"] if c["momentum"] == 0.5)
    assert heavy["slope_at_zero"] == pytest.approx(float(quarter_trace_c(ROWS_2D)) * 2, rel=1e-12)
    first = heavy["excess_loss"][0] / heavy["eta"][0]  # secant from 0: slope + O(η)
    assert first == pytest.approx(heavy["slope_at_zero"], rel=0.2)


@pytest.mark.parametrize(("argv", "message"), [
    (["sideways", "{csv}", "-o", "{out}"], "unknown KIND"),
    (["curve", "{tmp}/missing.csv", "-o", "{out}"], "cannot read"),
    (["curve", "{csv}", "--eta", "5", "-o", "{out}"], "critical"),
    (["curve", "{csv}", "--eta", "nan", "-o", "{out}"], "not finite"),
    (["schedule", "{csv}", "--eta", "0.6", "-o", "{out}"], "critical"),
    (["schedule", "{csv}", "-o", "{out}"], "exactly one"),
    (["curve", "{csv}", "-o", "{tmp}/fig.svg"], ".png or .pdf"),
    (["curve", "{csv}", "-o", "{tmp}/no/such/dir/fig.png"], "cannot write"),
    (["variants", "{csv}", "--batch-sizes", "1,x", "-o", "{out}"], "not an integer"),
    (["variants", "{csv}", "--batch-sizes", "99", "-o", "{out}"], "batch sizes"),
])
def test_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  argv: list[str], message: str) -> None:
    csv = write(tmp_path)
    out = tmp_path / "fig.png"
    args = [a.replace("{csv}", csv).replace("{out}", str(out)).replace("{tmp}", str(tmp_path))
            for a in argv]
    assert invoke(*args) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("heatcap: error:") and message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_nan_in_the_data_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write(tmp_path, ROWS.replace("0.25", "nan"))
    assert invoke("curve", csv, "-o", str(tmp_path / "fig.png")) == 2
    assert "not finite" in capsys.readouterr().err
    assert not (tmp_path / "fig.png").exists()


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from verify.plot import common

    csv = write(tmp_path, ROWS_2D)
    target = tmp_path / "fig.png"
    target.write_bytes(b"old figure")

    def broken(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(common.os, "replace", broken)
    assert invoke("variants", csv, "-o", str(target), "--points", "3", "--batch-sizes", "1") == 2
    assert "No space left" in capsys.readouterr().err
    assert target.read_bytes() == b"old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "fig.png"]


def test_json_out_option(tmp_path: Path) -> None:
    csv = write(tmp_path, ROWS_2D)
    out, numbers = tmp_path / "v.pdf", tmp_path / "numbers.json"
    assert invoke("variants", csv, "-o", str(out), "--json-out", str(numbers), "--points", "3",
                  "--batch-sizes", "1,2") == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert json.loads(numbers.read_text())["kind"] == "variants"
    assert not (tmp_path / "v.pdf.json").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["curve", "--points", "100000000"], "--points must be between 2 and 1000; got 100000000"),
    (["variants", "--points", "1"], "--points must be between 2 and 1000; got 1"),
    (["schedule", "--eta", "0.2", "--drops", "1000"], "--drops must be between 0 and 10; got 1000"),
    (["curve", "--seed", "-1"], "--seed must be at least 0; got -1"),
    (["schedule", "--eta", "0.2", "--seed", "-1"], "--seed must be at least 0; got -1"),
    (["schedule", "--eta", "0.2", "--drops", "10"], "chain steps; use fewer --drops, --chains or --steps"),
    (["schedule", "--eta", "0.2", "--factor", "1000000"], "more than the limit of 2e+08 chain steps"),
    (["variants", "--batch-sizes", ",".join(["1"] * 17)], "more than the limit of 16"),
])
def test_work_is_bounded(argv: list[str], message: str, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """Allowed values that would run for hours or exhaust memory are refused before any work."""
    from verify.plot.schedule import MAX_CHAIN_STEPS

    csv = write(tmp_path, ROWS)
    kind, *rest = argv
    assert invoke(kind, csv, "-o", str(tmp_path / "f.png"), *rest) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]
    assert MAX_CHAIN_STEPS == 2 * 10**8


def test_a_schedule_within_the_budget_runs(tmp_path: Path) -> None:
    csv = write(tmp_path, ROWS)
    out = tmp_path / "s.png"
    assert invoke("schedule", csv, "--eta", "0.2", "--drops", "3", "--chains", "20", "-o", str(out)) == 0
    numbers = json.loads(Path(str(out) + ".json").read_text())
    assert len(numbers["phases"]) == 4 and numbers["chains"] * 4 * numbers["phase_steps"] <= 2 * 10**8


# --- the figures' text: mathtext for every symbol ---------------------------------------------

MATH_ONLY = re.compile(r"[_^ηΦβμ‖¼²]")


def figure_texts(figure: object) -> list[str]:
    """Every piece of text on the figure's axes: title, labels, legend entries, annotations."""
    out = []
    for ax in figure.axes:  # type: ignore[attr-defined]
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        legend = ax.get_legend()
        out += [t.get_text() for t in legend.get_texts()] if legend else []
    return [t for t in out if t]


@pytest.fixture(scope="module")
def figures(curve: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from verify.plot.curve import draw_curve
    from verify.plot.schedule import draw_schedule, schedule_payload
    from verify.plot.variants import draw_variants, variants_payload
    from verify.simulate.exact import variants_api

    data = data_of(ROWS_2D)
    momenta = [Fraction(1, 2)] if variants_api() is not None else []
    return {
        "curve": draw_curve(curve[1]),
        "schedule": draw_schedule(schedule_payload(data, Fraction(1, 5), chains=10, phase_steps=60)),
        "variants": draw_variants(variants_payload(data, [1, 2], momenta, points=3)),
    }


@pytest.mark.parametrize("kind", ["curve", "schedule", "variants"])
def test_every_symbol_on_a_figure_is_mathtext(kind: str, figures: dict[str, object]) -> None:
    texts = figure_texts(figures[kind])
    assert len(texts) >= 5
    for text in texts:
        assert text.count("$") % 2 == 0, text
        outside = "".join(text.split("$")[0::2])
        assert MATH_ONLY.search(outside) is None, text                 # no L(Φ_t), η_c in plain text
    figures[kind].savefig(io.BytesIO(), format="png")                   # mathtext parses every label


def test_the_labels_the_issue_names(figures: dict[str, object]) -> None:
    schedule = figures["schedule"].axes[0]
    assert schedule.get_ylabel() == r"$L(\Phi_t) - L^*$"
    curve = figure_texts(figures["curve"])
    assert any(r"pole at $\eta_c$ = " in t for t in curve)
    assert r"$L(\eta)$ and the heat capacity $L^\prime(0) = \frac{1}{4} E_b \|g_b\|^2$" in curve
    variants = figure_texts(figures["variants"])
    assert any(t.startswith(r"$B = 2$  ($\eta_c$ = ") for t in variants)


# --- one symbol for momentum: β ---------------------------------------------------------------

def test_momentum_is_beta_in_help_errors_and_labels(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from verify.simulate.command import add_arguments as simulate_arguments

    helps = []
    for add in (add_arguments, simulate_arguments):
        parser = argparse.ArgumentParser()
        add(parser)
        helps.append(parser.format_help())
    assert all("β" in h and "μ" not in h and "MU" not in h for h in helps)
    assert "--momentum BETA" in helps[1] and "--momenta BETAS" in helps[0]
    csv = write(tmp_path, ROWS_2D)
    assert invoke("variants", csv, "--momenta", "1.5", "-o", str(tmp_path / "m.png")) == 2
    assert "0 ≤ β < 1" in capsys.readouterr().err


def test_a_momentum_curve_is_labelled_beta(tmp_path: Path) -> None:
    from verify.plot.variants import variant_curve
    from verify.simulate.exact import variants_api

    if variants_api() is None:
        pytest.skip("verify.numeric.variants is not available")
    curve = variant_curve(data_of(ROWS_2D), 1, Fraction(1, 2), 2)
    assert curve["label"] == "B = 1, β = 0.5" and curve["momentum"] == 0.5


# --- --json-out: the help says what the command does ------------------------------------------

def test_the_json_out_help_describes_the_default_it_writes(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    help_text = " ".join(next(a.help for a in parser._actions if "--json-out" in a.option_strings).split())
    assert "FIG.json" not in help_text
    figure, numbers = re.search(r"-o (\S+\.png) writes (\S+\.json)\)", help_text).groups()
    csv = write(tmp_path, ROWS_2D)
    assert invoke("variants", csv, "-o", str(tmp_path / figure), "--points", "3", "--batch-sizes", "1") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data.csv", figure, numbers])
    assert json.loads((tmp_path / numbers).read_text())["kind"] == "variants"
