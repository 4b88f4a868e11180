r"""``heatcap latex [FILE] [--as-written] [--slides] [--pdf] [--data DATA.csv --eta ETA] -o OUT.tex``.

The subcommand is registered by ``verify/cli.py`` with :func:`add_arguments` and :func:`run`.
It checks the proof (the built-in Heat Capacity proof, or the proof file FILE), typesets it as
an article (default) or a beamer deck (``--slides``), and writes OUT.tex; with ``--pdf`` it
also compiles it (``latexmk`` when installed, else ``pdflatex`` twice) and writes OUT.pdf.
Without ``-o`` the LaTeX goes to standard output.

Outputs are written atomically: on any error nothing is left behind. Exit codes: 0 when the
document was written (whatever the verdicts on the lines: they are in the document), 2 on bad
input, an unwritable output, or a LaTeX error (one line on stderr starting ``heatcap: error:``).

>>> import argparse, contextlib, io
>>> parser = argparse.ArgumentParser()
>>> add_arguments(parser)
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     code = run(parser.parse_args(["--as-written"]))
>>> code, out.getvalue().startswith(r"\documentclass")
(0, True)
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the heavy modules load when the command runs, not when the CLI is built
    from derive.proof import Proof
    from verify.results import ProofReport

    from .appendix import NumericAppendix
    from .erratum import Erratum

__all__ = ["LECTURE_SUBTITLE", "add_arguments", "load_proof_file", "run"]

LECTURE_SUBTITLE = "Loss as Energy and Learning Rate as Temperature"
LECTURE_AUTHOR = "TTIC 31230, Fundamentals of Deep Learning (after David McAllester, Autumn 2020)"
_LOADERS = ("load_proof", "load_proof_file", "read_proof", "load", "from_file", "parse_proof_file")


class CommandError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``heatcap latex`` arguments to ``parser``."""
    parser.add_argument("file", metavar="FILE", nargs="?", default=None,
                        help="a proof file (TOML); default: the built-in Heat Capacity proof")
    parser.add_argument("--as-written", action="store_true",
                        help="the seed's lines exactly as written, with an erratum note")
    parser.add_argument("--slides", action="store_true", help="a beamer deck instead of an article")
    parser.add_argument("--pdf", action="store_true", help="also compile OUT.tex to OUT.pdf")
    parser.add_argument("-o", "--output", metavar="OUT.tex", default=None,
                        help="the LaTeX file to write (default: standard output)")
    parser.add_argument("--data", metavar="DATA.csv", default=None,
                        help="add a numeric appendix: the cross-validation on this data set")
    parser.add_argument("--eta", default=None, help='learning rate of the appendix, e.g. "1/10"')
    parser.add_argument("--dps", type=int, default=20, help="digits of the appendix (default 20)")
    parser.add_argument("--engine", choices=("auto", "latexmk", "pdflatex"), default="auto",
                        help="how to compile with --pdf (default: latexmk if installed)")


def load_proof_file(path: str, *, as_written: bool = False) -> Proof:
    """Load a proof file with the loader of :mod:`derive.prooffile` (when it exists)."""
    from derive.parse.errors import ProofFileError
    from derive.proof import Proof

    try:
        module = importlib.import_module("derive.prooffile")
    except ImportError as exc:
        raise CommandError("proof files are not supported yet") from exc
    loader = next((getattr(module, n) for n in _LOADERS if callable(getattr(module, n, None))), None)
    if loader is None:
        raise CommandError("proof files are not supported yet")
    if not Path(path).exists():
        raise CommandError(f"{path}: no such proof file")
    kwargs = {}
    if as_written:
        if "as_written" not in inspect.signature(loader).parameters:
            raise CommandError("--as-written applies to the built-in proof only")
        kwargs["as_written"] = True
    try:
        proof = loader(path, **kwargs)
    except ProofFileError as exc:  # its message names the file already
        raise CommandError(str(exc)) from exc
    except Exception as exc:  # any loader failure is bad input, reported in one line
        raise CommandError(f"{path}: {exc}") from exc
    if not isinstance(proof, Proof):
        raise CommandError(f"{path}: the loader returned {type(proof).__name__}, not a proof")
    return proof


