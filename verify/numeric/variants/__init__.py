"""Variants of SGD: minibatches, preconditioning, momentum, epoch-wise reshuffling.

Public API (see docs/variants.md)::

    Variant(batch_size=1, sampling="with-replacement", momentum=Fraction(0),
            preconditioner=None, reshuffle=False)
    analyze_variant(data, eta, variant, *, mode="mp", dps=50, order=2) -> VariantReport
    excess_loss(data, eta, variant, *, dps=30) -> mpf       # L(η) − L*
    critical_rate(data, variant) -> float                   # η_c

Modules: :mod:`.spec` (Variant, validation, c_B), :mod:`.minibatch` (batch
factor, brute-force batch moments), :mod:`.preconditioner` (P from a CSV
file), :mod:`.equation` (the stationary equation shared by minibatch,
preconditioner and momentum), :mod:`.momentum` (the unreduced (D, v) moment),
:mod:`.critical` (η_c and bounds), :mod:`.reshuffle` (exact enumeration),
:mod:`.api`.

>>> from verify.numeric import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1]], [1, 0, 2, 2])
>>> plain = analyze_variant(data, "1/100", Variant(), mode="exact", dps=20)
>>> plain.slope_at_zero == plain.theorem_slope
True
"""

from .api import VariantReport, analyze_variant, critical_rate, excess_loss
from .spec import Variant

__all__ = ["Variant", "VariantReport", "analyze_variant", "critical_rate", "excess_loss"]
