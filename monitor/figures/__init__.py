"""Numeric figures in news text: extraction of counts, percents, money, years and more, and the
language-independent context of a figure claim. Re-exports the public API of the private modules.
"""

from monitor.figures._context import ClaimContext, claim_context
from monitor.figures._extract import ALERTABLE_KINDS, Figure, extract_figures

__all__ = ["ALERTABLE_KINDS", "ClaimContext", "Figure", "claim_context", "extract_figures"]
