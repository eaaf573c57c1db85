"""HTML to clean text: scripts, styles, tracking pixels and other non-text elements dropped,
entities decoded (also when a feed escaped its HTML twice), block elements turned into line
breaks, control characters removed. Never raises, whatever the input."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
    "table", "section", "article", "header", "footer", "figure", "figcaption", "pre", "hr", "dd", "dt",
    "dl", "aside", "main", "nav", "address", "details", "summary", "caption", "thead", "tbody", "tfoot",
})
_CELL = frozenset({"td", "th"})
# Content of these never reads as text (img, the usual tracking pixel, is a void element with no text).
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
                   "math", "canvas", "video", "audio", "select", "button", "form", "title", "map"})
# Runs of horizontal space become one space. Only the runs that are not already a single
# space are replaced: the same text, without rewriting every gap between two words.
_OTHER_SPACE = r"\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"  # horizontal space but " "
_SPACE_RUNS = re.compile(rf"[{_OTHER_SPACE}][ {_OTHER_SPACE}]*| [ {_OTHER_SPACE}]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
# C0/C1 controls (PostgreSQL refuses NUL), zero-width and bidi marks that only hide in text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u00ad\u200b\u200e\u200f\u2060\ufeff\ufffe\uffff]")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z!/?][^>]*>|&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});?")
# Markup still present after one pass means the feed escaped its HTML twice (&lt;p&gt;...).
_LEFTOVER_MARKUP = re.compile(
    r"<(?:p|a|img|div|br|span|script|style|iframe|b|i|em|strong|ul|ol|li|h[1-6]|blockquote|table|tr|td|"
    r"figure|figcaption|pre|code|font|center|small|sup|sub|u|s|hr|picture|source|video|audio|section)\b[^>]*>"
    r"|</[a-zA-Z][a-zA-Z0-9]*\s*>|&(?:amp|lt|gt|quot|apos|nbsp|#\d+|#[xX][0-9a-fA-F]+);", re.I)
_MAX_PASSES = 3
# The fallback when html.parser gives up (it asserts on "<![CDAx[" marked sections): elements whose
# content never reads as text go first, then every tag.
_SKIP_BLOCKS = re.compile(r"<(" + "|".join(sorted(_SKIP)) + r")\b.*?(?:</\1\s*>|$)", re.I | re.S)
_ANY_TAG = re.compile(r"<[^>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip.append(tag)
        elif not self._skip:
            if tag in _BLOCK:
                self.parts.append("\n")
            elif tag in _CELL:
                self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK and not self._skip:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag in self._skip:  # close up to the matching open tag; ignore strays
                while self._skip and self._skip.pop() != tag:
                    pass
        elif not self._skip and tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _one_pass(markup: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
        return "".join(parser.parts)
    except Exception:  # html.parser is lenient, but hostile input must never crash ingestion
        return html.unescape(_ANY_TAG.sub(" ", _SKIP_BLOCKS.sub(" ", markup)))


def _tidy(text: str) -> str:
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> str:
    """Readable plain text from an HTML fragment (or plain text, returned tidied)."""
    if not markup:
        return ""
    text = _INVISIBLE.sub("", markup)  # first, so a removed character can never join a tag back together
    for _ in range(_MAX_PASSES):
        if not _LOOKS_LIKE_HTML.search(text):
            break
        text = _one_pass(text)
        if not _LEFTOVER_MARKUP.search(text):
            break
    else:
        text = _LEFTOVER_MARKUP.sub(" ", text)  # pathological nesting: drop what is left
    return _tidy(text)


def clean_line(text: str) -> str:
    """``text`` (already plain) on one line: titles, authors, keys."""
    return " ".join(_INVISIBLE.sub("", text).split())