def _check(args: argparse.Namespace) -> tuple[Proof, ProofReport, tuple[Erratum, ...]]:
    from derive.proof import heat_capacity_proof
    from verify.checker import check_proof

    from .erratum import find_errata

    if args.file is not None:
        proof = load_proof_file(args.file, as_written=args.as_written)
        return proof, check_proof(proof), ()
    proof = heat_capacity_proof(as_written=args.as_written)
    report = check_proof(proof)
    errata: tuple[Erratum, ...] = ()
    if args.as_written:
        fixed = heat_capacity_proof()
        errata = find_errata(proof, report, fixed, check_proof(fixed))
    return proof, report, errata


def _appendix(args: argparse.Namespace) -> NumericAppendix | None:
    if args.data is None and args.eta is None:
        return None
    if args.data is None or args.eta is None:
        raise CommandError("the numeric appendix needs both --data DATA.csv and --eta ETA")
    try:
        from verify.numeric.errors import NumericInputError

        from .appendix import numeric_appendix
    except ImportError as exc:
        raise CommandError("the numeric backend is not installed") from exc
    try:
        return numeric_appendix(args.data, args.eta, dps=args.dps)
    except NumericInputError as exc:
        raise CommandError(str(exc)) from exc


def _targets(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """OUT.tex and OUT.pdf; refused when one is a directory, is an input, or is the other."""
    tex = Path(args.output)
    if tex.is_dir():
        raise CommandError(f"cannot write {args.output}: it is a directory")
    if not tex.parent.is_dir():
        raise CommandError(f"cannot write {args.output}: no such directory {tex.parent}")
    from verify.output import check_targets

    pdf = tex.with_suffix(".pdf") if args.pdf else None
    inputs = [Path(p) for p in (args.file, args.data) if p is not None]
    check_targets([tex] if pdf is None else [tex, pdf], inputs)
    return tex, pdf


def _build(args: argparse.Namespace, tex_path: Path | None) -> tuple[str, bytes | None, str]:
    from .article import article_latex
    from .compile import LatexError, compile_pdf
    from .slides import slides_latex

    proof, report, errata = _check(args)
    numeric = _appendix(args)
    builtin = args.file is None
    if args.slides:
        tex = slides_latex(proof, report, errata=errata, numeric=numeric,
                           subtitle=LECTURE_SUBTITLE if builtin else None,
                           author=LECTURE_AUTHOR if builtin else None)
    else:
        tex = article_latex(proof, report, errata=errata, numeric=numeric)
    if not args.pdf:
        return tex, None, ""
    try:
        done = compile_pdf(tex, engine=None if args.engine == "auto" else args.engine, next_to=tex_path)
    except LatexError as exc:
        raise CommandError(exc.describe()) from exc
    return tex, done.pdf, f" (compiled by {done.engine} in {done.seconds:.1f} s)"


def run(args: argparse.Namespace) -> int:
    """Run ``heatcap latex``; returns the exit code."""
    from verify.output import OutputError, write_atomic

    try:
        if args.pdf and args.output is None:
            raise CommandError("--pdf needs -o OUT.tex")
        targets = _targets(args) if args.output is not None else None
        tex, pdf, how = _build(args, targets[0] if targets else None)
        if targets is None:
            sys.stdout.write(tex)
            return 0
        tex_path, pdf_path = targets
        files = {tex_path: tex.encode("utf-8")}
        if pdf_path is not None and pdf is not None:
            files[pdf_path] = pdf
        write_atomic(files)
    except (CommandError, OutputError) as exc:
        print(f"heatcap: error: {exc}", file=sys.stderr)
        return 2
    print("wrote " + ", ".join(str(p) for p in files) + how)
    return 0
