r"""Exact instances: small quadratic problems with a law for ΔΦ, in rational numbers.

An :class:`Instance` is data (g_b, H_b, L_b(Φ*) and an optional cubic remainder κ_b for every
example b) together with a law of ΔΦ at a learning rate η:

* :class:`MomentLaw` — the mean m and second moment S of ΔΦ, with b independent of ΔΦ (this is
  how the exact stationary law of SGD is given);
* :class:`FiniteLaw` — finitely many atoms (weight, ΔΦ = x, example b): a joint law of (ΔΦ, b)
  whose b-marginal is uniform; b and ΔΦ may be dependent.

η may be a rational number or the symbol η itself (a *family* of laws, for limits).

>>> from verify.instances import random_data
>>> data = random_data(seed=1, mean_zero=True)
>>> data.d, data.n, sum(data.g, data.g[0] * 0) == data.g[0] * 0
(3, 3, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sympy import Expr, Matrix, Rational, S, sstr, sympify, zeros

__all__ = ["Data", "FiniteLaw", "Instance", "MomentLaw", "random_data"]


@dataclass(frozen=True)
class Data:
    """g_b (d×1), H_b (d×d symmetric PSD), L_b(Φ*) and cubic remainders κ_b, b = 1..n."""

    g: tuple[Matrix, ...]
    H: tuple[Matrix, ...]
    L: tuple[Expr, ...]
    kappa: tuple[Expr, ...]
    constants: tuple[tuple[str, Matrix], ...] = ()

    def constant(self, name: str) -> Matrix | None:
        """The value of a fixed matrix or vector (e.g. a preconditioner P), if the data has one."""
        return next((m for k, m in self.constants if k == name), None)

    @property
    def d(self) -> int:
        return int(self.g[0].shape[0])

    @property
    def n(self) -> int:
        return len(self.g)

    def mean(self, items: tuple[Matrix, ...]) -> Matrix:
        total = items[0] * 0
        for x in items:
            total += x
        return total / self.n

    @property
    def quadratic(self) -> bool:
        return all(k == 0 for k in self.kappa)

    def to_json(self) -> dict[str, Any]:
        return {
            "d": self.d,
            "n": self.n,
            "g": [[sstr(v) for v in g] for g in self.g],
            "H": [[[sstr(v) for v in H.row(i)] for i in range(self.d)] for H in self.H],
            "L_star": [sstr(v) for v in self.L],
            "cubic_remainder": [sstr(v) for v in self.kappa],
            **({"constants": {k: [[sstr(v) for v in m.row(i)] for i in range(m.rows)]
                              for k, m in self.constants}} if self.constants else {}),
        }


@dataclass(frozen=True)
class MomentLaw:
    """ΔΦ with mean m and second moment S, independent of the example b."""

    m: Matrix
    S: Matrix
    description: str

    def to_json(self) -> dict[str, Any]:
        d = self.m.shape[0]
        return {
            "kind": "moments",
            "description": self.description,
            "m": [sstr(v) for v in self.m],
            "S": [[sstr(self.S[i, j]) for j in range(d)] for i in range(d)],
        }


@dataclass(frozen=True)
class FiniteLaw:
    """A finite joint law of (ΔΦ, b): atoms (weight, x, b) with a uniform b-marginal."""

    atoms: tuple[tuple[Expr, Matrix, int], ...]
    description: str

    def independent(self, n: int) -> bool:
        """Is the conditional law of ΔΦ given b the same for every b?"""
        laws = []
        for b in range(n):
            law: dict[tuple[str, ...], Expr] = {}
            for w, x, bb in self.atoms:
                if bb == b:
                    k = tuple(sstr(v) for v in x)
                    law[k] = law.get(k, S.Zero) + w * n
            laws.append({k: v for k, v in law.items() if v != 0})
        return all(law == laws[0] for law in laws)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "finite",
            "description": self.description,
            "atoms": [
                {"weight": sstr(w), "DeltaPhi": [sstr(v) for v in x], "b": b + 1}
                for w, x, b in self.atoms
            ],
        }


@dataclass(frozen=True)
class Instance:
    """Data, a law of ΔΦ, and the learning rate η (a number, or the symbol for a family)."""

    data: Data
    law: MomentLaw | FiniteLaw
    eta: Expr
    batch: int = 2  # minibatches (E_B) are B-tuples drawn with replacement: c_B = 1/B

    def to_json(self) -> dict[str, Any]:
        return {**self.data.to_json(), "eta": sstr(self.eta), "law": self.law.to_json(),
                "batch_size": self.batch}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Instance:
        """Rebuild an instance from its JSON (e.g. a counterexample of the report)."""
        data = Data(
            tuple(Matrix([_value(v) for v in g]) for g in obj["g"]),
            tuple(Matrix([[_value(v) for v in row] for row in H]) for H in obj["H"]),
            tuple(_value(v) for v in obj["L_star"]),
            tuple(_value(v) for v in obj["cubic_remainder"]),
            tuple((k, Matrix([[_value(v) for v in row] for row in rows]))
                  for k, rows in obj.get("constants", {}).items()),
        )
        law = obj["law"]
        if law["kind"] == "moments":
            m = Matrix([_value(v) for v in law["m"]])
            s2 = Matrix([[_value(v) for v in row] for row in law["S"]])
            return cls(data, MomentLaw(m, s2, law["description"]), _value(obj["eta"]),
                       int(obj.get("batch_size", 2)))
        atoms = tuple(
            (_value(a["weight"]), Matrix([_value(v) for v in a["DeltaPhi"]]), int(a["b"]) - 1)
            for a in law["atoms"]
        )
        return cls(data, FiniteLaw(atoms, law["description"]), _value(obj["eta"]),
                   int(obj.get("batch_size", 2)))


def _value(text: str) -> Expr:
    """A number (or expression in η) of an instance's JSON."""
    from derive.symbols import eta

    return sympify(text, locals={"eta": eta})


def _vector(rng: random.Random, d: int, lo: int = -2, hi: int = 2) -> Matrix:
    return Matrix([rng.randint(lo, hi) for _ in range(d)])


def _psd(rng: random.Random, d: int) -> Matrix:
    a = _vector(rng, d, -1, 2)
    c = _vector(rng, d, -1, 1)
    return a * a.T + c * c.T + Rational(1, 2) * Matrix.eye(d)


def random_data(
    seed: int, mean_zero: bool = True, cubic: bool = False, d: int = 3, n: int = 3
) -> Data:
    """Small rational data: H_b positive definite, Σ g_b = 0 when ``mean_zero``."""
    rng = random.Random(seed)
    g = [_vector(rng, d) for _ in range(n)]
    if mean_zero:
        g[-1] = -sum(g[:-1], zeros(d, 1))
    elif sum(g, zeros(d, 1)) == zeros(d, 1):
        g[-1] = g[-1] + Matrix([1] + [0] * (d - 1))
    H = [_psd(rng, d) for _ in range(n)]
    L = [Rational(rng.randint(1, 9), rng.randint(1, 4)) for _ in range(n)]
    kappa = [Rational(rng.randint(1, 3), 2) if cubic else S.Zero for _ in range(n)]
    P = _psd(rng, d)
    constants = (("P", P), ("P^{-1}", P.inv()))
    return Data(tuple(g), tuple(H), tuple(L), tuple(kappa), constants)
