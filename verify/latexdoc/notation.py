r"""The notation both documents set up before the proof: SGD, P_η, H, C, L(η), and certificates.

:func:`setting_rows` are the symbols every step uses (the SGD step is the proof's own
``sgd-step`` hypothesis when it declares one); :func:`setting_table` sets them as a table.

:func:`certificate_legend` explains how to read a certificate
``lhs − rhs = −1/(4η)[stationarity, f = ‖ΔΦ‖²]``: after the rewrites by the hypotheses a line
names, the difference of its sides is an exact combination of equations; ``[stationarity, f]``
is the moment equation that heatcap derives from the SGD model (``sgd-step``, ``stationarity`` =
invariance of P_η, ``independence``) for the test function f, and the legend prints every
derived equation the certificates of the proof use.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> proof = heat_capacity_proof()
>>> [symbol for symbol, _ in setting_rows(proof)][:2]
['E_b = \\tfrac{1}{n} \\textstyle\\sum_{b=1}^{n}', '\\Phi^*,\\ g_b,\\ H_b']
>>> legend = certificate_legend(proof, check_proof(proof))
>>> [name for name, _ in legend.derived]
['stationarity[\\|\\Delta\\Phi\\|^2]']
>>> legend.example[0]
'(3.3)'
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.printing import subscript
from derive.proof import Proof
from verify.results import ProofReport

from .blocks import certificate_latex, derived_name, line_label
from .text import user_math

__all__ = [
    "LECTURE_STEP",
    "MOMENT_EQUATION",
    "CertificateLegend",
    "certificate_legend",
    "derived_display",
    "setting_rows",
    "setting_table",
]

#: The lecture's SGD step (used when a proof declares no ``sgd-step`` hypothesis).
LECTURE_STEP = r"\Delta\Phi' = \Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)"

#: The generic moment equation for a test function f of the state.
MOMENT_EQUATION = (r"E_{\Delta\Phi \sim P_\eta} E_b\, f(\Delta\Phi') = "
                   r"E_{\Delta\Phi \sim P_\eta} f(\Delta\Phi)")


def _sgd_step(proof: Proof) -> str:
    steps = [h.statement for h in proof.hypotheses.values() if h.kind == "sgd-step"]
    return steps[0] if steps else LECTURE_STEP


@dataclass(frozen=True)
class _Names:
    """The setting's names as math: index, state, law, rate, gradient, Hessian."""

    b: str = "b"
    x: str = r"\Delta\Phi"
    law: str = r"P_\eta"
    rate: str = r"\eta"
    g: str = "g_b"
    h: str = "H_b"

    @classmethod
    def of(cls, proof: Proof) -> _Names:
        """The lecture's names, or the proof's own through the math allowlist."""
        n = proof.notation
        names = (n.index, n.state_name, n.law, n.rate_name, n.gradient_name, n.hessian_name)
        if names == (cls.b, cls.x, cls.law, cls.rate, cls.g, cls.h):
            return cls()
        return cls(*(user_math(x) for x in names))


def setting_rows(proof: Proof) -> list[tuple[str, str]]:
    """(symbol as math, its meaning as LaTeX text) for the symbols of the proof, in its names."""
    v = _Names.of(proof)
    x, law, rate, g, h = v.x, v.law, v.rate, v.g, v.h
    b = subscript(v.b)
    return [
        (rf"E_{b} = \tfrac{{1}}{{n}} \textstyle\sum_{{{v.b}=1}}^{{n}}",
         r"the plain average over the $n$ training examples; the training loss is "
         rf"$\mathcal{{L}}(\Phi) = E_{b} \mathcal{{L}}_{b}(\Phi)$"),
        (rf"\Phi^*,\ {g},\ {h}",
         r"a local optimum of $\mathcal{L}$; the gradient and the (symmetric) Hessian of the "
         rf"loss $\mathcal{{L}}_{b}$ of example ${v.b}$ at $\Phi^*$"),
        (_sgd_step(proof),
         rf"one SGD step at learning rate ${rate}$ on an example ${v.b}$ drawn uniformly, "
         rf"${x} = \Phi - \Phi^*$"),
        (law,
         rf"the stationary law of ${x}$: if ${x} \sim {law}$, then ${x}' \sim {law}$"),
        (rf"H = E_{b} {h},\ C = E_{b} {g} {g}^\top",
         rf"the mean Hessian and the gradient noise, $\operatorname{{tr}} C = E_{b} \|{g}\|^2$"),
        (rf"\mathcal{{L}}({rate}) = E_{{{x} \sim {law}}} \mathcal{{L}}(\Phi^* + {x})",
         rf"the loss SGD converges to at rate ${rate}$; $\mathcal{{L}}(0) = \lim_{{{rate} \rightarrow 0}}"
         rf" \mathcal{{L}}({rate})$"),
        (rf"m = E_{{{x} \sim {law}}} {x}", rf"the mean of ${law}$"),
        (rf"S = E_{{{x} \sim {law}}} {x} {x}^\top",
         "its second moment ($m_r$, $S_r$: "
         + (r"the moments of $P_r$)" if law == r"P_\eta" else r"the moments at the rate $r$)")),
    ]


