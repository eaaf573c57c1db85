"""Text normalization for matching: one canonical form of a news text, whatever its script or source.

The original text is always stored alongside; this form only feeds shingling, figures and search.
"""

from __future__ import annotations

import re
import unicodedata

from monitor.htmltext import html_to_text

ZWNJ = "\u200c"

# Invisible characters that carry no meaning for matching (ZWNJ is handled apart: it is
# meaningful in Persian orthography, e.g. می‌شود).
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b\u200d-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufe00-\ufe0f]")
_ZWNJ_RUN = re.compile("\u200c{2,}")
# A ZWNJ only means something between two letters; at a word edge it is noise.
_ZWNJ_EDGE = re.compile(r"(?:(?<=[^\w])|^)\u200c+|\u200c+(?=[^\w]|$)")

_ARABIC_LETTERS = str.maketrans({
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh (one yeh for matching)
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u066b": ".",       # ٫ Arabic decimal separator
    "\u066c": ",",       # ٬ Arabic thousands separator
})
# ۀ (heh with yeh above, the Persian ezafe) is also written ه‌ی: keep the spelled-out form.
_HEH_YEH = re.compile("\u06c0|\u06d5\u0654|\u0647\u0654")
# Harakat, superscript alef, Quranic annotation marks and tatweel.
_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")

