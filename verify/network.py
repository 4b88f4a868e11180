r"""Scalar expressions as networks of vectors and symmetric matrices, and their canonical keys.

Every scalar built from column vectors u, v and symmetric matrices M_i by products, transposes
and traces is a product of two kinds of connected pieces:

* a **path** ``uᵀ M_1 ⋯ M_k v`` (two vector ends; equal to its reverse because every matrix
  letter is symmetric), and
* a **cycle** ``tr(M_1 ⋯ M_k)`` (equal to its rotations and to its reverse).

Each letter also records which average binds it: ``group`` is the id of the ``E_b`` that
averages it (``None`` for a letter no ``E_b`` binds). Two monomials are equal when one is the
other after renaming the groups; :func:`canonical_key` picks the least key over all renamings,
so equal monomials get equal keys in every dimension d and for every n.

>>> from verify.network import Letter, Component, canonical_key
>>> g1 = Letter("g_b", "vector", per_example=True, group=7)
>>> H1 = Letter("H_b", "matrix", per_example=True, group=7)
>>> m = Letter("#m", "vector", moment=True)
>>> a = [Component("path", (g1, H1, m))]
>>> b = [Component("path", (m, H1.regroup(3), g1.regroup(3)))]
>>> canonical_key(a) == canonical_key(b)
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import permutations
from typing import Literal

from verify.names import transpose_name

__all__ = [
    "Component",
    "Irreducible",
    "Letter",
    "MonomialKey",
    "canonical_key",
    "glue",
    "groups_of",
    "reverse",
    "transpose_letter",
    "untagged",
]

LetterKind = Literal["vector", "matrix", "scalar"]
ComponentKind = Literal["scalar", "path", "cycle", "opaque"]
MonomialKey = tuple[Hashable, ...]
MAX_GROUPS = 7


class Irreducible(Exception):
    """The canonical form cannot represent this expression (the checker then says unknown)."""


@dataclass(frozen=True, order=True)
class Letter:
    """One occurrence of a vector, symmetric matrix or scalar in a network.

    ``per_example``: depends on the example index b; ``random``: depends on ΔΦ;
    ``moment``: a moment of ΔΦ (m or S); ``group``: the ``E_b`` that binds it;
    ``tag``: tells apart occurrences that must stay distinct while gluing (ignored by keys).
    """

    name: str
    kind: LetterKind
    per_example: bool = False
    random: bool = False
    moment: bool = False
    group: int | None = None
    tag: int = 0

    def untagged(self) -> Letter:
        """The letter without its tag (keys ignore tags; a stored key must not carry them)."""
        return replace(self, tag=0)

    def regroup(self, group: int | None) -> Letter:
        return replace(self, group=group)

    def key(self, relabel: dict[int, int]) -> tuple[Hashable, ...]:
        label = -1 if self.group is None else relabel[self.group]
        return (self.name, self.kind, self.per_example, self.random, self.moment, label)


@dataclass(frozen=True)
class Component:
    """A connected piece of a monomial: a scalar letter, a path, a cycle, or an opaque atom."""

    kind: ComponentKind
    letters: tuple[Letter, ...] = ()
    payload: Hashable = None

    def key(self, relabel: dict[int, int]) -> tuple[Hashable, ...]:
        t = tuple(letter.key(relabel) for letter in self.letters)
        back = tuple(_transpose_key(x) for x in t[::-1])
        if self.kind == "path":
            return ("p", min(t, back))
        if self.kind == "cycle":
            turns = [t[i:] + t[:i] for i in range(len(t))]
            turns += [back[i:] + back[:i] for i in range(len(t))]
            return ("c", min(turns))
        if self.kind == "scalar":
            return ("s", t)
        return ("o", self.payload)

    def map_letters(self, f: Callable[[Letter], Letter]) -> Component:
        return replace(self, letters=tuple(f(x) for x in self.letters))


def transpose_letter(letter: Letter) -> Letter:
    """Xᵀ: a cross moment E[X Yᵀ] becomes E[Y Xᵀ]; every other matrix letter is symmetric."""
    name = transpose_name(letter.name)
    return letter if name == letter.name else replace(letter, name=name)


def reverse(letters: tuple[Letter, ...]) -> tuple[Letter, ...]:
    """A path read backwards: uᵀ M₁ ⋯ M_k v = vᵀ M_kᵀ ⋯ M₁ᵀ u."""
    return tuple(transpose_letter(x) for x in letters[::-1])


def _transpose_key(key: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    name = transpose_name(str(key[0]))
    return key if name == key[0] else (name, *key[1:])


def untagged(components: Sequence[Component]) -> list[Component]:
    """The components with every letter's tag dropped, as a key stores them."""
    return [c.map_letters(Letter.untagged) for c in components]


def groups_of(components: Sequence[Component]) -> list[int]:
    """The ids of the ``E_b`` groups that occur in a monomial, sorted."""
    return sorted({x.group for c in components for x in c.letters if x.group is not None})


def canonical_key(components: Sequence[Component]) -> MonomialKey:
    """The least key of the monomial over all renamings of its groups."""
    groups = groups_of(components)
    if len(groups) > MAX_GROUPS:
        raise Irreducible(f"a monomial with {len(groups)} separate averages E_b is too large")
    best: MonomialKey | None = None
    for perm in permutations(range(len(groups))):
        relabel = dict(zip(groups, perm, strict=True))
        key = tuple(sorted(c.key(relabel) for c in components))
        if best is None or key < best:
            best = key
    return best if best is not None else ()


def _locate(components: Sequence[Component], letter: Letter) -> int:
    for i, c in enumerate(components):
        if c.kind == "path" and letter in (c.letters[0], c.letters[-1]):
            return i
    raise Irreducible(f"vector {letter.name} is not at the end of a path")


def glue(
    components: Sequence[Component], x: Letter, y: Letter, middle: Letter | None
) -> tuple[list[Component], bool]:
    """Contract the vector ends x and y through ``middle`` (the identity when None).

    ``middle`` is read as ``x yᵀ`` (e.g. the moment E[X Yᵀ]): it joins a path ending in x to a
    path starting with y. Returns the new components and whether a trace of the identity (a
    factor d) appeared.
    """
    i, j = _locate(components, x), _locate(components, y)
    rest = [c for k, c in enumerate(components) if k not in (i, j)]
    p = components[i].letters
    if i == j:
        if p[-1] == x:
            p = reverse(p)
        # xᵀ M y = tr(M y xᵀ): the closing letter is middle transposed
        inner = p[1:-1] + ((transpose_letter(middle),) if middle is not None else ())
        if not inner:
            return rest, True
        return [*rest, Component("cycle", inner)], False
    mid = (middle,) if middle is not None else ()
    q = components[j].letters
    if p[0] == x:
        p = reverse(p)
    if q[-1] == y:
        q = reverse(q)
    return [*rest, Component("path", p[:-1] + mid + q[1:])], False
