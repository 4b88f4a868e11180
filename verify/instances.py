r"""Exact instances: small quadratic problems with a law for ΔΦ, in rational numbers.

An :class:`Instance` is data — g_b, H_b, L_b(Φ*), a remainder κ_b (1ᵀx)^k beyond the quadratic
expansion (k = 3, or k = 2: then H_b is not the Hessian of L_b), and a value for every other
declared symbol — together with a law of ΔΦ, the learning rate η (a rational number, or the symbol
η for a *family* of laws, for limits) and the dynamics the instance follows (a step ΔΦ' written
as a heatcap expression). A law gives E_{ΔΦ∼P_r} at every rate r:

* :class:`StationaryLaw` — the exact stationary law of the instance's dynamics, with b drawn
  fresh (its first two moments, solved in rationals at each rate, or in rational functions of η);
* :class:`MomentLaw` — fixed first two moments at given rates (a law read back from JSON);
* :class:`FiniteLaw` — finitely many atoms (weight, ΔΦ = x, b): the joint law of the state and
  the example b the next step draws; b and ΔΦ may be dependent. Atoms may depend on η (a family),
  or hold only at the instance's own rate (``fixed_rate``).

Every E_b is the plain average over the n examples, whatever the law; the b of an atom matters
only for the dynamics (is the law invariant? is the next example independent of the state?).

>>> from verify.instances import random_data
>>> data = random_data(seed=1, mean_zero=True)
>>> data.d, data.n, sum(data.g, data.g[0] * 0) == data.g[0] * 0
(3, 3, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sympy import Basic, Expr, Matrix, Rational, S, sstr, sympify, zeros

from derive.sgd import sgd_step

__all__ = ["Data", "FiniteLaw", "Instance", "MomentLaw", "StationaryLaw", "random_data", "random_psd",
           "random_vector", "random_vectors"]


def _rows(m: Matrix) -> list[list[str]]:
    return [[sstr(v) for v in m.row(i)] for i in range(m.rows)]


@dataclass(frozen=True)
class Data:
    """The values of an instance: g_b, H_b (symmetric PSD), L_b(Φ*), κ_b for b = 1..n; fixed
    matrices and vectors (``constants``), other per-example symbols (``extra``) and scalars.
    ``gradient`` and ``hessian`` are the names the setting gives g_b and H_b."""

    g: tuple[Matrix, ...]
    H: tuple[Matrix, ...]
    L: tuple[Expr, ...]
    kappa: tuple[Expr, ...]
    constants: tuple[tuple[str, Matrix], ...] = ()
    extra: tuple[tuple[str, tuple[Matrix, ...]], ...] = ()
    scalars: tuple[tuple[str, Expr], ...] = ()
    gradient: str = "g_b"
    hessian: str = "H_b"
    state: str = r"\Delta\Phi"
    remainder_degree: int = 3

    def constant(self, name: str) -> Matrix | None:
        """The value of a fixed matrix or vector (e.g. a preconditioner P), if the data has one."""
        return next((m for k, m in self.constants if k == name), None)

    def per_example(self, name: str) -> tuple[Matrix, ...] | None:
        """The n values of a per-example vector or matrix."""
        if name == self.gradient:
            return self.g
        if name == self.hessian:
            return self.H
        return next((v for k, v in self.extra if k == name), None)

    def scalar(self, name: str) -> Expr | None:
        return next((v for k, v in self.scalars if k == name), None)

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
            "H": [_rows(H) for H in self.H],
            "L_star": [sstr(v) for v in self.L],
            "cubic_remainder": [sstr(v) for v in self.kappa],
            **({"remainder_degree": self.remainder_degree} if self.remainder_degree != 3 else {}),
            **({"constants": {k: _rows(m) for k, m in self.constants}} if self.constants else {}),
            **({"per_example": {k: [_rows(m) for m in v] for k, v in self.extra}} if self.extra else {}),
            **({"scalars": {k: sstr(v) for k, v in self.scalars}} if self.scalars else {}),
            **({"names": {"gradient": self.gradient, "hessian": self.hessian, "state": self.state}}
               if (self.gradient, self.hessian, self.state) != ("g_b", "H_b", r"\Delta\Phi") else {}),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Data:
        def matrix(rows: list[list[str]]) -> Matrix:
            return Matrix([[_value(v) for v in row] for row in rows])

        names = obj.get("names", {})
        return cls(
            tuple(Matrix([_value(v) for v in g]) for g in obj["g"]),
            tuple(matrix(H) for H in obj["H"]),
            tuple(_value(v) for v in obj["L_star"]),
            tuple(_value(v) for v in obj["cubic_remainder"]),
            tuple((k, matrix(rows)) for k, rows in obj.get("constants", {}).items()),
            tuple((k, tuple(matrix(m) for m in ms)) for k, ms in obj.get("per_example", {}).items()),
            tuple((k, _value(v)) for k, v in obj.get("scalars", {}).items()),
            names.get("gradient", "g_b"),
            names.get("hessian", "H_b"),
            names.get("state", r"\Delta\Phi"),
            int(obj.get("remainder_degree", 3)),
        )


@dataclass(frozen=True)
class MomentLaw:
    """ΔΦ with mean m and second moment S at the instance's rate (and ``more`` rates: (r, m, S))."""

    m: Matrix
    S: Matrix
    description: str
    more: tuple[tuple[Expr, Matrix, Matrix], ...] = ()

    def moments(self, inst: Instance, rate: Expr) -> tuple[Matrix, Matrix] | None:
        if rate == inst.eta:
            return self.m, self.S
        return next(((m, s2) for r, m, s2 in self.more if r == rate), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "moments",
            "description": self.description,
            "m": [sstr(v) for v in self.m],
            "S": _rows(self.S),
            **({"at_rates": [{"eta": sstr(r), "m": [sstr(v) for v in m], "S": _rows(s2)}
                             for r, m, s2 in self.more]} if self.more else {}),
        }