_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\u301d\u301e\u301f"
                                          "\u300c\u300d\u300e\u300f\uff02"}
                        | {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\u0060\u00b4"})
# The characters the two tables map: translate visits every character in Python-level C (slow on
# long texts), the regex only the few that change.
_ARABIC_CHARS = re.compile("[" + "".join(map(chr, _ARABIC_LETTERS)) + "]")
_QUOTE_CHARS = re.compile("[" + re.escape("".join(map(chr, _QUOTES))) + "]+")
_DASHES = re.compile("[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d\u2e3a\u2e3b]")
# Runs of space other than newlines ([^\S\n]+) become one space; only the runs that are not
# already a single space are replaced (the same text, far fewer replacements).
_SPACE_RUNS = re.compile(r"[^\S\n ][^\S\n]*| [^\S\n]+")
# every character _HEH_YEH, _ARABIC_LETTERS and _HARAKAT change is in the Arabic block
_ARABIC_BLOCK = re.compile("[\u0600-\u06ff]")
_NEWLINES = re.compile(r"\s*\n\s*")
# Markup that survived one round of HTML decoding (double-encoded feeds) is neutralized
# rather than decoded forever, so normalization stays idempotent.
_TAG_LIKE = re.compile(r"<(?=[a-zA-Z!/])")
_ENTITY_LIKE = re.compile(r"&(?=[#a-zA-Z0-9]+;)")

_PROMPTS = (
    # en
    r"continue reading|read more|read the full (?:story|article)|click here to read more|"
    r"share this(?: article| story)?|share on (?:facebook|twitter|x|whatsapp|linkedin|telegram)|"
    r"click to share on \w+|follow us on \w+|"
    # de
    r"weiterlesen|mehr lesen|mehr erfahren|artikel teilen|teilen|"
    # fr
    r"lire la suite|lire plus|en savoir plus|partager(?: sur \w+)?|"
    # es
    r"leer más|seguir leyendo|continuar leyendo|sigue leyendo|compartir(?: en \w+)?|"
    # it
    r"leggi tutto|leggi di più|continua a leggere|condividi(?: su \w+)?|"
    # pt
    r"leia mais|ler mais|continuar lendo|continue lendo|compartilhar(?: no \w+)?|partilhar|"
    # ru, uk
    r"читать далее|читать дальше|подробнее|поделиться|читати далі|детальніше|поширити|"
    # tr
    r"devamını oku|devamı için tıklayın|daha fazla oku|paylaş|"
    # ar, fa, ur (after letter unification: ي->ی, ك->ک, أ->ا)
    r"اقرا المزید|تابع القراءة|اکمل القراءة|مشارکة|"
    r"ادامه مطلب|ادامه خبر|بیشتر بخوانید|اشتراک\u200cگذاری|مزید پڑھیں|پوری خبر پڑھیں|"
    # he, hi, zh
    r"המשך קריאה|קרא עוד|לקריאה נוספת|שתפו|שתף|और पढ़ें|आगे पढ़ें|"
    r"阅读更多|继续阅读|阅读全文|查看全文|分享"
)
# A line that is only a prompt ("Read more »", "[…] Continue reading →") goes entirely.
_PROMPT_LINE = re.compile(rf"^[\W_]*(?:{_PROMPTS})[\W_]*$")
# A prompt closing a line after an ellipsis or sentence end, with an optional quoted title.
_PROMPT_TAIL = re.compile(rf"(?<=[.…!?\]])[^\w\n]*(?:{_PROMPTS})(?:[^\w\n]*\"[^\"\n]{{0,200}}\")?[\W_]*$")
# WordPress-style attribution lines, in the core languages.
_POST_APPEARED = re.compile(
    r"^(?:the post .+ appeared first on .+"
    r"|der beitrag .+ erschien zuerst (?:auf|bei) .+"
    r"|l'article .+ est apparu en premier sur .+"
    r"|la entrada .+ se publicó primero en .+"
    r"|l'articolo .+ proviene da .+"
    r"|o post .+ apareceu primeiro em .+"
    r"|(?:сообщение|запись) .+ (?:(?:появились|появилась) (?:сначала|впервые)"
    r"|(?:сначала|впервые) (?:появились|появилась)) на .+"
    r"|(?:публікація|запис) .+ (?:спершу|вперше) з'явил(?:ася|ися|ось) на .+"
    r"|.+ yazısı ilk (?:önce|olarak) .+ (?:üzerinde|sitesinde) (?:ortaya çıktı|yayınlandı).*"
    r"|ظهرت المقالة .+ اولا علی .+"
    r"|(?:نوشته|پست) .+ اولین بار در .+ پدیدار شد.*"
    r"|הפוסט .+ הופיע לראשונה ב.+"
    r"|.+ पहले .+ पर दिखाई दिया.*"
    r"|.+最先出现在.+)$"
)


_DECIMAL = re.compile(r"\d")  # str patterns: exactly the characters for which str.isdecimal() holds


def _ascii_digit(m: re.Match[str]) -> str:
    c = m.group()
    return str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None else c


def digits_to_ascii(text: str) -> str:
    """``text`` with every decimal digit (Persian, Arabic-Indic, Devanagari, fullwidth...) in ASCII."""
    # The regex visits only the digits (a per-character Python loop cost a third of normalizing).
    if text.isascii():
        return text
    return _DECIMAL.sub(_ascii_digit, text)


def _translate_quotes(m: re.Match[str]) -> str:
    return m.group().translate(_QUOTES)


def _casefold(text: str, lang: str | None) -> str:
    if lang in ("tr", "az"):
        # Turkish dotted/dotless i: İ->i and I->ı, not the default I->i.
        text = text.replace("I", "ı").replace("İ", "i")
    return text.casefold()


def _remove_boilerplate(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if _PROMPT_LINE.match(line) or _POST_APPEARED.match(line):
            continue
        lines.append(_PROMPT_TAIL.sub("", line))
    return "\n".join(lines)


def strip_boilerplate(text: str, lang: str | None = None) -> str:
    """``text`` (original spelling kept) without its feed boilerplate lines: "Read more",
    share prompts, "The post … appeared first on <outlet>". A line goes when normalization
    would remove it entirely, so both use the same rules in every language."""
    return "\n".join(line for line in text.split("\n") if not line.strip() or normalize_text(line, lang))


def _normalize_once(text: str, lang: str | None) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = html_to_text(text)
    # (each rule below runs only on texts holding a character it can change)
    if "<" in text:
        text = _TAG_LIKE.sub("< ", text)
    if "&" in text:
        text = _ENTITY_LIKE.sub("& ", text)
    if _ARABIC_BLOCK.search(text):
        text = _HEH_YEH.sub("\u0647\u200c\u06cc", text)
        if _ARABIC_CHARS.search(text):
            text = text.translate(_ARABIC_LETTERS)
        text = _HARAKAT.sub("", text)
    text = digits_to_ascii(text)
    text = _QUOTE_CHARS.sub(_translate_quotes, text)
    text = _DASHES.sub("-", text)
    text = _casefold(text, lang)
    if ZWNJ in text:  # both patterns match only ZWNJ; a text without one skips their scans
        text = _ZWNJ_RUN.sub(ZWNJ, text)
        text = _ZWNJ_EDGE.sub("", text)
    text = _SPACE_RUNS.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n", text)
    text = text.strip()
    text = _remove_boilerplate(text)
    return " ".join(text.split())


def normalize_text(text: str, lang: str | None = None) -> str:
    """Return the canonical matching form of ``text``: total (never raises) and idempotent.

    ``lang`` (ISO 639-1) selects language-specific rules, e.g. Turkish dotted/dotless i.
    """
    lang = lang.lower() if isinstance(lang, str) else None
    out = text if isinstance(text, str) else str(text)
    # Each rule is idempotent alone, but one can expose work for another (an entity decoding
    # to a fullwidth char, NFKC producing a new tag): iterate to a fixed point.
    for _ in range(16):
        nxt = _normalize_once(out, lang)
        if nxt == out:
            break
        out = nxt
    return out
