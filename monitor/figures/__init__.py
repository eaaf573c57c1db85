"""Numeric figures in news text: extraction of counts, percents, money, years and more.

Re-exports the public API; the work is done in the private modules of this package.
"""

from monitor.figures._extract import ALERTABLE_KINDS, Figure, extract_figures

__all__ = ["ALERTABLE_KINDS", "Figure", "extract_figures"]