def setting_table(proof: Proof, width: str = r"0.5\linewidth") -> str:
    """The symbols of :func:`setting_rows` as a two-column ``tabular`` (math, meaning)."""
    rows = " \\\\\n".join(f"${symbol}$ & {meaning}" for symbol, meaning in setting_rows(proof))
    return (f"\\begin{{tabular}}{{@{{}}l@{{\\quad}}P{{{width}}}@{{}}}}\n" + rows
            + " \\\\\n\\end{tabular}")


@dataclass(frozen=True)
class CertificateLegend:
    """What a reader needs to read the certificates of one proof.

    ``derived``: (name, equation) of every moment equation the certificates use, in order of first
    use; ``example``: (line label, certificate) of the first line with a multiplier other than 1,
    or None; ``sgd_step``: the step the moment equations are derived from.
    """

    derived: tuple[tuple[str, str], ...]
    example: tuple[str, str] | None
    sgd_step: str

    def intro(self) -> str:
        """How to read ``lhs − rhs = Σ λ_i [e_i]`` (LaTeX text)."""
        return (
            "A certificate $\\mathrm{lhs} - \\mathrm{rhs} = \\sum_i \\lambda_i\\,[e_i]$ says: after "
            "the rewrites by the hypotheses the line names, the difference of its two sides is "
            "exactly this combination of equations $e_i$, where $[e]$ stands for the difference "
            "of the two sides of $e$ and each multiplier $\\lambda_i$ is rational in $\\eta$ and "
            "defined for every $\\eta > 0$. A line whose rewrites alone make both sides equal "
            "shows no certificate; \\emph{in the limit} marks multiples used inside a limit, "
            "where they remove a pole in $\\eta$."
        )

    def model(self) -> str:
        """Where ``[stationarity, f = …]`` comes from (LaTeX text, ending before a display)."""
        return (
            "$[\\text{\\hyp{stationarity}},\\ f]$ is a moment equation that heatcap derives "
            "itself from the SGD model: \\hyp{sgd-step}, the step "
            f"${self.sgd_step}$; \\hyp{{stationarity}}, the invariance of $P_\\eta$ "
            "($\\Delta\\Phi \\sim P_\\eta \\Rightarrow \\Delta\\Phi' \\sim P_\\eta$); and "
            "\\hyp{independence}, the next example $b$ drawn fresh ($b \\perp \\Delta\\Phi$). "
            "For a test function $f$ of the state they give"
        )

    def example_text(self) -> str:
        """The first non-trivial certificate, spelled out (LaTeX text), or ``""``."""
        if self.example is None:
            return ""
        label, cert = self.example
        return (f"For example, line {label} carries {cert}: the two sides of the line differ by "
                "exactly that multiple of the difference of the two sides of the equation.")


def certificate_legend(proof: Proof, report: ProofReport) -> CertificateLegend:
    """The legend of the certificates in ``report`` (see :class:`CertificateLegend`)."""
    derived: dict[str, str] = {}
    example = None
    for number, step in enumerate(report.steps, 1):
        for line in step.lines:
            cert = line.certificate
            if cert is None:
                continue
            for name, equation in cert.derived:
                derived.setdefault(name, equation)
            multipliers = [m for _, m in (*cert.equations, *cert.limits)]
            if example is None and any(m != "1" for m in multipliers):
                example = (line_label(number, line.index), certificate_latex(cert))
    for row in report.hypotheses:
        for name, equation in row.certificate.derived if row.certificate else ():
            derived.setdefault(name, equation)
    return CertificateLegend(tuple(derived.items()), example, _sgd_step(proof))


def derived_display(name: str, equation: str) -> str:
    """One derived equation as display math: ``[stationarity, f = ‖ΔΦ‖²]:  lhs = rhs``."""
    return f"{derived_name(name)}:\\quad {equation}"
