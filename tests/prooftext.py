"""Pieces of proof files that the soundness tests write: the setting and the lecture's hypotheses."""

from __future__ import annotations

__all__ = ["DOUBLE", "EXPANSION", "SETTING", "model_hypotheses", "vector"]

SETTING = '''
[[symbol]]
latex = "g_b"
kind = "vector"
per-example = true

[[symbol]]
latex = "H_b"
kind = "matrix"
per-example = true
'''

EXPANSION = (r"\mathcal{L}_b(\Phi^* + \Delta\Phi) = \mathcal{L}_b(\Phi^*) + g_b^\top \Delta\Phi"
             r" + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi")

_MODEL = r'''
[[assume]]
name = "expansion"
kind = "expansion"
latex = 'EXPANSION'

[[assume]]
name = "mean-gradient-zero"
kind = "mean-zero"
latex = 'E_b g_b = 0'

[[assume]]
name = "sgd-step"
kind = "sgd-step"
latex = "\\Delta\\Phi' = \\Delta\\Phi - STEP \\eta (g_b + H_b \\Delta\\Phi)"

[[assume]]
name = "stationarity"
kind = "invariance"
latex = "\\Delta\\Phi' \\sim P_\\eta"

[[assume]]
name = "independence"
kind = "independence"
latex = 'b \perp \Delta\Phi'

[[assume]]
name = "small-eta-limit"
kind = "small-eta"
latex = '\lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2 = 0'
'''


def model_hypotheses(step: str = "") -> str:
    """The [[assume]] tables of the lecture's hypotheses; ``step`` scales η in the SGD step (e.g. "2")."""
    return _MODEL.replace("EXPANSION", EXPANSION).replace("STEP ", f"{step} " if step else "")


def vector(name: str) -> str:
    """A [[symbol]] table declaring a constant vector."""
    return f"\n[[symbol]]\nlatex = '{name}'\nkind = \"vector\"\n"


#: A declared moment equation that is false: stationarity with 2η in place of η.
DOUBLE = r"""
[[assume]]
name = "double-stationarity"
kind = "equation"
latex = '''E_{\Delta\Phi \sim P_\eta} E_b \|\Delta\Phi - 2 \eta (g_b + H_b \Delta\Phi)\|^2
    = E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2'''
"""
