"""heatcap in a notebook or a script: check the proof, load a proof file, solve a data set.

>>> import heatcap
>>> report = heatcap.check()                 # the shipped (corrected) proof
>>> report.ok
True
>>> heatcap.check(as_written=True).ok        # the lecture as transcribed: Step 3's erratum
False

``heatcap.load(path)`` reads a proof file (docs/proof-files.md); ``heatcap.check(proof_or_path)``
checks it; ``heatcap.numeric(data, eta, ...)`` solves SGD's stationary law on a data set
(docs/numeric.md, docs/variants.md). In Jupyter, proofs and reports display as typeset tables
(``heatcap.display``). The command line is ``heatcap`` (``verify.cli``).
"""

from .facade import check, load, numeric

__all__ = ["check", "load", "numeric"]
