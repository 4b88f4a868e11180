"""Time a cold ``heatcap check`` against a bare ``python -c "import sympy"`` in the same run.

Usage: python benchmarks/bench_check.py [--repeat N]

Both commands start a fresh interpreter (heatcap's bytecode cached, as after ``pip install .``:
see benchmarks/fresh.py); the script alternates them, reports the medians and
the ratio (goal: at most 3x). The machine is noisy, so only the ratio within one run counts.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from fresh import FRESH_ENV  # noqa: E402

COMMANDS = {
    "import sympy": [sys.executable, "-c", "import sympy"],
    "heatcap check": [sys.executable, "-m", "verify.cli", "check"],
    "heatcap check --as-written": [sys.executable, "-m", "verify.cli", "check", "--as-written"],
}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env=FRESH_ENV)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for cmd in COMMANDS.values():  # untimed: fills the bytecode cache (benchmarks/fresh.py)
        timed(cmd)
    for _ in range(args.repeat):
        for name, cmd in COMMANDS.items():
            times[name].append(timed(cmd))
    base = statistics.median(times["import sympy"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:28s} median {med:6.3f} s  ({med / base:4.2f}x import sympy)")
    ratio = statistics.median(times["heatcap check"]) / base
    print(f"ratio heatcap check / import sympy: {ratio:.2f} (goal <= 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
