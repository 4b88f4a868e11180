r"""The setting of the lecture as SymPy symbols.

The training set has ``n`` examples indexed by ``b``; the model has ``d`` parameters.
Per-example quantities are evaluated at the optimum Φ*:

* ``g_b`` — the gradient of the per-example loss L_b at Φ* (a d×1 column vector);
* ``H_b`` — the Hessian of L_b at Φ* (a symmetric d×d matrix);
* ``ΔΦ = Φ − Φ*`` — the state of SGD, a random d×1 vector with law P_η;
* ``η`` — the learning rate, a positive scalar.

>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> (H_b * DeltaPhi).T == DeltaPhi.T * H_b       # H_b is symmetric
True
>>> g_b.shape, H_b.shape
((d, 1), (d, d))
"""

from __future__ import annotations

from sympy import MatrixSymbol, Symbol

__all__ = [
    "ConstantMatrix",
    "ConstantVector",
    "DeltaPhi",
    "ExampleMatrix",
    "ExampleVector",
    "H_b",
    "StateVector",
    "b",
    "d",
    "eta",
    "g_b",
    "n",
]

d = Symbol("d", integer=True, positive=True)
n = Symbol("n", integer=True, positive=True)
b = Symbol("b", integer=True, positive=True)
eta = Symbol("eta", positive=True)


class ExampleVector(MatrixSymbol):
    """A per-example column vector v_b (depends on the example index b), shape d×1."""


class ExampleMatrix(MatrixSymbol):
    """A per-example *symmetric* matrix M_b, shape d×d: ``M_b.T`` is ``M_b``."""

    def _eval_transpose(self) -> ExampleMatrix:
        return self


class StateVector(MatrixSymbol):
    """The random state ΔΦ = Φ − Φ* of SGD, shape d×1, distributed by the stationary law P_η."""


class ConstantVector(MatrixSymbol):
    """A fixed (non-random, example-independent) column vector, shape d×1."""


class ConstantMatrix(MatrixSymbol):
    """A fixed (non-random, example-independent) *symmetric* matrix, shape d×d."""

    def _eval_transpose(self) -> ConstantMatrix:
        return self


g_b = ExampleVector("g_b", d, 1)
H_b = ExampleMatrix("H_b", d, d)
DeltaPhi = StateVector(r"\Delta\Phi", d, 1)
