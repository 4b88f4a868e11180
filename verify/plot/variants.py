r"""The ``variants`` figure: L(η) for several batch sizes and momenta on one set of axes.

Each curve is L(η) − L* on a grid η_i ∈ (0, 0.95 η_c(variant)], with the
variant's own critical rate.  The values come from the variants API
(``verify.numeric.variants.excess_loss`` / ``critical_rate``) when it is
installed; otherwise (minibatches only, no momentum) from the closed-form
minibatch equation solved in :mod:`verify.simulate.exact`:

    H S + S H − η (H S H + c_B (E_b[H_b S H_b] − H S H)) = η c_B C,   c_B = 1/B.

The slope at 0 is L'(0) = c_B ¼ tr C / (1 − β) (heavy-ball momentum β:
v' = β v − η ḡ, D' = D + v'); each curve's tangent is in the JSON.

JSON: ``L_star``, ``curves`` (rows ``label``, ``batch_size``, ``momentum``,
``eta_crit``, ``slope_at_zero``, ``source``, ``eta``, ``excess_loss``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from verify.numeric.data import LeastSquaresData
from verify.numeric.errors import NumericInputError

from .common import MAX_CURVES, grid, new_figure

__all__ = ["draw_variants", "variant_curve", "variants_payload"]

GRID_TOP = 0.95


def variant_curve(data: LeastSquaresData, batch_size: int, momentum: Fraction, points: int,
                  upper: float | None = None, dps: int = 20) -> dict[str, object]:
    """One curve's numbers (see the module docstring)."""
    from verify.simulate.exact import (
        batch_factor,
        minibatch_critical_rate,
        minibatch_excess_loss,
        variants_api,
    )

    if not 1 <= batch_size <= data.n:
        raise NumericInputError(f"batch sizes must be between 1 and n = {data.n}; got {batch_size}")
    if not 0 <= momentum < 1:
        raise NumericInputError(f"momenta must satisfy 0 ≤ β < 1; got {momentum}")
    api = variants_api()
    if api is not None:
        variant = api.Variant(batch_size=batch_size, momentum=momentum)  # type: ignore[attr-defined]
        eta_crit = float(api.critical_rate(data, variant))  # type: ignore[attr-defined]

        def value(eta: float) -> float:
            return float(api.excess_loss(data, Fraction(eta), variant, dps=dps))  # type: ignore[attr-defined]

        source = "verify.numeric.variants"
    elif momentum == 0:
        eta_crit = minibatch_critical_rate(data, batch_size)

        def value(eta: float) -> float:
            return minibatch_excess_loss(data, eta, batch_size)

        source = "minibatch closed form (float64)"
    else:
        raise NumericInputError("momentum curves need verify.numeric.variants (not installed)")
    x = data.features.astype(float)
    y = data.targets.astype(float)
    r = x @ np.linalg.lstsq(x, y, rcond=None)[0] - y
    trace_c = float(np.sum(r**2 * np.sum(x * x, axis=1))) / data.n
    slope = batch_factor(data.n, batch_size, "with-replacement") * trace_c / (4 * (1 - float(momentum)))
    top = GRID_TOP * eta_crit if upper is None else min(upper, GRID_TOP * eta_crit)
    etas = grid(top, points)
    label = f"B = {batch_size}" + (f", β = {float(momentum):g}" if momentum else "")
    return {"label": label, "batch_size": batch_size, "momentum": float(momentum),
            "eta_crit": eta_crit, "slope_at_zero": slope, "source": source,
            "eta": etas, "excess_loss": [value(e) for e in etas]}


def variants_payload(data: LeastSquaresData, batch_sizes: Sequence[int] = (1, 2, 4),
                     momenta: Sequence[Fraction] = (), *, points: int = 30,
                     upper: float | None = None, dps: int = 20,
                     progress: Callable[[float], None] | None = None) -> dict[str, object]:
    """Curves for every batch size (β = 0) and every momentum (B = 1), without repeats."""
    specs: list[tuple[int, Fraction]] = [(b, Fraction(0)) for b in batch_sizes]
    specs += [(1, Fraction(m)) for m in momenta if (1, Fraction(m)) not in specs]
    if not specs:
        raise NumericInputError("no variants to plot")
    if len(specs) > MAX_CURVES:
        raise NumericInputError(f"{len(specs)} variants to plot, more than the limit of {MAX_CURVES}")
    curves = []
    for i, (b, m) in enumerate(specs):
        curves.append(variant_curve(data, b, m, points, upper, dps))
        if progress is not None:
            progress((i + 1) / len(specs))
    x, y = data.features.astype(float), data.targets.astype(float)
    r = x @ np.linalg.lstsq(x, y, rcond=None)[0] - y
    return {"kind": "variants", "n": data.n, "d": data.d, "L_star": float(r @ r) / (2 * data.n),
            "curves": curves}


def draw_variants(payload: dict[str, object]) -> object:
    """The Figure: every curve L(η) − L* with its η_c marked (dotted)."""
    fig = new_figure()
    ax = fig.add_subplot()
    top = 0.0
    for i, curve in enumerate(payload["curves"]):  # type: ignore[attr-defined]
        color = f"C{i % 10}"
        ax.plot([0.0, *curve["eta"]], [0.0, *curve["excess_loss"]], color=color, lw=2,
                label=rf"{_math_label(curve)}  ($\eta_c$ = {curve['eta_crit']:.3g})")
        ax.plot([0, curve["eta_crit"]], [0, curve["slope_at_zero"] * curve["eta_crit"]], ls="--",
                color=color, lw=0.8)
        ax.axvline(curve["eta_crit"], color=color, ls=":", lw=0.8)
        top = max(top, 3 * curve["slope_at_zero"] * curve["eta_crit"])
    ax.set_ylim(0, top)
    ax.set_xlim(0, 1.03 * max(c["eta_crit"] for c in payload["curves"]))  # type: ignore[attr-defined]
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel(r"$L(\eta) - L^*$")
    ax.set_title(r"Minibatches and momentum (dashed: tangents at $\eta = 0$)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def _math_label(curve: dict[str, object]) -> str:
    """``$B = 2$, $\\beta = 0.5$``: the curve's label in mathtext."""
    beta = float(curve["momentum"])  # type: ignore[arg-type]
    return f"$B = {curve['batch_size']}$" + (rf", $\beta = {beta:g}$" if beta else "")
