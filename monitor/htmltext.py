"""HTML to clean text: scripts, styles and tracking pixels dropped, entities decoded,
block elements turned into line breaks. Never raises, whatever the input."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
    "table", "section", "article", "header", "footer", "figure", "figcaption", "pre", "hr", "dd", "dt",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"})
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z!/][^>]*>|&[#a-zA-Z0-9]+;")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable plain text from an HTML fragment (or plain text, returned tidied)."""
    if not markup:
        return ""
    if not _LOOKS_LIKE_HTML.search(markup):
        text = markup
    else:
        parser = _TextExtractor()
        try:
            parser.feed(markup)
            parser.close()
            text = "".join(parser.parts)
        except Exception:  # html.parser is lenient, but hostile input must never crash ingestion
            text = re.sub(r"<[^>]*>", " ", markup)
        text = html.unescape(text)  # double-encoded entities (&amp;amp;) in feeds are common
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()
