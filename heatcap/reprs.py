"""The two methods the result classes borrow: ``__repr__ = repr_method``,
``_repr_html_ = html_method``. They import the display code only when called, so that the classes
(in derive/ and verify/) can import this module without importing the rest of heatcap."""

from __future__ import annotations

__all__ = ["html_method", "repr_method"]


def repr_method(self: object) -> str:
    """A one-line repr (heatcap.display.short_repr): the dataclass repr runs for screens."""
    from .display import short_repr

    return short_repr(self)


def html_method(self: object) -> str:
    """The notebook display (heatcap.display.html)."""
    from .display import html

    return html(self)
