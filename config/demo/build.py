"""Render the demo corpus sources (config/demo/source/*.yaml) into the served RSS/Atom files, and
the article pages of teaser-only outlets (``teaser_only: true``) into site/articles/<outlet>/.

The prose lives in the YAML sources; this script only adds feed structure, page furniture and
boilerplate, so the XML and HTML stay well-formed and consistent. Run ``python config/demo/build.py``
after editing a source.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
FEEDS = HERE / "site" / "feeds"
ARTICLES = HERE / "site" / "articles"
# Links point at the default address of the demo server. Teaser-only outlets, whose article pages
# are served, link relatively (resolved against the feed's URL), so the pages are found on
# whatever address the site is served.
BASE = "http://127.0.0.1:8765"
ROBOTS_TXT = "# Demo site: article pages may be fetched.\nUser-agent: *\nDisallow: /private/\n"

# Placeholders the sources use for characters that are invisible when editing.
SPECIAL = {"{NBSP}": "\u00a0", "{NNBSP}": "\u202f"}

# The footer WordPress-style feeds append to every item, in the item's language: shared
# boilerplate that a matcher must not mistake for a shared narrative.
POSTED = {
    "en": 'The post <a href="{link}">{title}</a> appeared first on <a href="{site}">{outlet}</a>.',
    "fa": 'نوشته <a href="{link}">{title}</a> اولین بار در <a href="{site}">{outlet}</a> پدیدار شد.',
    "ar": 'ظهرت المقالة <a href="{link}">{title}</a> أولاً على <a href="{site}">{outlet}</a>.',
    "fr": 'L’article <a href="{link}">{title}</a> est apparu en premier sur <a href="{site}">{outlet}</a>.',
    "de": 'Der Beitrag <a href="{link}">{title}</a> erschien zuerst auf <a href="{site}">{outlet}</a>.',
    "ru": 'Сообщение <a href="{link}">{title}</a> появились сначала на <a href="{site}">{outlet}</a>.',
    "tr": '<a href="{link}">{title}</a> yazısı ilk önce <a href="{site}">{outlet}</a> üzerinde ortaya çıktı.',
    "ur": 'پوسٹ <a href="{link}">{title}</a> پہلے <a href="{site}">{outlet}</a> پر شائع ہوئی۔',
}
READ_MORE = {
    "en": "Read more &raquo;",
    "fa": "ادامه مطلب &laquo;",
    "ar": "اقرأ المزيد &laquo;",
    "fr": "Lire la suite &raquo;",
    "de": "Weiterlesen &raquo;",
    "ru": "Читать далее &raquo;",
    "tr": "Devamını oku &raquo;",
    "ur": "مزید پڑھیں &laquo;",
}


def _fill(text: str) -> str:
    for key, char in SPECIAL.items():
        text = text.replace(key, char)
    return text.strip()


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def _base(outlet: dict[str, Any]) -> str:
    return ".." if outlet.get("teaser_only") else BASE


def _link(outlet: dict[str, Any], item: dict[str, Any]) -> str:
    return f"{_base(outlet)}/articles/{outlet['slug']}/{item['slug']}.html"


def _item_html(outlet: dict[str, Any], item: dict[str, Any], link: str) -> str:
    lang = item.get("lang", outlet["language"])
    site = f"{_base(outlet)}/articles/{outlet['slug']}/"
    footer = POSTED[lang].format(link=link, title=escape(_fill(item["title"])), site=site,
                                 outlet=escape(outlet["title"]))
    # A teaser-only feed carries a one-sentence standfirst cut off WordPress-style, not the article.
    text = f"<p>{escape(_fill(item['teaser']))} [&#8230;]</p>" if outlet.get("teaser_only") else _fill(item["body"])
    return (f"{text}\n<p><a href=\"{link}\">{READ_MORE[lang]}</a></p>\n<p>{footer}</p>")


def _sorted_items(outlet: dict[str, Any]) -> list[dict[str, Any]]:
    # Feeds list their newest items first.
    return sorted(outlet["items"], key=lambda it: _when(it["date"]), reverse=True)


def render_rss(outlet: dict[str, Any]) -> str:
    items = _sorted_items(outlet)
    newest = _when(items[0]["date"])
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<!-- Made-up outlet of the monitor demo corpus. Generated from config/demo/source/"
        f"{outlet['slug']}.yaml by config/demo/build.py: edit the source, not this file. -->",
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"  <title>{escape(outlet['title'])}</title>",
        f"  <link>{_base(outlet)}/articles/{outlet['slug']}/</link>",
        f'  <atom:link href="{BASE}/feeds/{outlet["slug"]}.xml" rel="self" type="application/rss+xml"/>',
        f"  <description>{escape(outlet['description'])}</description>",
        f"  <language>{outlet['feed_language']}</language>",
        f"  <lastBuildDate>{format_datetime(newest)}</lastBuildDate>",
        "  <generator>https://wordpress.org/?v=6.7</generator>",
    ]
    for it in items:
        link = _link(outlet, it)
        out += [
            "  <item>",
            f"    <title>{escape(_fill(it['title']))}</title>",
            f"    <link>{link}</link>",
            f'    <guid isPermaLink="false">{escape(it["id"])}</guid>',
            f"    <pubDate>{format_datetime(_when(it['date']))}</pubDate>",
            f"    <dc:creator>{escape(it['author'])}</dc:creator>",
            *(f"    <category>{escape(c)}</category>" for c in it.get("tags", [])),
            f"    <description>{escape(_item_html(outlet, it, link))}</description>",
            "  </item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def _iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_atom(outlet: dict[str, Any]) -> str:
    items = _sorted_items(outlet)
    newest = _when(items[0]["date"])
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<!-- Made-up outlet of the monitor demo corpus. Generated from config/demo/source/"
        f"{outlet['slug']}.yaml by config/demo/build.py: edit the source, not this file. -->",
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(outlet["feed_language"])}>',
        f"  <title>{escape(outlet['title'])}</title>",
        f"  <subtitle>{escape(outlet['description'])}</subtitle>",
        f"  <id>urn:monitor-demo:{outlet['slug']}</id>",
        f'  <link rel="alternate" type="text/html" href="{_base(outlet)}/articles/{outlet["slug"]}/"/>',
        f'  <link rel="self" type="application/atom+xml" href="{BASE}/feeds/{outlet["slug"]}.xml"/>',
        f"  <updated>{_iso(newest)}</updated>",
    ]
    for it in items:
        link = _link(outlet, it)
        when = _iso(_when(it["date"]))
        lang = it.get("lang", outlet["language"])
        out += [
            f"  <entry xml:lang={quoteattr(lang)}>",
            f"    <id>{escape(it['id'])}</id>",
            f"    <title>{escape(_fill(it['title']))}</title>",
            f'    <link rel="alternate" type="text/html" href="{link}"/>',
            f"    <published>{when}</published>",
            f"    <updated>{when}</updated>",
            f"    <author><name>{escape(it['author'])}</name></author>",
            *(f"    <category term={quoteattr(c)}/>" for c in it.get("tags", [])),
            f'    <content type="html">{escape(_item_html(outlet, it, link))}</content>',
            "  </entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)


def load_source(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("slug", path.stem)
    return data


def render(outlet: dict[str, Any]) -> str:
    return render_atom(outlet) if outlet["format"] == "atom" else render_rss(outlet)


# --------------------------------------------------------------------------- article pages

_PAGE = """<!DOCTYPE html>
<!-- Made-up outlet of the monitor demo corpus. Generated from config/demo/source/{slug}.yaml by
     config/demo/build.py: edit the source, not this file. -->
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta name="author" content="{author}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="{canonical}">
</head>
<body>
<div class="cookie-banner" role="dialog"><p>We use cookies to keep the site running and to count our readers.</p>
<button>Accept all cookies</button> <button>Manage cookies</button></div>
<header><a class="logo" href="/articles/{slug}/">{outlet}</a>
<nav class="main-menu"><a href="/articles/{slug}/">Home</a> <a href="/articles/{slug}/local/">Local</a> \
<a href="/articles/{slug}/farming/">Farming</a> <a href="/articles/{slug}/sport/">Sport</a> \
<a href="/articles/{slug}/contact/">Contact the newsroom</a></nav></header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">By <span class="author">{author}</span>, <time datetime="{iso}">{day}</time></p>
<div class="entry-content">
{body}
</div>
<div class="share">Share this story: <a href="#">Facebook</a> <a href="#">Email</a></div>
</article>
<aside class="related"><h3>More from {outlet}</h3>
<ul>
{related}
</ul></aside>
<section class="comments"><h3>1 comment</h3>
<div class="comment"><p class="comment-author">Posted by a reader</p><p>{comment}</p></div></section>
</main>
<footer><p>&copy; 2026 {outlet}. All rights reserved. <a href="/articles/{slug}/privacy/">Privacy</a></p></footer>
</body>
</html>
"""


def render_article(outlet: dict[str, Any], item: dict[str, Any]) -> str:
    """The article page of ``item``, with the furniture a news site wraps around its text."""
    others = [it for it in _sorted_items(outlet) if it["id"] != item["id"]][:3]
    related = "\n".join(f'<li><a href="{it["slug"]}.html">{escape(_fill(it["title"]))}</a></li>' for it in others)
    when = _when(item["date"])
    return _PAGE.format(
        slug=outlet["slug"], lang=item.get("lang", outlet["language"]), outlet=escape(outlet["title"]),
        title=escape(_fill(item["title"])), author=escape(item["author"]), iso=_iso(when),
        day=when.strftime("%d %B %Y"), canonical=f"{BASE}/articles/{outlet['slug']}/{item['slug']}.html",
        body=_fill(item["body"]), related=related, comment=escape(item.get("comment", "Thanks for reporting this.")))


def articles(outlet: dict[str, Any]) -> dict[str, str]:
    """File name -> page, for a teaser-only outlet (others serve no article pages)."""
    if not outlet.get("teaser_only"):
        return {}
    return {f"{it['slug']}.html": render_article(outlet, it) for it in outlet["items"]}


def main(argv: list[str]) -> int:
    FEEDS.mkdir(parents=True, exist_ok=True)
    for src in sorted(SOURCES.glob("*.yaml")):
        outlet = load_source(src)
        target = FEEDS / f"{outlet['slug']}.xml"
        target.write_text(render(outlet), encoding="utf-8")
        print(f"{target.relative_to(HERE.parents[1])}: {len(outlet['items'])} items")
        pages = articles(outlet)
        if pages:
            folder = ARTICLES / outlet["slug"]
            folder.mkdir(parents=True, exist_ok=True)
            for name, page in pages.items():
                (folder / name).write_text(page, encoding="utf-8")
            print(f"{folder.relative_to(HERE.parents[1])}/: {len(pages)} article pages")
    (HERE / "site" / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
