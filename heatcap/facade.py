"""The three calls of the notebook facade: load a proof file, check a proof, solve a data set."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from derive.proof import Proof
    from verify.numeric.analysis import Report
    from verify.numeric.data import LeastSquaresData, QuadraticData
    from verify.numeric.variants.api import VariantReport
    from verify.results import ProofReport

__all__ = ["check", "load", "numeric"]

_VARIANT_KEYS = ("batch_size", "sampling", "momentum", "preconditioner", "reshuffle")


def load(path: str | PathLike[str]) -> Proof:
    """The proof written in the TOML proof file ``path`` (format: docs/proof-files.md).

    A malformed file raises ``derive.parse.errors.ProofFileError`` with one line naming the
    problem and its place in the file.
    """
    from derive.prooffile import load_proof

    return load_proof(path)


def check(proof: Proof | str | PathLike[str] | None = None, *, as_written: bool = False) -> ProofReport:
    """Check every line of a proof: the shipped proof (default), a proof file, or a ``Proof``.

    ``as_written=True`` checks the lecture's proof exactly as transcribed (with the erratum in
    Step 3) instead of the corrected one; it selects the shipped proof, so give no ``proof`` with
    it. The report carries each line's place in its proof file.
    """
    from derive.proof import Proof, heat_capacity_proof
    from verify.checker import check_proof
    from verify.results import with_locations

    if as_written and proof is not None:
        raise ValueError("as_written=True selects the shipped proof; give no proof with it")
    if proof is None:
        proof = heat_capacity_proof(as_written=as_written)
    elif not isinstance(proof, Proof):
        proof = load(proof)
    return with_locations(check_proof(proof), proof)


def numeric(data: Any, eta: str | int | Any, *, mode: str = "mp", dps: int = 50, order: int | None = None,
            intercept: bool = False, **variant: Any) -> Report | VariantReport:
    """The exact stationary law of SGD on a least-squares data set at learning rate ``eta``.

    ``data`` is a CSV file (features, then the target column; ``intercept=True`` appends a
    constant feature), a pair ``(X, y)`` of arrays, or a ``LeastSquaresData``/``QuadraticData``.
    ``eta`` is exact: ``"1/100"``, ``"0.01"`` or a ``Fraction``. ``mode`` is ``"mp"`` (certified
    multiprecision, ``dps`` digits), ``"exact"`` (rationals) or ``"float64"``.

    With any of ``batch_size``, ``sampling``, ``momentum``, ``preconditioner`` (a d × d nested
    sequence) or ``reshuffle`` the variant of SGD is solved (docs/variants.md) and a
    ``VariantReport`` is returned; otherwise the ``Report`` of plain SGD. Bad input raises
    ``verify.numeric.errors.NumericInputError`` with one line naming the problem.
    """
    from verify.numeric.errors import NumericInputError

    unknown = sorted(set(variant) - set(_VARIANT_KEYS))
    if unknown:
        raise NumericInputError(f"unknown variant option {unknown[0]!r}; expected one of "
                                + ", ".join(_VARIANT_KEYS))
    examples = _data(data, intercept)
    if variant:
        from verify.numeric.variants import Variant, analyze_variant

        return analyze_variant(examples, eta, Variant(**_exact_variant(variant)), mode=mode, dps=dps,
                               order=order or 2)
    from verify.numeric.analysis import analyze

    return analyze(examples, eta, mode=mode, dps=dps, order=order or 4)


def _exact_variant(options: dict[str, Any]) -> dict[str, Any]:
    """Momentum and preconditioner as exact Fractions ("1/2", 0.5 and Fraction(1, 2) alike)."""
    from verify.numeric.data import parse_number

    out = dict(options)
    if "momentum" in out:
        out["momentum"] = parse_number(str(out["momentum"]), "momentum")
    if out.get("preconditioner") is not None:
        out["preconditioner"] = tuple(tuple(parse_number(str(v), "preconditioner") for v in row)
                                      for row in out["preconditioner"])
    return out


def _data(data: Any, intercept: bool) -> LeastSquaresData | QuadraticData:
    from verify.numeric.data import LeastSquaresData, QuadraticData, read_csv
    from verify.numeric.errors import NumericInputError

    if isinstance(data, LeastSquaresData | QuadraticData):
        return data
    if isinstance(data, str | PathLike):
        return read_csv(Path(data), intercept=intercept)
    if isinstance(data, tuple) and len(data) == 2:
        return LeastSquaresData.from_arrays(*data)
    raise NumericInputError(f"data is a {type(data).__name__}; expected a CSV path, a pair (X, y), "
                            "LeastSquaresData or QuadraticData")
