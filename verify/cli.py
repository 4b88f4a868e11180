r"""The ``heatcap`` command line.

``heatcap check [FILE] [--as-written] [--json]`` checks a proof file (default: the Heat Capacity
proof shipped in ``derive/proofs``): exit 0 when every line is verified, every consequence the
file declares is verified and the theorem is derived from the verified lines; 1 when a line, a
consequence or the theorem is refuted or unknown; 2 for a usage error or a malformed proof file,
a hypothesis whose statement is not what its kind means included (one message, no traceback).

Every subcommand runs inside :func:`main`, which turns the ways a run can be cut short into one
line on stderr instead of a traceback: Ctrl-C (``KeyboardInterrupt``) exits 130 with
``heatcap: interrupted``; a closed pipe (``heatcap check | head -1``) exits 141 silently, as a
process killed by SIGPIPE would; input nested past Python's recursion limit or past the
memory limit exits 2 with ``heatcap: error: …``.

>>> main(["check", "--json"]) == 0  # doctest: +ELLIPSIS
{...
True
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.proof import Proof

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, without exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}")


class UsageError(Exception):
    """A usage error of the command line (exit code 2)."""


def _load(args: argparse.Namespace) -> Proof:
    from derive.proof import heat_capacity_proof
    from derive.prooffile import load_proof

    if args.variant is not None:
        if args.file is not None or args.as_written:
            raise UsageError("heatcap check: error: --variant selects a built-in proof; give FILE or it")
        from derive.variants import VARIANTS

        return VARIANTS[args.variant]()
    if args.file is None:
        return heat_capacity_proof(as_written=args.as_written)
    if args.as_written:
        raise UsageError("heatcap check: error: --as-written selects the built-in proof; give FILE or it")
    return load_proof(args.file)


def _check(args: argparse.Namespace) -> int:
    from derive.parse.errors import ProofFileError
    from verify.checker import check_proof
    from verify.report import render_json, render_text
    from verify.results import with_locations

    try:
        proof = _load(args)
    except (ProofFileError, UsageError) as exc:
        prefix = "" if isinstance(exc, UsageError) else "heatcap check: error: "
        print(f"{prefix}{exc}", file=sys.stderr)
        return 2
    from verify.meaning import HypothesisError

    try:
        report = with_locations(check_proof(proof), proof)
    except HypothesisError as exc:
        print(f"heatcap check: error: {proof.file or 'the proof'}: {exc}", file=sys.stderr)
        return 2
    if args.generic:
        from dataclasses import replace

        from verify.generic import generic_step4

        checks = [generic_step4(d) for d in (1, 2)]
        report = replace(report, extra=(("generic", [c.to_json() for c in checks]),))
        ok = report.ok and all(c.holds for c in checks)
    else:
        ok = report.ok
    print(render_json(report) if args.json else render_text(report))
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``heatcap`` and its subcommands."""
    parser = _Parser(prog="heatcap", description="Derive and verify the Heat Capacity Theorem of SGD.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="check the proof line by line")
    check.add_argument("file", nargs="?", metavar="FILE", help="a proof file (TOML; docs/proof-files.md)")
    check.add_argument("--as-written", action="store_true", help="the seed's lines exactly as written")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument(
        "--generic",
        action="store_true",
        help="also check Step 4 exactly on symbolic instances (d = 1 and d = 2; ~30 s)",
    )
    check.add_argument(
        "--variant",
        choices=("minibatch", "momentum", "preconditioner"),
        help="check the argument for a variant of SGD instead (docs/variants.md)",
    )
    check.set_defaults(func=_check)
    for name, module, text in _SUBCOMMANDS:
        _register(sub, name, module, text)
    return parser


_SUBCOMMANDS = (
    ("numeric", "verify.numeric.command", "exact stationary law of linear SGD on a data set"),
    ("latex", "verify.latexdoc.command", "a LaTeX article or beamer deck of the checked proof"),
    ("simulate", "verify.simulate.command", "Monte Carlo SGD against the exact stationary law"),
    ("plot", "verify.plot.command", "figures: the L(η) curve, a learning-rate schedule, variants"),
)


def _register(sub: argparse._SubParsersAction, name: str, module: str, text: str) -> None:
    """A subcommand whose arguments and runner live in ``module`` (add_arguments / run)."""
    from importlib import import_module

    parser = sub.add_parser(name, help=text)
    try:
        import_module(module).add_arguments(parser)
    except Exception as exc:  # a broken optional feature must not break the others
        reason = f"heatcap {name}: error: unavailable ({type(exc).__name__}: {exc})"
        parser.set_defaults(func=lambda _args: _unavailable(reason))
        return
    parser.set_defaults(func=lambda args: import_module(module).run(args))


def _unavailable(reason: str) -> int:
    print(reason, file=sys.stderr)
    return 2


#: Exit codes of a run cut short: Ctrl-C (128 + SIGINT) and a closed pipe (128 + SIGPIPE).
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the final flush of a closed pipe raises nothing."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    code = int(args.func(args))
    sys.stdout.flush()  # a closed pipe shows here, inside main, not at interpreter exit
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``heatcap`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("heatcap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except RecursionError:
        print("heatcap: error: the input is nested too deeply (past Python's recursion limit)",
              file=sys.stderr)
        return 2
    except MemoryError:
        print("heatcap: error: out of memory", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
