"""Reading digit runs in any script: grouping and decimal separators, and composite patterns.

Composite patterns (times, dates, phone numbers, decades) are found first and claim their span,
so the plain-number pass never splits "11:15" or "30.09.2018" into separate counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from monitor.figures._lexicon import HIJRI_MONTHS, MONTHS, MONTHS_WITH_YEAR, TIME_CUES
from monitor.normalize import digits_to_ascii

# A run of digits with single separator characters between digit groups; \d is Unicode-aware
# (Latin, Persian, Arabic-Indic, Devanagari, full-width ... digits).
CANDIDATE = re.compile(r"\d+(?:[.,٬٫،'’ \u00a0\u202f\u2009]\d+)*")
_GROUPING_ONLY = frozenset("'’ \u00a0\u202f\u2009")
_DECIMAL_ONLY = frozenset("٫")
# the Arabic thousands sign and comma are also written as decimal marks ("۲٬۵۲ میلیون" = 2.52 million)
_EITHER = frozenset(".,،٬")


@dataclass(frozen=True, slots=True)
class Span:
    """A composite figure found by a pattern pass (time, date part, year, phone, decade)."""

    start: int
    end: int
    value: float
    kind: str


def _interpret(groups: list[str], seps: list[str]) -> str | None:
    """The plain decimal string for digit groups joined by separators, or None if invalid."""
    if not seps:
        return groups[0]
    first = groups[0]

    def grouping(gs: list[str], ss: list[str]) -> bool:
        return (len(set(ss)) == 1 and ss[0] not in _DECIMAL_ONLY and 1 <= len(gs[0]) <= 3
                and all(len(g) == 3 for g in gs[1:]) and not (gs[0] == "0" and ss[0] in _EITHER))

    if grouping(groups, seps):
        return "".join(groups)
    last = seps[-1]
    if last in _GROUPING_ONLY:
        return None
    head_groups, head_seps = groups[:-1], seps[:-1]
    if head_seps and (last in head_seps or not grouping(head_groups, head_seps)):
        return None
    if not head_seps and len(first) > 1 and first.startswith("0"):
        return None
    return "".join(head_groups) + "." + groups[-1]


def parse_number(raw: str) -> tuple[Decimal, int] | None:
    """Value and consumed length of the longest valid number at the start of ``raw``."""
    parts = re.split(r"(\D)", raw)
    groups, seps = [digits_to_ascii(g) for g in parts[0::2]], parts[1::2]
    for k in range(len(groups), 0, -1):
        plain = _interpret(groups[:k], seps[: k - 1])
        if plain is not None:
            length = sum(len(g) for g in parts[0 : 2 * k - 1])
            try:
                return Decimal(plain), length
            except InvalidOperation:
                return None
    return None


def _num(s: str) -> int:
    return int(digits_to_ascii(s))


_D = r"(?<![\d.,:/])"  # a number starts here, not inside another
_AMPM = r"(?:\s?(a\.m\.|p\.m\.|am|pm|AM|PM)(?!\w))"
_TIME_COLON = re.compile(_D + r"(\d{1,2})[:：](\d{2})(?![\d:])" + _AMPM + "?")
_TIME_H = re.compile(_D + r"(\d{1,2})(?:\.|\s?h\s?)(\d{2})(?!\d)(?:" + _AMPM + r"|\s?(Uhr|h|बजे|بجے|بجو)(?!\w))?")
_TIME_HOUR = re.compile(_D + r"(\d{1,2})(?:" + _AMPM + r"|\s?(Uhr|h|ч\.)(?![\w/]))")
_TIME_CUE = re.compile(TIME_CUES, re.I)
# "at 0.25pc", "at 5.30%": a percent sign or word after the number outweighs the "at" before it
_PERCENT_NEXT = re.compile(r"\s?(?:[%％٪]|pc(?![^\W\d_])|per\s?cent)")
_PM_AFTER = (r"مساءً|مساءا|مساء|بعد\s?از\s?ظهر|بعدازظهر|عصر|ئێوارە|دوای\s?نیوەڕۆ|شام|شب"
             r"|час(?:а|ов)?\s(?:дня|вечера)|годин[иа]?\s(?:дня|вечора)"
             # European parts of the day after a clock time ("las 5.30 de la tarde", "alle 4 del pomeriggio")
             r"|(?:de\sla|de\sl['’]|da|del|dell['’]|della|di|du|de)\s?(?:tarde|pomeriggio|après-midi|soir|sera)"
             r"|nachmittags|abends|вечера|вечора")
_AM_AFTER = (r"صباحًا|صباحاً|صباحا|صباح|صبح|بەیانی|утра|ранку|sabah"
             r"|(?:de\sla|da|del|di|du)\s(?:mañana|manhã|mattina|mattino|matin)|morgens")
_PM_BEFORE = r"दोपहर|शाम|رات|شام|دوپہر|سہ\s?پہر|ماسپ[ښش][یي]ن|öğleden\s?sonra|下午|晚上|בערב|אחר\s?הצהריים"
_AM_BEFORE = r"सुबह|صبح|سهار|上午|早上|凌晨|בבוקר"
_CLOCK_AFTER = r"बजे|بجے|بجو|o['’]clock|Uhr|uur"
_BIDI_GAP = r"[ \u00a0\u200b-\u200f\u2066-\u2069\u061c]{0,4}"  # spaces and direction marks
_TIME_WORDS = re.compile(
    r"(?:(?P<pre>" + _AM_BEFORE + "|" + _PM_BEFORE + r")\s?(?:(?:ساعت|الساعة|saat|په|को|د)\s?){0,2})?"
    r"(?<![\d.,:/])(?P<h>\d{1,2})(?:[.:：]\s?(?P<m>\d{2}))?(?![\d.,]\d)(?:['’]\w{1,3}|ی)?" + _BIDI_GAP
    + r"(?:(?:ساعت|kl\.)\s?)?(?:(?P<post>" + _AM_AFTER + "|" + _PM_AFTER + "|" + _CLOCK_AFTER
    + r")(?:ی|ي)?(?![^\W\d_]))?", re.I)  # a whole word ("۶ شبکه" is six networks), ezafe allowed
_IS_PM = re.compile(_PM_AFTER + "|" + _PM_BEFORE, re.I)
_ZH_TO = frozenset(["到", "至", "-", "–", "~", "～"])
_TIME_ZH = re.compile(r"(上午|下午|晚上|凌晨|早上|中午|傍晚)?\s*(\d{1,2})\s*[点點時时](?:\s*(\d{1,2})\s*分|(半))?")
_YEAR_RANGE = re.compile(_D + r"(\d{2})(\d{2})\s?[-–]\s?(\d{2})(?![\d.,]?\d)")
# right-to-left texts often store "1950-53" as "53-1950"
_YEAR_RANGE_RTL = re.compile(_D + r"(\d{2})\s?[-–]\s?(\d{2})(\d{2})(?![\d.,]?\d)")
# fashion seasons ("SS19", "AW20") name a year; translations write it out ("primavera-estate 2019")
_SEASON = re.compile(r"(?<![A-Za-z])(?:SS|AW|FW|PF|PE|AH|PV)(\d{2})(?!\d)")
_GAME_CLOCK_ZH = re.compile(r"(\d{1,3})\s*分\s*(\d{1,2})\s*秒")
_DATE_NUMERIC = re.compile(_D + r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d.,/]?\d)")
_DATE_ISO = re.compile(_D + r"(\d{4})-(\d{2})-(\d{2})(?!\d)")
# year first with slashes or dots, as Iranian and Arab papers write dates: "۱۴۰۲/۱۰/۱۵", "١٤٤٥/٠٩/١٥"
_DATE_YMD = re.compile(_D + r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d.,/]?\d)")
# three or more dotted groups that are no thousands grouping: a version or an address ("2.0.1", "192.168.1.1")
_DOTTED = re.compile(_D + r"\d+(?:\.\d+){2,}(?!,?\d)")
_DATE_ZH = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份|\s*(\d{1,2})\s*[日号號])?")
_YEAR_ZH = re.compile(_D + r"(\d{4})\s*年(?!代)")
_ZERO = "[0٠۰०０]"  # zero in every digit script the extractor reads
_GAP = r"[ \u00a0\u202f]"
_PHONE = re.compile(
    r"(?<![\w.,])(?<!\d" + _GAP + r")(?:\+\d{1,3}[ \-\u00a0]?)?"
    r"(?:\(" + _ZERO + r"\d{1,4}\)|" + _ZERO + r"\d{2,4})[ \-\u00a0\u202f]?\d{3,4}[ \-\u00a0\u202f]?\d{3,4}(?!\d)")
# right-to-left texts may store the groups of "0800 555 111" in reverse order: "111 555 0800"
_PHONE_RTL = re.compile(r"(?<![\w.,])(?<!\d" + _GAP + r")\d{3,4}" + _GAP + r"\d{3,4}" + _GAP + _ZERO
                        + r"\d{3,4}(?![\d.,]?\d)")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_FRACTION_MARK = re.compile("[½¼¾⅓⅔/]")
_FRACTION = re.compile(
    r"(?<![\d.,/])(?:(?P<w1>\d{1,3})\s?(?P<v1>[½¼¾⅓⅔])|(?P<v2>[½¼¾⅓⅔])(?P<w2>\d{1,3})(?![\d.,/]?\d)"
    r"|(?P<w3>\d{1,3})\s(?P<num>\d)/(?P<den>\d)(?![\d.,/]?\d))")
_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"'»”)]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_MARKUP_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>\n]{0,200})?/?>")
_DECADE_ZH = re.compile(r"(\d{2})\s*世纪\s*(\d0)\s*年代")
_DECADE_WORD = re.compile(
    r"(?:años|anni|années|anos|שנות\sה|decade\sof\sthe)\s?-?\s?['‘’]?\s?(\d0)(?!\d)"
    r"|(?<!\d)(\d0)\s?(?:-е|-х|-ті|-х\sроків)\s?(?:годы|годах|годов|роки|років|роках)?"
    r"|(?<!\d)(\d{3}0|\d0)er(?=\s?-?Jahre)"
    r"|(?<![\d.,])['‘’]?(\d{3}0|\d0)['’]?s(?!\w)",
    re.I,
)
# Hebrew "בשנות ה-40 לחייו" is "in his forties" (an age), not the 1940s
_AGE_AFTER = re.compile(r"\s?(?:לחייו|לחייה|לחייהם|de\s(?:sa|su)\svida|anni\sdi\svita)")
_AGE_BEFORE = re.compile(r"(?:his|her|their|my|your|our|early|late|mid-?)\s*$", re.I)
# Every Chinese pattern needs one of these characters: a text without any skips their scans.
_ZH_MARKS = re.compile("[点點時时分秒月年纪]")
_ANY_DIGIT = "[0-9\u06f0-\u06f9\u0660-\u0669]"
# Pashto puts "of" between day and month: "۲۲ د وږي"
MONTH_AFTER = re.compile(r"^\s?(?:\.|th|st|nd|rd|er|de|of)?\s?(?:de\s|of\s|د\s)?(?:" + MONTHS + r"|(?:"
                         + MONTHS_WITH_YEAR + r")(?=\s?" + _ANY_DIGIT + r"{4}))(?![^\W\d_])", re.I)
# an Afghan month that is a common word too counts only after a day: "۲۵ اسد"
_DAY_AND_MONTH_WITH_YEAR = _ANY_DIGIT + r"{1,2}\s(?:" + MONTHS_WITH_YEAR + r")\s?$"
MONTH_BEFORE = re.compile(r"(?<![^\W\d_])(?:" + MONTHS + r")\.?,?\s?$|" + _DAY_AND_MONTH_WITH_YEAR, re.I)
# a month of the hijri calendars right before a number: "۲۲ شهریور ۱۴۰۱" (the number is then its year)
HIJRI_MONTH_BEFORE = re.compile(r"(?<![^\W\d_])(?:" + HIJRI_MONTHS + r")\s?$|" + _DAY_AND_MONTH_WITH_YEAR)


# Where the digit patterns' matches can start. Each pattern below begins with its digits and a
# lookbehind that no digit (or no word character) precedes them, so a match starts where a run of
# digits does (_SEASON: two letters earlier; _PHONE: also at "+" or "("): trying the pattern only
# there finds exactly what a scan of every position finds, for a fraction of the cost.
_RUN_START = re.compile(r"(?<!\d)\d")
_PHONE_START = re.compile(r"[+(]|(?<!\d)\d")
# Every _DECADE_WORD match holds a digit followed by 0, at most this far from its start
# ("decade of the '90s": 13 letters, up to 5 spaces, dashes and quotes)
_DECADE_ANCHOR = re.compile(r"(?=\d0)")
_DECADE_REACH = 20


def _near(anchor: re.Pattern[str], text: str, reach: int) -> list[int]:
    """The positions at most ``reach`` before an ``anchor`` match, ascending."""
    out: set[int] = set()
    for m in anchor.finditer(text):
        out.update(range(max(0, m.start() - reach), m.start() + 1))
    return sorted(out)


def _matches_at(rx: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern (never matching empty) whose matches can only start at
    ``starts`` (ascending): the same leftmost, non-overlapping matches, tried only there."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = rx.match(text, start)
        if m is not None:
            end = m.end()
            yield m


def _hours(h: int, m: int, ampm: str | None) -> float | None:
    if ampm:
        if h > 12:
            return None
        pm = ampm.lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    if h > 24 or m > 59:
        return None
    return round(h + m / 60, 6)


def composite_spans(text: str) -> Iterator[Span]:
    """Times, numeric and CJK dates, phone numbers and decades, each with its value and kind.

    Spans may overlap; the caller keeps the first that claims a region (order = priority).
    A month written as a number yields no figure (translations write it as a name), so a
    ``Span`` with kind "skip" claims it without producing a figure.
    """
    for m in _MARKUP_TAG.finditer(text) if "<" in text else ():  # '<seg id="3">' left in a text is markup, not a figure
        yield Span(m.start(), m.end(), 0.0, "skip")
    # addresses are no text a reader reads figures in: "https://example.com/2021/04/14/story-4829301"
    for m in _ADDRESS.finditer(text) if "://" in text or "www." in text or "@" in text else ():
        yield Span(m.start(), m.end(), 0.0, "skip")
    # "14½", "١٣ ١/٢", and "½14" as right-to-left texts store it
    for m in _FRACTION.finditer(text) if _FRACTION_MARK.search(text) else ():
        whole = m.group("w1") or m.group("w2") or m.group("w3")
        if m.group("num"):
            num, den = _num(m.group("num")), _num(m.group("den"))
            if not 0 < num < den:
                continue
            part = num / den
        else:
            part = _VULGAR[m.group("v1") or m.group("v2")]
        yield Span(m.start(), m.end(), round(_num(whole) + part, 6), "count")
    runs = [m.start() for m in _RUN_START.finditer(text)]
    for m in _matches_at(_PHONE, text, [m.start() for m in _PHONE_START.finditer(text)]):
        digits = re.sub(r"\D", "", digits_to_ascii(m.group()))
        if len(digits) >= 8:
            yield Span(m.start(), m.end(), float(digits), "identifier")
    for m in _matches_at(_PHONE_RTL, text, runs):
        groups = re.split(r"\s", digits_to_ascii(m.group()))
        yield Span(m.start(), m.end(), float("".join(reversed(groups))), "identifier")
    for m in _matches_at(_DATE_ISO, text, runs):
        mon, day = int(m.group(2)), int(m.group(3))
        if 1 <= mon <= 12 and 1 <= day <= 31:
            yield Span(m.start(1), m.end(1), float(_num(m.group(1))), "year")
            yield Span(m.end(1), m.start(3), 0.0, "skip")
            yield Span(m.start(3), m.end(3), float(day), "date")
    for m in _matches_at(_DATE_YMD, text, runs):
        year, mon, day = _num(m.group(1)), _num(m.group(3)), _num(m.group(4))
        if 1 <= mon <= 12 and 1 <= day <= 31 and (1300 <= year <= 1500 or 1800 <= year <= 2100):
            yield Span(m.start(1), m.end(1), float(year), "year")
            yield Span(m.end(1), m.start(4), 0.0, "skip")
            yield Span(m.start(4), m.end(4), float(day), "date")
    for m in _matches_at(_DATE_NUMERIC, text, runs):
        a, b, y = _num(m.group(1)), _num(m.group(3)), m.group(4)
        if not (1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12):
            continue
        day_group = 3 if a <= 12 < b else 1
        year = _num(y) if len(y) == 4 else 2000 + _num(y) if _num(y) < 50 else 1900 + _num(y)
        month_group = 1 if day_group == 3 else 3
        yield Span(m.start(day_group), m.end(day_group), float(_num(m.group(day_group))), "date")
        yield Span(m.start(month_group), m.end(month_group), 0.0, "skip")
        yield Span(m.start(4), m.end(4), float(year), "year")
    for m in _matches_at(_DOTTED, text, runs):
        groups = m.group().split(".")
        if not all(len(g) == 3 for g in groups[1:]):  # "1.500.000" is a number
            yield Span(m.start(), m.end(), float("".join(digits_to_ascii(g) for g in groups)), "identifier")
    # before the digit times with a part of the day: "下午3点30分" is 15:30 as one span, not 15 and a count of 30
    # the end of a span of hours keeps the start's part of the day: "下午3点到5点" is 15:00 to 17:00
    prev_end, prev_pm = -1, False
    for m in _TIME_ZH.finditer(text):
        h, mins = _num(m.group(2)), _num(m.group(3)) if m.group(3) else 30 if m.group(4) else 0
        range_end = not m.group(1) and prev_end >= 0 and text[prev_end:m.start(2)].strip() in _ZH_TO
        pm = m.group(1) in ("下午", "晚上", "傍晚") or (range_end and prev_pm)
        if pm and h < 12:
            h += 12
        v = _hours(h, mins, None)
        if v is not None and (m.group(1) or m.group(3) or m.group(4) or range_end):
            yield Span(m.start(2), m.end(), v, "time")
            prev_end, prev_pm = m.end(), pm
    for m in _TIME_WORDS.finditer(text):
        pre, post = m.group("pre"), m.group("post")
        if not (pre or post):
            continue
        h, mins = _num(m.group("h")), _num(m.group("m")) if m.group("m") else 0
        if (pre and _IS_PM.fullmatch(pre)) or (post and _IS_PM.fullmatch(post)):
            h = h + 12 if h < 12 else h
        v = _hours(h, mins, None)
        if v is not None:
            yield Span(m.start("h"), m.end(), v, "time")
    for m in _matches_at(_TIME_COLON, text, runs):
        v = _hours(_num(m.group(1)), _num(m.group(2)), m.group(3))
        if v is None and not m.group(3) and _num(m.group(2)) < 60:
            # "a goal on 27:37" is a match clock (minutes:seconds), read as "27分37秒" is
            v = round(_num(m.group(1)) + _num(m.group(2)) / 60, 6)
        if v is not None:
            yield Span(m.start(), m.end(), v, "time")
    for m in _matches_at(_TIME_H, text, runs):
        ampm, clock = m.group(3), m.group(4)
        h_sep = "h" in text[m.end(1):m.start(2)]  # "07h55", "11 h 15"
        cue = _TIME_CUE.search(text, max(0, m.start() - 12), m.start()) is not None \
            and _PERCENT_NEXT.match(text, m.end()) is None
        if h_sep or ampm or clock or cue:
            v = _hours(_num(m.group(1)), _num(m.group(2)), ampm)
            if v is not None:
                yield Span(m.start(), m.end(), v, "time")
    for m in _matches_at(_TIME_HOUR, text, runs):
        v = _hours(_num(m.group(1)), 0, m.group(2))
        if v is not None:
            yield Span(m.start(), m.end(), v, "time")
    for m in _matches_at(_YEAR_RANGE, text, runs):  # "1950-53": the second year keeps the first's century
        first, second = _num(m.group(1) + m.group(2)), _num(m.group(1) + m.group(3))
        if 1000 <= first < second <= 2100:
            yield Span(m.start(1), m.end(2), float(first), "year")
            yield Span(m.start(3), m.end(3), float(second), "year")
    for m in _matches_at(_YEAR_RANGE_RTL, text, runs):
        first, second = _num(m.group(2) + m.group(3)), _num(m.group(2) + m.group(1))
        if 1000 <= first < second <= 2100:
            yield Span(m.start(1), m.end(1), float(second), "year")
            yield Span(m.start(2), m.end(3), float(first), "year")
    for m in _matches_at(_SEASON, text, [k - 2 for k in runs if k >= 2]):
        yield Span(m.start(), m.end(), float(2000 + _num(m.group(1))), "year")
    if _ZH_MARKS.search(text):
        yield from _zh_composites(text)
    for m in _matches_at(_DECADE_WORD, text, _near(_DECADE_ANCHOR, text, _DECADE_REACH)):
        g = next(i for i in range(1, 5) if m.group(i))
        d = _num(m.group(g))
        if d >= 1000:
            yield Span(m.start(), m.end(), float(d), "year")
        elif (g == 4 and _AGE_BEFORE.search(text, max(0, m.start() - 12), m.start())) or \
                _AGE_AFTER.match(text, m.end()):
            # "in his 40s" is an age: the plain-number pass reads it as a count
            if g == 1:
                yield Span(m.start(), m.start(g), 0.0, "skip")
            continue
        else:
            yield Span(m.start(), m.end(), float(1900 + d), "year")


def _zh_composites(text: str) -> Iterator[Span]:
    for m in _GAME_CLOCK_ZH.finditer(text):  # "3分35秒" reads like the "3:35" of a match clock
        yield Span(m.start(), m.end(), round(_num(m.group(1)) + _num(m.group(2)) / 60, 6), "time")
    for m in _DATE_ZH.finditer(text):
        if m.group(1):
            yield Span(m.start(1), m.end(1), float(_num(m.group(1))), "year")
        yield Span(m.start(2), m.end(2), 0.0, "skip")
        if m.group(3):
            yield Span(m.start(3), m.end(3), float(_num(m.group(3))), "date")
    for m in _YEAR_ZH.finditer(text):
        yield Span(m.start(1), m.end(1), float(_num(m.group(1))), "year")
    for m in _DECADE_ZH.finditer(text):
        yield Span(m.start(), m.end(), float((_num(m.group(1)) - 1) * 100 + _num(m.group(2))), "year")
