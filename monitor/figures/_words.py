"""Numbers written as words where translations spell out what English writes in digits.

Chinese numerals (三十, 两百五十, 二〇一八年, 下午三点) and Arabic/Urdu number words (ages, teens, tens,
decades). Small numbers stay unread: English spells one to nine out too, so reading them adds noise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from monitor.figures._numbers import Span

_ZH_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_ZH_RUN = re.compile("[零〇○一二两兩三四五六七八九十百千万萬亿億]+")
# words built from numeral characters that are not numbers ("十分" = very, "万一" = in case,
# "千万" = by all means, "一一" = one by one); a preceding 几/数/第 makes a vague or ordinal amount
_ZH_IDIOMS = ("十分", "万一", "萬一", "千万", "千萬", "一一", "百万富", "三三两两", "一二")
_ZH_VAGUE_BEFORE = frozenset("几幾数數")
_ZH_PM = ("下午", "晚上", "傍晚")
_ZH_MINUTES = re.compile("([零〇一二两三四五六七八九十]+)分|(半)")
_ZH_ANY_TIME = ("上午", "下午", "晚上", "凌晨", "早上", "中午", "傍晚")


def zh_value(run: str) -> int | None:
    """The value of a Chinese numeral ("三万五千" -> 35000, "十五" -> 15), or None if malformed."""
    if all(c in _ZH_DIGITS for c in run):  # digit-by-digit, as years are written: 二〇一八
        return int("".join(str(_ZH_DIGITS[c]) for c in run)) if len(run) > 1 else _ZH_DIGITS[run]
    total, section, digit = 0, 0, None
    for c in run:
        if c in _ZH_DIGITS:
            if digit is not None and _ZH_DIGITS[c] != 0 and digit != 0:
                return None  # two digits in a row inside a positional number
            digit = _ZH_DIGITS[c]
        elif c in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[c]
            digit = None
        else:
            if digit is None and section == 0 and total == 0:
                return None
            total = (total + section + (digit or 0)) * _ZH_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def _zh_spans(text: str) -> Iterator[Span]:
    for m in _ZH_RUN.finditer(text):
        run, start, end = m.group(), m.start(), m.end()
        before, after = text[max(0, start - 3):start], text[end:end + 3]
        if any(text.startswith(idiom, i) for idiom in _ZH_IDIOMS for i in range(max(0, start - 1), end)):
            continue
        value = zh_value(run)
        if value is None:
            continue
        digitwise = all(c in _ZH_DIGITS for c in run)
        if after[:1] in ("点", "點", "时"):
            if any(before.endswith(cue) for cue in _ZH_ANY_TIME) and value <= 12:
                hour = value + 12 if any(before.endswith(cue) for cue in _ZH_PM) and value < 12 else value
                m_min = _ZH_MINUTES.match(text, end + 1)
                minutes = 0 if m_min is None else 30 if m_min.group(2) else zh_value(m_min.group(1)) or 0
                stop = end + 1 if m_min is None else m_min.end()
                if minutes < 60:
                    yield Span(start, stop, round(hour + minutes / 60, 6), "time")
            continue
        if after.startswith("月"):
            if not after.startswith("月份") or value > 12:
                yield Span(start, end, 0.0, "skip")  # a month is a name in other languages
            continue
        if after.startswith("年代") and not digitwise and value in range(10, 100, 10):
            yield Span(start, end + 2, float(1900 + value), "year")
            continue
        if after.startswith("年") and digitwise and len(run) == 4:
            yield Span(start, end, float(value), "year")
            continue
        if before.endswith("百分之") and not digitwise:
            yield Span(start - 3, end, float(value), "percent")
            continue
        if digitwise or len(run) < 2 or run[0] in "百千万萬亿億" or value < 10:
            continue
        if before[-1:] in _ZH_VAGUE_BEFORE:
            continue
        yield Span(start, end, float(value), "count")


def word_spans(text: str) -> Iterator[Span]:
    """Figures written as number words, as composite spans (lower priority than digit patterns)."""
    yield from _zh_spans(text)
