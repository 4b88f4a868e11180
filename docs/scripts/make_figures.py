"""Draw the site's figures with heatcap itself: ``heatcap plot`` on ``docs/data/example.csv``.

Usage: python docs/scripts/make_figures.py [--out DIR] [--data CSV]

Writes DIR/curve.png, DIR/schedule.png and DIR/variants.png (default DIR: docs/figures), each
with the JSON of the numbers behind it (DIR/curve.json, …). The figures come from the real
command line in a fresh interpreter, with a fixed seed, so they are reproducible.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "docs" / "data" / "example.csv"
FIGURES: dict[str, list[str]] = {
    # L(η) on (0, 0.95 η_c], its tangent of slope ¼ E_b‖g_b‖², Monte Carlo points, the pole at η_c.
    "curve": ["--points", "60", "--chains", "200", "--seed", "0"],
    # η₀ = 0.2 dropped twice by a factor of 2, as in the lecture's ResNet plots.
    "schedule": ["--eta", "0.2", "--chains", "200", "--seed", "0"],
    # batch sizes 1, 2, 4 and momentum 0.5: the slope at 0 becomes c_B ¼ tr C / (1 − β).
    "variants": ["--points", "40", "--momenta", "0.5"],
}


def heatcap_plot(kind: str, data: Path, out: Path) -> list[str]:
    """The ``heatcap plot`` command line that draws figure ``kind`` into ``out``."""
    return [
        sys.executable, "-m", "verify.cli", "plot", kind, str(data), *FIGURES[kind],
        "-o", str(out / f"{kind}.png"), "--json-out", str(out / f"{kind}.json"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": path}
    for kind in FIGURES:
        cmd = heatcap_plot(kind, args.data.resolve(), args.out.resolve())
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"make_figures: {' '.join(cmd[2:])} failed:\n{done.stderr}")
        print(done.stdout.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
