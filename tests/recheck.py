"""An independent re-checker of certificates: plain SymPy expansion on a generic instance.

It knows nothing of the checker's canonical form. The instance has symbolic entries: d = 2,
n = 2 examples with g_b, H_b (symmetric) and L_b symbols, and for each rate r a law of ΔΦ given by
a symbolic mean m_r and symmetric second moment S_r. E_b is the plain average. ``mean-gradient-zero``
sets g_2 = −g_1. A certificate says lhs − rhs = Σ λ_i (lhs_i − rhs_i); here both sides are
expanded to polynomials in the symbols and compared. The moment equations the SGD model gives
are read back from the LaTeX the certificate prints (:func:`derived_equations`), so they are
re-checked from their statement, not from the checker's internal form.
"""

from __future__ import annotations

from sympy import (
    Add,
    Basic,
    Dummy,
    Identity,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    Mul,
    Poly,
    Pow,
    Trace,
    Transpose,
    ZeroMatrix,
    eye,
    symbols,
    sympify,
    zeros,
)

from derive.expectation import ExampleMean, StationaryMean
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.scalar import Scalar, SquaredNorm
from derive.symbols import DeltaPhi, eta

DIM, COUNT = 2, 2


class GenericInstance:
    """Symbolic data and moments; E_b is the plain average, E_P applies the moments."""

    def __init__(self, mean_zero: bool) -> None:
        self.g = [Matrix(symbols(f"g{b}_0:{DIM}")) for b in range(COUNT)]
        if mean_zero:
            self.g[-1] = -self.g[0]
        self.H = []
        for b in range(COUNT):
            h = symbols(f"h{b}_0:{DIM * DIM}")
            self.H.append(Matrix(DIM, DIM, lambda i, j, h=h: h[min(i, j) * DIM + max(i, j)]))
        self.L = symbols(f"L0:{COUNT}")
        self.laws: dict[str, tuple[Matrix, Matrix]] = {}

    def law(self, rate: Basic) -> tuple[Matrix, Matrix]:
        """Symbolic moments (m_r, S_r) of the law at the rate r, one pair for each rate."""
        key = str(rate)
        if key not in self.laws:
            k = len(self.laws)
            s = symbols(f"s{k}_0:{DIM * DIM}")
            m = Matrix(symbols(f"m{k}_0:{DIM}"))
            self.laws[key] = (m, Matrix(DIM, DIM, lambda i, j: s[min(i, j) * DIM + max(i, j)]))
        return self.laws[key]

    def value(self, e: Basic, b: int | None = None, x: Matrix | None = None):
        v = self.value
        if isinstance(e, ExampleMean):
            parts = [v(e.expr, k, x) for k in range(COUNT)]
            return sum(parts[1:], parts[0]) / COUNT
        if isinstance(e, StationaryMean):
            xs = Matrix([Dummy() for _ in range(DIM)])
            return self.moments(v(e.expr, b, xs), xs, *self.law(e.rate))
        if isinstance(e, Scalar):
            return v(e.matrix, b, x)[0, 0]
        if isinstance(e, SquaredNorm):
            w = v(e.vector, b, x)
            return (w.T * w)[0, 0]
        if isinstance(e, ExampleLoss):
            if e.at_optimum:
                return self.L[b]
            y = v(e.offset, b, x)
            return self.L[b] + (self.g[b].T * y)[0, 0] + (y.T * self.H[b] * y)[0, 0] / 2
        if isinstance(e, TrainingLoss | ConvergedLoss):
            return v(e.doit(), b, x)
        if isinstance(e, Transpose):
            return v(e.arg, b, x).T
        if isinstance(e, Trace):
            return v(e.arg, b, x).trace()
        if isinstance(e, ZeroMatrix):
            return zeros(DIM, 1 if e.shape[1] == 1 else DIM)
        if isinstance(e, Identity):
            return eye(DIM)
        if e == DeltaPhi:
            return x
        if str(getattr(e, "name", "")) == "g_b":
            return self.g[b]
        if str(getattr(e, "name", "")) == "H_b":
            return self.H[b]
        if isinstance(e, Add | MatAdd):
            parts = [v(a, b, x) for a in e.args]
            return sum(parts[1:], parts[0])
        if isinstance(e, Mul | MatMul):
            out = v(e.args[0], b, x)
            for a in e.args[1:]:
                out = out * v(a, b, x)
            return out
        if isinstance(e, Pow | MatPow):
            return v(e.base, b, x) ** int(e.exp)
        return sympify(e)

    def moments(self, value, xs: Matrix, m: Matrix, S: Matrix):
        if isinstance(value, Matrix):
            return value.applyfunc(lambda t: self.moments(t, xs, m, S))
        total = 0
        for powers, c in Poly(value.expand(), *xs).terms():
            idx = [i for i, p in enumerate(powers) for _ in range(p)]
            assert len(idx) <= 2
            moment = 1 if not idx else m[idx[0]] if len(idx) == 1 else S[idx[0], idx[1]]
            total += c * moment
        return total


def derived_equations(certificate: object) -> dict:
    """The moment equations a certificate uses, parsed back from the LaTeX it prints."""
    from derive.parse import parse_equation

    return {name: parse_equation(latex) for name, latex in certificate.derived}


def certificate_holds(
    lhs: Basic, rhs: Basic, multipliers: dict[str, str], equations: dict, mean_zero: bool
) -> bool:
    """lhs − rhs − Σ λ_i (lhs_i − rhs_i) expands to 0 on the generic instance."""
    inst = GenericInstance(mean_zero)
    x = Matrix(symbols(f"x0:{DIM}"))  # a free ΔΦ is a generic vector; a free b is each example
    for b in range(COUNT):
        total = inst.value(lhs, b, x) - inst.value(rhs, b, x)
        for name, lam in multipliers.items():
            eq = equations[name]
            lam_value = sympify(lam, locals={"eta": eta})
            total = total - lam_value * (inst.value(eq.lhs, b, x) - inst.value(eq.rhs, b, x))
        if isinstance(total, Matrix):
            if any(t.cancel().expand() != 0 for t in total):
                return False
        elif sympify(total).cancel().expand() != 0:
            return False
    return True
