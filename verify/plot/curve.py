r"""The ``curve`` figure: the converged loss L(η) on [0, η_c) and its tangent at 0.

Plotted: the exact L(η) = L* + ½ tr(H S(η)) at grid points η_i ∈ (0, 0.95 η_c]
(:func:`verify.numeric.analyze`), the tangent L* + η·¼ tr C (the Heat
Capacity Theorem: L'(0) = ¼ tr C = ¼ E_b‖g_b‖²), Monte Carlo estimates with
±2 SE error bars (:func:`verify.simulate.simulate`), and the pole at η_c,
where the stationary second moment becomes infinite.

JSON: ``L_star``, ``slope_at_zero`` (¼ tr C), ``eta_crit``, ``grid`` (rows
``eta``, ``excess_loss``, ``loss``), ``tangent`` (``intercept``, ``slope``),
``monte_carlo`` (rows ``eta``, ``excess_loss``, ``standard_error``,
``exact_excess_loss``, ``z``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from verify.numeric.analysis import analyze
from verify.numeric.data import LeastSquaresData
from verify.numeric.errors import NumericInputError

from .common import QUARTER_TR_C, grid, new_figure

__all__ = ["DEFAULT_MC_FRACTIONS", "GRID_TOP", "curve_payload", "draw_curve"]

GRID_TOP = 0.95
DEFAULT_MC_FRACTIONS = (0.1, 0.2, 0.3, 0.4, 0.5)


def curve_payload(data: LeastSquaresData, mc_etas: Sequence[Fraction] | None = None, *,
                  points: int = 40, chains: int = 200, steps: int | None = None,
                  burn_in: int | None = None, seed: int = 0, mode: str = "float64",
                  dps: int = 20, progress: Callable[[float], None] | None = None) -> dict[str, object]:
    """The numbers of the figure.  ``mc_etas`` None: 0.1, …, 0.5 × η_c; [] : no Monte Carlo."""
    from verify.simulate.montecarlo import simulate

    if points < 2:
        raise NumericInputError(f"--points must be at least 2; got {points}")
    base = analyze(data, Fraction(1, 10**12), mode=mode, dps=dps, crossval=False)
    eta_crit = float(base.eta_crit.eta_crit)  # type: ignore[arg-type]
    loss_star, slope = float(base.loss_star), float(base.slope_at_zero)  # type: ignore[arg-type]
    rows = []
    etas = grid(GRID_TOP * eta_crit, points)
    if mc_etas is None:
        mc_etas = [Fraction(f * eta_crit) for f in DEFAULT_MC_FRACTIONS]
    total = len(etas) + 4 * len(mc_etas)
    for i, eta in enumerate(etas):
        value = float(analyze(data, Fraction(eta), mode=mode, dps=dps,  # type: ignore[arg-type]
                              crossval=False).excess_loss)
        rows.append({"eta": eta, "excess_loss": value, "loss": loss_star + value})
        if progress is not None:
            progress((i + 1) / total)
    carlo = []
    for j, eta in enumerate(mc_etas):
        def part(fraction: float, j: int = j) -> None:
            if progress is not None:
                progress((len(etas) + 4 * (j + fraction)) / total)

        sim = simulate(data, eta, chains=chains, steps=steps, burn_in=burn_in, seed=seed + j,
                       exact_mode=mode, dps=dps, progress=part)
        carlo.append({"eta": sim.eta, "excess_loss": sim.excess_loss,
                      "standard_error": sim.standard_error,
                      "exact_excess_loss": sim.exact_excess_loss, "z": sim.z,
                      "chains": sim.chains, "steps": sim.steps, "burn_in": sim.burn_in})
    return {"kind": "curve", "n": data.n, "d": data.d, "mode": mode, "L_star": loss_star,
            "slope_at_zero": slope, "eta_crit": eta_crit,
            "tangent": {"intercept": loss_star, "slope": slope},
            "grid": rows, "monte_carlo": carlo, "seed": seed}


def draw_curve(payload: dict[str, object]) -> object:
    """The matplotlib Figure of :func:`curve_payload`'s numbers."""
    fig = new_figure()
    ax = fig.add_subplot()
    loss_star, slope = float(payload["L_star"]), float(payload["slope_at_zero"])  # type: ignore[arg-type]
    eta_crit = float(payload["eta_crit"])  # type: ignore[arg-type]
    rows = payload["grid"]
    xs = [0.0] + [r["eta"] for r in rows]  # type: ignore[attr-defined]
    ys = [loss_star] + [r["loss"] for r in rows]  # type: ignore[attr-defined]
    ax.plot(xs, ys, color="C0", lw=2, label=r"exact $L(\eta)$")
    ax.plot([0, eta_crit], [loss_star, loss_star + slope * eta_crit], "--", color="C1",
            label=rf"tangent $L^* + \eta\,{QUARTER_TR_C}$  (${QUARTER_TR_C}$ = {slope:.4g})")
    for point in payload["monte_carlo"]:  # type: ignore[attr-defined]
        ax.errorbar(point["eta"], loss_star + point["excess_loss"], yerr=2 * point["standard_error"],
                    fmt="o", color="C3", ms=4, capsize=3)
    if payload["monte_carlo"]:
        ax.plot([], [], "o", color="C3", ms=4, label="Monte Carlo SGD (±2 SE)")
    ax.axvline(eta_crit, color="k", ls=":", label=rf"pole at $\eta_c$ = {eta_crit:.4g}")
    top = loss_star + 3 * slope * eta_crit
    ax.set_ylim(loss_star - 0.05 * (top - loss_star), top)
    ax.set_xlim(0, 1.03 * eta_crit)
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel(r"converged loss $L(\eta)$")
    ax.set_title(r"$L(\eta)$ and the heat capacity $L^\prime(0) = \frac{1}{4} E_b \|g_b\|^2$")
    ax.legend(loc="upper left", fontsize=8)
    return fig
