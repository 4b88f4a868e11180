"""The environment of the benchmarks' fresh interpreters.

A fresh interpreter should read heatcap's bytecode from a cache, as it does after
``pip install .`` (which compiles it). Without this, PYTHONDONTWRITEBYTECODE (set on some
machines, this one included) makes every run compile heatcap's modules again, about 35 ms
that no installed copy pays. The cache lives in a temporary PYTHONPYCACHEPREFIX; the first run
of a command fills it (take the best of several runs, or run once untimed).
"""

from __future__ import annotations

import os
import tempfile

__all__ = ["FRESH_ENV"]

_PYCACHE = tempfile.TemporaryDirectory(prefix="heatcap-pycache-")
FRESH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FRESH_ENV["PYTHONPYCACHEPREFIX"] = _PYCACHE.name