@dataclass(frozen=True, eq=False)
class StationaryLaw:
    """The exact stationary law of the instance's dynamics (b fresh and uniform at every step)."""

    description: str = "the exact stationary law of SGD"
    cache: dict = field(default_factory=dict, repr=False)

    def moments(self, inst: Instance, rate: Expr) -> tuple[Matrix, Matrix] | None:
        from verify.stationary import stationary_moments_of

        key = sstr(rate)
        if key not in self.cache:
            self.cache[key] = (rate, stationary_moments_of(inst, rate))
        return self.cache[key][1]

    def to_json(self, inst: Instance) -> dict[str, Any]:
        m, s2 = self.moments(inst, inst.eta) or (zeros(inst.data.d, 1), zeros(inst.data.d, inst.data.d))
        more = tuple((r, *v) for r, v in self.cache.values() if r != inst.eta and v is not None)
        return {**MomentLaw(m, s2, self.description, more).to_json(), "kind": "stationary"}


@dataclass(frozen=True)
class FiniteLaw:
    """A finite joint law of (ΔΦ, next b): atoms (weight, x, b) with a uniform b-marginal.

    Weights and points may depend on η (the law at rate r puts r for η); with ``fixed_rate`` the
    atoms are the law at that one rate only.
    """

    atoms: tuple[tuple[Expr, Matrix, int], ...]
    description: str
    fixed_rate: Expr | None = None

    def at(self, rate: Expr, eta: Expr) -> tuple[tuple[Expr, Matrix, int], ...] | None:
        """The atoms of the law at ``rate`` (None when the law is not defined there)."""
        if self.fixed_rate is not None:
            return self.atoms if rate == self.fixed_rate else None
        from derive.symbols import eta as symbol

        if rate == symbol:
            return self.atoms
        return tuple((sympify(w).subs(symbol, rate), x.subs(symbol, rate), b) for w, x, b in self.atoms)

    def independent(self, n: int) -> bool:
        """Is the conditional law of ΔΦ given the next example the same for every example?"""
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
            **({"fixed_rate": sstr(self.fixed_rate)} if self.fixed_rate is not None else {}),
        }


Law = MomentLaw | StationaryLaw | FiniteLaw


