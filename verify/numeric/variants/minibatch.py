"""Minibatches of size B, drawn afresh at every step.

With ḡ, H̄ the means over the batch, the step is D' = D − η(ḡ + H̄ D).  For
any per-example quantity X_b with mean X̄ = E_b X_b, the batch mean satisfies

    E[X_batch ⊗ X_batch] = X̄ ⊗ X̄ + c_B (E_b[X_b ⊗ X_b] − X̄ ⊗ X̄),

c_B = 1/B with replacement and c_B = (n − B)/(B(n − 1)) for a uniformly random
B-subset (the finite-population correction).  Hence E[ḡ ḡᵀ] = c_B C (E_b g_b = 0)
and E[H̄ S H̄] = H S H + c_B (E_b[H_b S H_b] − H S H) =: M_B(S), and the
stationary second moment solves

    H S + S H − η M_B(S) = η c_B C,

so L'(0) = c_B tr C / 4 and L(η) − L* = (η/4) E‖ḡ + H̄ D‖².  B = n without
replacement is full-batch gradient descent: c_B = 0 and L(η) = L*.

:func:`batch_moments` enumerates every batch, an independent check of the
formula for small n.

>>> from fractions import Fraction
>>> g = [Fraction(1), Fraction(-3), Fraction(2)]
>>> second, _ = batch_moments(g, [Fraction(0)] * 3, 2, "without-replacement", Fraction(0))
>>> second == batch_factor(3, 2, "without-replacement") * sum(x * x for x in g) / 3
True
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from .spec import batch_factor

__all__ = ["batch_factor", "batch_moments"]


def batch_moments(g: list[Fraction], h: list[Fraction], batch_size: int, sampling: str,
                  s: Fraction) -> tuple[Fraction, Fraction]:
    """(E[ḡ²], E[H̄ s H̄]) for d = 1 by enumerating all batches (with replacement: all
    ordered B-tuples; without: all B-subsets)."""
    n = len(g)
    if sampling == "with-replacement":
        batches = list(itertools.product(range(n), repeat=batch_size))
    else:
        batches = list(itertools.combinations(range(n), batch_size))
    gg = sum((sum(g[b] for b in batch) / batch_size) ** 2 for batch in batches) / len(batches)
    hh = sum((sum(h[b] for b in batch) / batch_size) ** 2 * s for batch in batches) / len(batches)
    return Fraction(gg), Fraction(hh)
