"""Find numeric figures in text in any script and turn them into plain values with their context.

Works without knowing the language (digit script and the words around a number say enough);
a language code, when given, only settles the few ambiguous words such as "billion".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from monitor.figures import _lexicon as lex
from monitor.figures._numbers import (
    CANDIDATE,
    HIJRI_MONTH_BEFORE,
    MONTH_AFTER,
    MONTH_BEFORE,
    Span,
    composite_spans,
    parse_number,
)
from monitor.figures._words import word_spans

ALERTABLE_KINDS: frozenset[str] = frozenset({"count", "percent", "money"})

# Long-scale languages, where "billion"/"billón" is 10^12 (their 10^9 is milliard/Milliarde).
_LONG_SCALE_LANGS = frozenset({"de", "fr", "es", "it", "nl", "pl", "sv", "da", "no", "fi"})
# letters, plus the combining marks that Python's \w leaves out (Devanagari vowel signs,
# Arabic harakat) and the zero-width non-joiner inside Persian words
_LETTER = r"(?:[^\W\d_]|[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u064b-\u065f\u0670\u200c])"


@dataclass(frozen=True, slots=True)
class Figure:
    """One number found in a text, with its span, what it counts and how it is hedged."""

    value: float
    raw: str
    start: int
    end: int
    kind: str
    unit: str | None
    qualifier: str | None = None
    scale: int | None = None
    range_end: float | None = None

    def as_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "value": self.value, "raw": self.raw, "start": self.start, "end": self.end,
            "kind": self.kind, "unit": self.unit, "qualifier": self.qualifier,
        }
        if self.scale is not None:
            d["scale"] = self.scale
        if self.range_end is not None:
            d["range_end"] = self.range_end
        return d


def _alternation(pairs: list[tuple[str, str]] | list[tuple[str, int]]) -> str:
    return "|".join(f"(?:{p})" for p, _ in pairs)


def _lookup(pairs: list[tuple[str, str]], found: str) -> str:
    for pattern, code in pairs:
        if re.fullmatch(pattern, found, re.I):
            return code
    return ""


# spaces, and the invisible direction marks that right-to-left texts put around numbers
_SPACE = r"[ \u00a0\u202f\u2009\u200b-\u200f\u2066-\u2069\u061c]{0,4}"
# a hyphen before the scale word makes a compound adjective: "a $1.2-billion loss"
_SCALE = re.compile(_SPACE + r"-?(" + _alternation(lex.SCALES) + r")(?!" + _LETTER + r")", re.I)
# Chinese currency words need no boundary after them: "3亿美元的投资"
_WORD_END = r"(?:(?<=[\u4e00-\u9fff])|(?!" + _LETTER + r"))"
_CJK_SCALE = re.compile(r"\s?(?:多|余)?(" + "|".join(s for s, _ in lex.CJK_SCALES) + r")")
_GLUED_SCALE = re.compile(r"(bn|tn|k|m|b)(?!" + _LETTER + r")", re.I)
_ABBREVIATED_SCALE = re.compile(
    _SPACE + r"(" + _alternation(lex.ABBREVIATED_SCALES) + r")(?=\s?(?:" + lex.ABBREVIATED_CURRENCY + r"))", re.I)
_SPACED_SCALE_AFTER_CURRENCY = re.compile(
    _SPACE + r"(" + _alternation(lex.SPACED_SCALES_AFTER_CURRENCY) + r")(?!" + _LETTER + r")", re.I)
_CURRENCY_BEFORE = re.compile(r"(" + _alternation(lex.CURRENCY_BEFORE) + r")\s?$")
_CURRENCY_AFTER = re.compile(
    r"\s?(?:(?:de|di|of|d['’])\s?)?(" + _alternation(lex.CURRENCY_AFTER) + r")" + _WORD_END, re.I)
_CURRENCY_AFTER_SCALED = re.compile(
    r"\s?(?:(?:de|di|of|d['’])\s?)?(" + _alternation(lex.CURRENCY_AFTER_SCALED) + r")(?!" + _LETTER + r")", re.I)
_PERCENT_AFTER = re.compile(r"\s?(?:" + lex.PERCENT_AFTER + r")", re.I)
_PERCENT_BEFORE = re.compile(lex.PERCENT_BEFORE, re.I)
_QUAL_BEFORE = re.compile(
    r"(?<!" + _LETTER + r")(" + _alternation(lex.QUALIFIERS_BEFORE) + r")\s?(?:" + lex.ARTICLES + r")?$", re.I)
_QUAL_AFTER = re.compile(r"\s?(" + _alternation(lex.QUALIFIERS_AFTER) + r")(?!" + _LETTER + r")", re.I)
_ORDINAL = re.compile(lex.ORDINAL_SUFFIX + r"(?!" + _LETTER + r")", re.I)
_YEAR_CUE = re.compile(lex.YEAR_CUES, re.I)
_YEAR_AFTER = re.compile(lex.YEAR_AFTER)
# the second number may be digits, a currency sign or a number word ("two or three million")
_RANGE = re.compile(r"\s?(?:[–—-]|(?:to|bis|à|a|al|до|تا|至|到|ila|سے|إلى|الى|עד|or|ou|o|oder|или|یا|أو|או)(?!"
                    + _LETTER + r"))\s?(?=\d|[$£€¥₹]|" + _LETTER + ")", re.I)
# "between 3 and 4 million": "and" makes a range only after "between" (else "3 and 4 million" may be two figures)
_RANGE_CUE = re.compile(r"(?<!" + _LETTER + r")(?:between|entre|zwischen|tra|fra|между|між|بين|بین|בין)\s?$", re.I)
# Turkish puts "between" after the second number: "3 ile 4 milyon (kişi) arasında"
_RANGE_AND_TR = re.compile(r"\s?ile\s", re.I)
_RANGE_CUE_AFTER_TR = re.compile(r"\s?(?:" + _LETTER + r"+\s)?arasında", re.I)
_RANGE_AND = re.compile(r"\s?(?:(?:and|et|und|e|y|и|і)\s|[وו][-־]?\s?|ל[-־]?)", re.I)
_UNIT_WORD = re.compile(r"\s?-?(" + _LETTER + r"+(?:[-'’]" + _LETTER + r"+)*)")
_HAN_UNIT = re.compile(r"(?:[名个個位家头頭只条條项項座艘架台辆輛次]\s?)?([\u4e00-\u9fff]{1,2})")
_ADJ_SUFFIX = re.compile(r"(?:al|ic|ive|ous|ian|ish|ese|ern|ary|ful|ed)$")
# languages that put the adjective before its noun too: German "politische Gefangene" (an inflected
# lowercase word before a capitalized noun), Russian and Ukrainian plural adjectives ("политических
# заключённых", "політичних в'язнів"; the plural endings only: singular "-ий" ends nouns like "санкций")
_GERMAN_ADJ = re.compile(r"(?:e|en|er|es|em)$")
_SLAVIC_ADJ = re.compile(r"(?:ых|их|ые|ие)$")
# a word in "-ых"/"-их" is often a noun itself ("30 раненых", "200 задержанных"): the word after it is
# then no part of the unit when it ends like a verb or a short participle ("остаются", "доставлены")
_SLAVIC_VERB = re.compile(r"(?:ся|сь|ли|ла|ло|ть|ны|ена|ено|ены|аны|ано|ана)$")
# a scale letter glued to a number without a currency: "300k signatures" (lowercase only: "10K run"
# and "4K" screens name a race distance and a resolution, as "the 5k race" does), and "m" only in
# "1.5m-strong" and before what only millions count ("1.2m people", "3m barrels"), since "1.5m-high"
# and "a 3m wall" are metres
_GLUED_THOUSAND = re.compile(r"k(?![^\W_])(?!-?\s?(?:run|race|walk)\b)")
_GLUED_MILLION = re.compile(
    r"[mM](?=-strong(?!" + _LETTER + r")|\s(?:people|voters|residents|users|viewers|visitors|customers|children"
    r"|households|homes|jobs|workers|migrants|refugees|patients|cases|doses|barrels|tonnes|tons|subscribers"
    r"|downloads|copies|followers|signatures|members|passengers|deaths|votes|years)\b)")
# "a 1.5m-strong army", "a 1,000-strong crowd": the number counts the noun after "-strong"
_STRONG = re.compile(r"-strong(?!" + _LETTER + r")", re.I)
# letters only Turkish (and Azerbaijani) write among the languages the extractor reads
_TURKISH_LETTERS = re.compile("[ğışĞİŞ]")
_LEFT_GLUED = re.compile(r"[A-Za-zÀ-ɏЀ-ӿ](?:-)?$")
# a zero glued to the start of a word is the letter O mistyped ("0ведены" for "введены"), not a figure:
# no script writes a number of nothing glued to the word it counts
_ZERO_FOR_O = re.compile(r"[a-zà-ÿа-яё]{3}")


def _claim(spans: list[Span], size: int) -> tuple[list[Span], bytearray]:
    """Keep composite spans in priority order that do not overlap earlier ones."""
    taken = bytearray(size)
    kept: list[Span] = []
    for sp in spans:
        if any(taken[sp.start:sp.end]):
            continue
        taken[sp.start:sp.end] = b"\x01" * (sp.end - sp.start)
        kept.append(sp)
    return kept, taken


def _unit_after(text: str, pos: int, lang: str | None = None) -> str | None:
    """The counted noun after a number: one word, two for "political prisoners"."""
    words: list[str] = []
    while len(words) < 2:
        if pos < len(text) and "\u4e00" <= text[pos] <= "\u9fff" and not words:
            m_han = _HAN_UNIT.match(text, pos)
            if not m_han:
                return None
            noun = m_han.group(1)
            if noun[0] == "人":  # "3万人走上街头": people, not "人走"
                return "人"
            # an agent suffix completes the noun: "抗议者" protesters, "政治犯" political prisoners,
            # "工作人员" staff
            after = text[m_han.end():m_han.end() + 2]
            if after in ("人员", "人員"):
                return noun + after
            return noun + after[0] if after[:1] in ("者", "员", "員", "犯") else noun
        m = _UNIT_WORD.match(text, pos)
        if not m:
            break
        word = m.group(1)
        low = word.lower()
        if words and _SLAVIC_ADJ.search(words[0]) and _SLAVIC_VERB.search(low):
            break
        if not words and m.start(1) == pos and low in ("s", "er", "e"):
            return None  # a glued plural or ordinal ending ("40s"), not a noun
        if low in lex.UNIT_STOPWORDS:
            if words:
                break
            pos = m.end()
            if low in ("of", "de", "di", "des", "du", "d"):
                continue
            break
        words.append(low)
        pos = m.end()
        first = words[0]
        next_upper = text[pos:pos + 2].strip()[:1].isupper()
        two = len(words) == 1 and (
            _ADJ_SUFFIX.search(first) is not None or (word[:1].isupper() and next_upper)
            or (lang == "de" and word[:1].islower() and next_upper and _GERMAN_ADJ.search(first) is not None)
            or _SLAVIC_ADJ.search(first) is not None)
        if not two:
            break
    return " ".join(words) if words else None


def _scale_value(found: str, lang: str | None, table: list[tuple[str, int]] = lex.SCALES) -> int:
    low = found.lower()
    if lang in _LONG_SCALE_LANGS and low.startswith("billion"):
        return 10**12
    for pattern, mult in table:
        if re.fullmatch(pattern, found, re.I):
            return mult
    return 1


def _classify_plain(text: str, start: int, end: int, value: Decimal, raw: str, lang: str | None,
                    taken: bytearray) -> Figure | None:
    """Build the Figure for a plain number at text[start:end] from the words around it."""
    # words around the number, but never inside a span another figure already owns
    lo = max(0, start - 40)
    free_from = next((i + 1 for i in range(start - 1, lo - 1, -1) if taken[i]), lo)
    before = text[free_from:start]
    limit = next((i for i in range(end, min(len(text), end + 60)) if taken[i]), len(text))
    kind = "count"
    unit: str | None = None
    scale = 1
    qualifier: str | None = None
    pos = end

    # identifier-like: glued to letters on the left ("WW1", "MP3", "COVID-19") or long digit ids
    plain_digits = raw.isdigit()
    if raw == "0" and _ZERO_FOR_O.match(text, end):
        return None
    if _LEFT_GLUED.search(before) or (plain_digits and (len(raw) >= 7 or (len(raw) > 1 and raw[0] == "0"
                                                                              and raw.isascii()))):
        return Figure(float(value), raw, start, end, "identifier", None)

    m_cur = _CURRENCY_BEFORE.search(before)
    currency = _lookup(lex.CURRENCY_BEFORE, m_cur.group(1)) if m_cur else ""
    qual_before = before[: m_cur.start()] if m_cur else before
    m_q = _QUAL_BEFORE.search(qual_before)
    if m_q:
        qualifier = _lookup(lex.QUALIFIERS_BEFORE, m_q.group(1)) or None
    percent = _PERCENT_BEFORE.search(before) is not None

    m_abbr = _ABBREVIATED_SCALE.match(text, pos, limit)
    m_scale = None if m_abbr else _SCALE.match(text, pos, limit) or _CJK_SCALE.match(text, pos, limit)
    if m_scale and lang == "tr" and m_scale.group(1).lower() == "mil":
        m_scale = None  # Turkish "130 mil" is 130 miles, not the Spanish and Portuguese thousand
    if m_abbr:  # "10 M€", "3,5 Md€": the currency after is read below
        scale = _scale_value(m_abbr.group(1), lang, lex.ABBREVIATED_SCALES)
        pos = m_abbr.end()
    elif m_scale:
        found = m_scale.group(1)
        cjk = dict(lex.CJK_SCALES)
        scale = cjk[found] if found in cjk else _scale_value(found, lang)
        if "多" in m_scale.group(0) or "余" in m_scale.group(0):
            qualifier = qualifier or "over"
        pos = m_scale.end()
        m_next = None if found in cjk else _SCALE.match(text, pos, limit)
        next_scale = _scale_value(m_next.group(1), lang) if m_next else 1
        if m_next and next_scale > scale:  # "۳ هزار میلیارد" is three thousand billion
            scale *= next_scale
            pos = m_next.end()
    elif currency:
        m_glued = _GLUED_SCALE.match(text, pos, limit)
        m_spaced = None if m_glued else _SPACED_SCALE_AFTER_CURRENCY.match(text, pos, limit)
        if m_glued:
            scale = lex.GLUED_SCALES[m_glued.group(1).lower()]
            pos = m_glued.end()
        elif m_spaced:  # "R$ 2,5 bi", "R$ 300 mi"
            scale = _scale_value(m_spaced.group(1), lang, lex.SPACED_SCALES_AFTER_CURRENCY)
            pos = m_spaced.end()
    else:
        m_letter = _GLUED_THOUSAND.match(text, pos, limit) or _GLUED_MILLION.match(text, pos, limit)
        if m_letter:
            scale = 10**3 if m_letter.group() == "k" else 10**6
            pos = m_letter.end()

    if not percent:
        m_pct = _PERCENT_AFTER.match(text, pos, limit)
        if m_pct:
            percent = True
            pos = m_pct.end()
    if not currency and not percent:
        m_cur_after = _CURRENCY_AFTER.match(text, pos, limit)
        m_scaled = _CURRENCY_AFTER_SCALED.match(text, pos, limit) if scale != 1 else None
        if m_cur_after:
            currency = _lookup(lex.CURRENCY_AFTER, m_cur_after.group(1))
            pos = m_cur_after.end()
            m_late = _SCALE.match(text, pos, limit) if scale == 1 and len(m_cur_after.group(1)) == 1 else None
            if m_late:  # a sign between number and scale, as right-to-left texts store "$11 billion": "11$ بلین"
                scale = _scale_value(m_late.group(1), lang)
                pos = m_late.end()
        elif m_scaled:
            currency = _lookup(lex.CURRENCY_AFTER_SCALED, m_scaled.group(1))
            pos = m_scaled.end()
    m_qa = _QUAL_AFTER.match(text, pos, limit)
    if m_qa and qualifier is None:
        qualifier = _lookup(lex.QUALIFIERS_AFTER, m_qa.group(1).strip()) or None

    is_int = value == value.to_integral_value()
    if percent:
        kind = "percent"
    elif currency:
        kind, unit = "money", currency
    elif _ORDINAL.match(text, end) and is_int and scale == 1 and not text[end:end + 1].isspace():
        kind = "ordinal"
    elif scale == 1 and is_int and plain_digits and len(raw) == 4 and 1800 <= value <= 2100 \
            and qualifier is None and not _looks_counted(text, end):
        # earlier years ("1500", "1700") are far more often counts in news; they need a cue below
        kind = "year"
    elif scale == 1 and is_int and 1 <= value <= 31 and (MONTH_AFTER.match(text[end:end + 16])
                                                         or MONTH_BEFORE.search(before[-16:])):
        kind = "date"
    elif plain_digits and len(raw) == 4 and 1000 <= value <= 2100 and (
            _YEAR_CUE.search(before[-8:]) or _YEAR_AFTER.match(text, end)
            or (1300 <= value <= 1500 and HIJRI_MONTH_BEFORE.search(text, max(0, start - 24), start))):
        # "۲۲ شهریور ۱۴۰۱", "15 رمضان 1445 هـ": a hijri month or a calendar's mark makes it a year
        kind = "year"
    elif kind == "count" and plain_digits and scale == 1 and qualifier is None \
            and _labelled(text, start):
        kind = "identifier"  # "Resolution 2231", "Article 5", "Flight 370"
    if kind == "count":
        m_strong = _STRONG.match(text, pos, limit)
        unit = _unit_after(text[:limit], m_strong.end() if m_strong else pos, lang)
    total = value * scale
    if m_cur:  # the currency sign belongs to what a reader sees: "$2 billion"
        start -= len(before) - m_cur.start()
    return Figure(float(total), text[start:pos], start, pos, kind, unit, qualifier,
                  scale if scale != 1 else None)


_COUNTED = re.compile(r"\s?(?:[a-z]+(?:ers|ists|ians|ees|ies|ons)|people|persons?|personen|personnes|"
                      r"personas|persone|pessoas|человек|людей|نفر|شخص|کس|لوگ|人)\b", re.I)


def _labelled(text: str, start: int) -> bool:
    """The word right before the number is a label word ("Resolution 2231", "القرار 2231"); Arabic and
    Hebrew words may carry a clitic ("والقرار", "בסעיף")."""
    end = start
    while end > 0 and text[end - 1] in " \u00a0-–":
        end -= 1
    begin = end
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] in ".\u0654"):
        begin -= 1
    word = text[begin:end].lower()
    if begin == end or end - begin > 24:
        return False
    if word in lex.LABEL_WORDS or word.rstrip(".") in lex.LABEL_WORDS:
        return True
    clitics = "\u0600" <= word[0] <= "\u06ff" or "\u05d0" <= word[0] <= "\u05ea"
    return clitics and any(word[n:] in lex.LABEL_WORDS for n in (1, 2, 3))


def _looks_counted(text: str, end: int) -> bool:
    """A 4-digit number directly followed by a plural people-noun is a count, not a year."""
    return _COUNTED.match(text, end) is not None


def _extract(text: str, lang: str | None) -> list[Figure]:
    # Turkish text: its own letters are several in a hundred characters; a Turkish name ("Erdoğan")
    # in another language's article is far rarer
    if lang is None and len(_TURKISH_LETTERS.findall(text)) >= max(2, len(text) // 100):
        lang = "tr"
    # number words come last: digits always win a region they share
    composite, taken = _claim([*composite_spans(text), *word_spans(text)], len(text))
    figures: list[Figure] = [
        Figure(sp.value, text[sp.start:sp.end], sp.start, sp.end, sp.kind, None)
        for sp in composite if sp.kind != "skip"
    ]
    for m in CANDIDATE.finditer(text):
        start = m.start()
        if start > 0 and text[start - 1].isdigit():
            continue
        while start < m.end() and taken[start]:
            start += 1
        if start >= m.end() or not text[start].isdigit():
            continue
        parsed = parse_number(text[start:m.end()])
        if parsed is None:
            continue
        value, length = parsed
        end = start + length
        if any(taken[start:end]):
            end = start + next(i for i in range(end - start) if taken[start + i])
            stripped = text[start:end].rstrip(".,٬٫،'’ \u00a0\u202f\u2009")
            end = start + len(stripped)
            if not stripped:
                continue
            reparsed = parse_number(stripped)
            if reparsed is None:
                continue
            value, length = reparsed
            end = start + length
        fig = _classify_plain(text, start, end, value, text[start:end], lang, taken)
        if fig is not None:
            figures.append(fig)
            taken[fig.start:fig.end] = b"\x01" * (fig.end - fig.start)
        # a later number inside the same candidate run (e.g. "2017 100") starts a new search
        rest = end
        while rest < m.end() and not text[rest].isdigit():
            rest += 1
        if rest < m.end():
            figures.extend(_extract_tail(text, rest, m.end(), lang, taken))
    figures.sort(key=lambda f: f.start)
    return _share_list_scale(text, _link_ranges(text, figures))


def _extract_tail(text: str, start: int, stop: int, lang: str | None, taken: bytearray) -> list[Figure]:
    """Numbers left over in a candidate run after its valid prefix ("2017 100" -> 2017, 100)."""
    out: list[Figure] = []
    while start < stop:
        if taken[start] or not text[start].isdigit():
            start += 1
            continue
        # never read into a span a composite figure owns ("0٬0:00": the time claims "0:00")
        free = next((i for i in range(start, stop) if taken[i]), stop)
        parsed = parse_number(text[start:free].rstrip(".,٬٫،'’ \u00a0\u202f\u2009"))
        if parsed is None:
            break
        value, length = parsed
        end = start + length
        fig = _classify_plain(text, start, end, value, text[start:end], lang, taken)
        if fig is not None:
            out.append(fig)
            taken[fig.start:fig.end] = b"\x01" * (fig.end - fig.start)
            end = max(end, fig.end)
        start = end
    return out


def _link_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """Mark "1,500–2,000" as a range on the first figure; share a trailing scale ("3-4 million",
    "between 3 and 4 million") and a leading currency ("$3-4 billion")."""
    out = list(figures)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        money_first = a.kind == "money" and b.kind == "count" and a.scale is None and b.scale is not None
        if a.kind != b.kind and not (a.kind == "count" and b.kind in ("money", "percent", "date")) and not money_first:
            continue
        m = _RANGE.match(text, a.end)
        if m is None and _RANGE_CUE.search(text, max(0, a.start - 12), a.start):
            m = _RANGE_AND.match(text, a.end)
        if m is None and _RANGE_CUE_AFTER_TR.match(text, b.end):
            m = _RANGE_AND_TR.match(text, a.end)
        if m is None or m.end() != b.start:
            continue
        value = a.value
        if a.scale is None and b.scale is not None and a.value < 1000:
            value = a.value * b.scale
        connector = m.group().strip(" -–—־").lower()
        unit = b.unit if a.unit is None or a.unit == connector else a.unit
        if money_first:  # "$3-4 billion": the second end is money too
            out[i + 1] = b = Figure(b.value, b.raw, b.start, b.end, "money", a.unit, b.qualifier, b.scale)
            unit = a.unit
        out[i] = Figure(value, a.raw, a.start, a.end, b.kind if a.kind == "count" else a.kind,
                        unit, a.qualifier, b.scale if value != a.value else a.scale, b.value)
    return out


# between the items of a list: a separator or a conjunction, at most a few words ("CBS had 3.1, NBC 2.94
# and CNN 2.52 million"), never a sentence end or a line break
_LIST_GAP = re.compile(r"[^.!?؟。\n\d]{1,40}")
_LIST_JOIN = re.compile(
    r"[,،、，;؛]|(?<!" + _LETTER + r")"
    r"(?:and|or|et|ou|und|oder|y|o|e|и|или|і|або|та|ve|veya|ile|و|یا|او|اور|או|और|या|和|及|或)"
    r"(?!" + _LETTER + r")|^\s?ו", re.I)


def _share_list_scale(text: str, figures: list[Figure]) -> list[Figure]:
    """A scale word closing a list applies to the bare decimals before it: "3.1 million, 2.94, 2.89
    and 2.52 million viewers", "$1.2, $1.5 and $2 billion". Only numbers with a fraction inherit it
    (a bare "2.94" counts nothing by itself), and only when they count no noun of their own ("5.6 points
    and 2.6 million fans") or are money in the same currency; a currency closing the list is theirs too."""
    out = list(figures)
    for j in range(len(out) - 1, 0, -1):
        last = out[j]
        if last.scale is None or last.kind not in ("count", "money"):
            continue
        i = j
        while i > 0:
            a, right = out[i - 1], out[i]
            gap = text[a.end:right.start]
            bare = a.unit is None if a.kind == "count" else (a.kind == "money" and a.unit == last.unit)
            if (not bare or a.scale is not None or a.range_end is not None
                    or a.value == int(a.value) or a.value >= 1000
                    or _LIST_GAP.fullmatch(gap) is None or _LIST_JOIN.search(gap) is None):
                break
            # the currency closing the list is every item's ("3.1, 2.94 and 2.52 million dollars")
            kind, unit = ("money", last.unit) if last.kind == "money" else (a.kind, a.unit)
            value = float(Decimal(str(a.value)) * last.scale)  # 2.01 * 10**6 is 2009999.9999999998 in floats
            out[i - 1] = Figure(value, a.raw, a.start, a.end, kind, unit, a.qualifier, last.scale, None)
            i -= 1
    return out


def extract_figures(text: str, lang: str | None = None) -> list[Figure]:
    """All figures in ``text`` in order of appearance; never raises (bad input gives [])."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _extract(text, lang)
    except (ValueError, ArithmeticError, IndexError, KeyError, StopIteration):
        return []