@dataclass(frozen=True)
class Instance:
    """Data, a law of ΔΦ, the learning rate η (a number, or the symbol for a family), the dynamics."""

    data: Data
    law: Law
    eta: Expr
    batch: int = 2  # minibatches (E_B) are B-tuples drawn with replacement: c_B = 1/B
    dynamics: Basic = field(default_factory=sgd_step)
    dynamics_label: str = "SGD"

    def to_json(self) -> dict[str, Any]:
        from derive.printing import lecture_latex

        law = self.law.to_json(self) if isinstance(self.law, StationaryLaw) else self.law.to_json()
        return {**self.data.to_json(), "eta": sstr(self.eta), "law": law, "batch_size": self.batch,
                "dynamics": self.dynamics_label, "step": lecture_latex(self.dynamics)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Instance:
        """Rebuild an instance from its JSON (e.g. a counterexample of the report)."""
        data = Data.from_json(obj)
        law = obj["law"]
        rate, batch = _value(obj["eta"]), int(obj.get("batch_size", 2))
        step = _step(obj.get("step"))
        if law["kind"] == "stationary" and step is not None:
            return cls(data, StationaryLaw(law["description"]), rate, batch, step, obj.get("dynamics", "SGD"))
        if law["kind"] in ("moments", "stationary"):
            more = tuple((_value(x["eta"]), Matrix([_value(v) for v in x["m"]]),
                          Matrix([[_value(v) for v in row] for row in x["S"]]))
                         for x in law.get("at_rates", []))
            m = Matrix([_value(v) for v in law["m"]])
            s2 = Matrix([[_value(v) for v in row] for row in law["S"]])
            return cls(data, MomentLaw(m, s2, law["description"], more), rate, batch)
        atoms = tuple(
            (_value(a["weight"]), Matrix([_value(v) for v in a["DeltaPhi"]]), int(a["b"]) - 1)
            for a in law["atoms"]
        )
        fixed = _value(law["fixed_rate"]) if "fixed_rate" in law else None
        law_obj = FiniteLaw(atoms, law["description"], fixed)
        if step is None:
            return cls(data, law_obj, rate, batch)
        return cls(data, law_obj, rate, batch, step, obj.get("dynamics", "SGD"))


def _step(latex: str | None) -> Basic | None:
    """The dynamics of a JSON instance, read back from its LaTeX (the lecture's notation)."""
    if latex is None:
        return None
    from derive.parse import ProofFileError, parse_expression

    try:
        return parse_expression(latex)
    except ProofFileError:
        return None


def _value(text: str) -> Expr:
    """A number (or expression in η) of an instance's JSON."""
    from derive.symbols import eta

    return sympify(text, locals={"eta": eta})


def random_vector(rng: random.Random, d: int, lo: int = -2, hi: int = 2) -> Matrix:
    """A d×1 vector of integers in [lo, hi]."""
    return Matrix([rng.randint(lo, hi) for _ in range(d)])


def random_vectors(rng: random.Random, d: int, count: int, mean_zero: bool) -> list[Matrix]:
    """``count`` random vectors; the last one makes their sum 0 when ``mean_zero``."""
    vs = [random_vector(rng, d) for _ in range(count)]
    if mean_zero:
        vs[-1] = -sum(vs[:-1], zeros(d, 1))
    return vs


def random_psd(rng: random.Random, d: int) -> Matrix:
    """A symmetric positive definite d×d matrix: a aᵀ + c cᵀ + I/2 with small integer a, c."""
    a = random_vector(rng, d, -1, 2)
    c = random_vector(rng, d, -1, 1)
    return a * a.T + c * c.T + Rational(1, 2) * Matrix.eye(d)


def random_data(
    seed: int, mean_zero: bool = True, cubic: bool = False, d: int = 3, n: int = 3
) -> Data:
    """Small rational data: H_b positive definite, Σ g_b = 0 when ``mean_zero``."""
    rng = random.Random(seed)
    g = random_vectors(rng, d, n, mean_zero)
    if not mean_zero and sum(g, zeros(d, 1)) == zeros(d, 1):
        g[-1] = g[-1] + Matrix([1] + [0] * (d - 1))
    H = [random_psd(rng, d) for _ in range(n)]
    L = [Rational(rng.randint(1, 9), rng.randint(1, 4)) for _ in range(n)]
    kappa = [Rational(rng.randint(1, 3), 2) if cubic else S.Zero for _ in range(n)]
    P = random_psd(rng, d)
    constants = (("P", P), ("P^{-1}", P.inv()))
    return Data(tuple(g), tuple(H), tuple(L), tuple(kappa), constants)
