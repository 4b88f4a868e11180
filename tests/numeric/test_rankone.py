"""Paths and traces with rank-one H_b by matrix products, against exact per-example products.

Random words in H_b = x_b x_bᵀ, fixed matrices, g_b = r_b x_b and fixed vectors are evaluated by
:class:`verify.numeric.rankone.RankOnePaths` and, independently, example by example in exact
Fractions.
"""

from __future__ import annotations

from fractions import Fraction

import flint
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.numeric.rankone import RankOnePaths

small = st.integers(-6, 6).map(lambda k: Fraction(k, 5))


def _matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(b[0]))]
            for i in range(len(a))]


def _arb(m: list[list[Fraction]]) -> flint.arb_mat:
    return flint.arb_mat([[flint.arb(flint.fmpq(v.numerator, v.denominator)) for v in row] for row in m])


@st.composite
def instances(draw: st.DrawFn) -> tuple:
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    x = [[draw(small) for _ in range(d)] for _ in range(n)]
    r = [draw(small) for _ in range(n)]
    mats = [[[draw(small) for _ in range(d)] for _ in range(d)] for _ in range(2)]
    vecs = [[[draw(small) for _ in range(d)]] for _ in range(2)]
    word = draw(st.lists(st.one_of(st.just("H"), st.sampled_from(["F0", "F1"])), max_size=5))
    ends = (draw(st.sampled_from(["g", "v0", "v1"])), draw(st.sampled_from(["g", "v0", "v1"])))
    return x, r, mats, vecs, word, ends


def _exact_letter(name: str, b: int, x: list, r: list, mats: list, vecs: list) -> list[list[Fraction]]:
    xb = [x[b]]
    if name == "H":
        return _matmul(list(map(list, zip(*xb, strict=True))), xb)
    if name == "g":
        return [[r[b] * v for v in x[b]]]
    return mats[int(name[1])] if name[0] == "F" else vecs[int(name[1])]


@settings(max_examples=150, deadline=None)
@given(instances())
def test_paths_are_the_exact_per_example_products(case: tuple) -> None:
    x, r, mats, vecs, word, (left, right) = case
    with_prec(lambda: _check_path(x, r, mats, vecs, word, left, right))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_traces_are_the_exact_per_example_products(case: tuple) -> None:
    x, r, mats, vecs, word, _ = case
    with_prec(lambda: _check_trace(x, r, mats, vecs, word))


def with_prec(check: object) -> None:
    old = flint.ctx.prec
    flint.ctx.prec = 200
    try:
        check()  # type: ignore[operator]
    finally:
        flint.ctx.prec = old


def _letters(paths_x: flint.arb_mat, g: flint.arb_mat, mats: list, vecs: list, names: list[str]
             ) -> list[object]:
    out: list[object] = []
    for name in names:
        if name == "H":
            out.append(("rank1", paths_x, flint.arb(0)))
        elif name == "g":
            out.append(g)
        else:
            out.append(_arb(mats[int(name[1])] if name[0] == "F" else vecs[int(name[1])]))
    return out


def _setup(x: list, r: list) -> tuple[RankOnePaths, flint.arb_mat, flint.arb_mat]:
    ax = _arb(x)
    g = _arb([[rb * v for v in row] for rb, row in zip(r, x, strict=True)])
    return RankOnePaths(ax, [flint.arb(flint.fmpq(v.numerator, v.denominator)) for v in r], g), ax, g


def _check_path(x: list, r: list, mats: list, vecs: list, word: list[str], left: str, right: str) -> None:
    paths, ax, g = _setup(x, r)
    vals = _letters(ax, g, mats, vecs, [left, *word, right])
    got = paths.path(vals[0], vals[1:-1], vals[-1])
    assert got is not None
    for b in range(len(x)):
        m = _exact_letter(left, b, x, r, mats, vecs)
        for name in [*word]:
            m = _matmul(m, _exact_letter(name, b, x, r, mats, vecs))
        c = _exact_letter(right, b, x, r, mats, vecs)
        exact = _matmul(m, list(map(list, zip(*c, strict=True))))[0][0]
        value = got[b] if len(got) > 1 else got[0]
        _assert_is(value, exact)


def _check_trace(x: list, r: list, mats: list, vecs: list, word: list[str]) -> None:
    paths, ax, g = _setup(x, r)
    got = paths.trace(_letters(ax, g, mats, vecs, word))
    if "H" not in word:
        assert got is None  # left to the example-by-example products
        return
    assert got is not None
    d = len(x[0])
    for b in range(len(x)):
        m = [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]
        for name in word:
            m = _matmul(m, _exact_letter(name, b, x, r, mats, vecs))
        exact = sum((m[i][i] for i in range(d)), Fraction(0))
        value = got[b] if len(got) > 1 else got[0]
        _assert_is(value, exact)


def _assert_is(value: flint.arb, exact: Fraction) -> None:
    """The ball meets the exact value's ball and is tight (radius below 10⁻⁴⁵)."""
    assert value.overlaps(flint.arb(flint.fmpq(exact.numerator, exact.denominator)))
    assert value.rad() < flint.arb(10) ** -45


def test_a_ridge_or_a_single_example_is_left_to_the_fallback() -> None:
    paths, ax, _ = _setup([[Fraction(1), Fraction(2)]] * 3, [Fraction(1)] * 3)
    s = flint.arb_mat([[1, 0], [0, 1]])
    assert paths.trace([("rank1", ax, flint.arb(1)), s]) is None  # H_b = x xᵀ + λI
    row = flint.arb_mat([[1, 2]])
    assert paths.trace([("rank1", row, flint.arb(0)), s]) is None  # one example's x_b
