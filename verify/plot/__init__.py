"""Figures of heatcap, each written with the numbers behind it as JSON.

Modules: :mod:`~verify.plot.common` (Agg backend, atomic output),
:mod:`~verify.plot.curve` (L(η), its tangent ¼ tr C, Monte Carlo, the pole at η_c),
:mod:`~verify.plot.schedule` (the lecture's learning-rate drops),
:mod:`~verify.plot.variants` (minibatches and momentum), :mod:`~verify.plot.command`
(``heatcap plot``).  See docs/figures.md.
"""
