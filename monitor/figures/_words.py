"""Numbers written as words, where one side spells out what the other writes in digits.

Chinese numerals; number words from eleven up in Arabic-script languages, Hebrew, Hindi and (via
_tens) European languages and Turkish; any number word before a scale word ("six million"); scores
with nil; Roman-numeral centuries; hours with a part of the day and ages by decade. One to ten alone
stay unread (both sides spell them out too often: measured in benchmarks/figures_eval.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from monitor.figures import _lexicon as lex
from monitor.figures._numbers import Span
from monitor.figures._tens import (
    TENS_PREFIXES,
    TENS_WORD_VALUES,
    candidate_words,
    match_at_words,
    tens_word_spans,
    word_prefixes,
    word_value,
)

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
            m_min = _ZH_MINUTES.match(text, end + 1)
            # an hour needs a part of the day before it or minutes after it ("三点十五分")
            if (any(before.endswith(cue) for cue in _ZH_ANY_TIME) or m_min) and value <= 24:
                hour = value + 12 if any(before.endswith(cue) for cue in _ZH_PM) and value < 12 else value
                minutes = 0 if m_min is None else 30 if m_min.group(2) else zh_value(m_min.group(1)) or 0
                stop = end + 1 if m_min is None else m_min.end()
                if minutes < 60:
                    yield Span(start, stop, round(hour + minutes / 60, 6), "time")
            continue
        if before.endswith("月") and after[:1] in ("日", "号", "號") and 1 <= value <= 31:
            yield Span(start, end, float(value), "date")  # "十月一日": the day of a date in words
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


_HAS_HAN = re.compile("[零〇一二两兩三四五六七八九十百千万萬亿億]")
_HAS_ARABIC = re.compile("[\u0600-\u06ff]")


def word_spans(text: str) -> Iterator[Span]:
    """Figures written as number words, as composite spans (lower priority than digit patterns)."""
    candidates = candidate_words(text, _CANDIDATE_PREFIXES)
    yield from _day_word_spans(text, candidates)
    if _HAS_HAN.search(text):
        yield from _zh_spans(text)
    if _HAS_ARABIC.search(text):
        yield from _arabic_spans(text)
    yield from _clock_word_spans(text, candidates)
    for m in _AGE_DECADE.finditer(text):
        decade = next(g for g in m.groups() if g)
        yield Span(m.start(), m.end(), float(word_value(_AGE_DECADE_VALUE, decade[:4])), "count")
    yield from _scaled_word_spans(text, candidates)
    yield from _fraction_of_scale_spans(text)
    yield from tens_word_spans(text, candidates)
    if _HAS_HEBREW.search(text):
        yield from _hebrew_spans(text)
    if _HAS_DEVANAGARI.search(text):
        for m in _HI_NUMBER.finditer(text):
            yield Span(m.start(), m.end(), float(_HI_VALUES[m.group(0)]), "count")
    for m in _ROMAN_CENTURY.finditer(text):
        numeral = m.group("a") or m.group("b")
        value = roman_value(numeral)
        # "los años 30 del siglo XX" is one year figure, the 1930s
        if value and not _DECADE_OF.search(text, max(0, m.start() - 16), m.start()):
            start = m.start("a") if m.group("a") else m.start("b")
            yield Span(start, start + len(numeral), float(value), "ordinal")


_AR_LETTER = "\u0600-\u06ff\u0750-\u077f\u200c"
_AR_UNITS: dict[int, tuple[str, ...]] = {
    1: ("واحد", "واحدة", "حادي", "حادية", "إحدى", "احدى"),
    2: ("اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي", "ثاني", "ثانية"),
    3: ("ثلاث", "ثلاثة", "ثالث", "ثالثة"), 4: ("أربع", "أربعة", "اربع", "اربعة", "رابع", "رابعة"),
    5: ("خمس", "خمسة", "خامس", "خامسة"), 6: ("ست", "ستة", "سادس", "سادسة"),
    7: ("سبع", "سبعة", "سابع", "سابعة"), 8: ("ثمان", "ثماني", "ثمانية", "ثامن", "ثامنة"),
    9: ("تسع", "تسعة", "تاسع", "تاسعة"),
}
_AR_TENS: dict[int, tuple[str, ...]] = {
    20: ("عشرون", "عشرين"), 30: ("ثلاثون", "ثلاثين"), 40: ("أربعون", "أربعين", "اربعون", "اربعين"),
    50: ("خمسون", "خمسين"), 60: ("ستون", "ستين"), 70: ("سبعون", "سبعين"), 80: ("ثمانون", "ثمانين"),
    90: ("تسعون", "تسعين"),
}
# Urdu 11-99 are single words; words that are also common non-number words are left out
# (چون, ستر "veil", بہتر "better", اسی "this very": "-" keeps their places)
_UR_WORDS = (  # noqa: SIM905 - a list literal of 89 words would be unreadable
    "گیارہ بارہ تیرہ چودہ پندرہ سولہ سترہ اٹھارہ انیس بیس اکیس بائیس تئیس چوبیس پچیس چھبیس ستائیس اٹھائیس"
    " انتیس تیس اکتیس بتیس تینتیس چونتیس پینتیس چھتیس سینتیس اڑتیس انتالیس چالیس اکتالیس بیالیس تینتالیس"
    " چوالیس پینتالیس چھیالیس سینتالیس اڑتالیس انچاس پچاس اکاون باون ترپن - پچپن چھپن ستاون اٹھاون انسٹھ"
    " ساٹھ اکسٹھ باسٹھ ترسٹھ چونسٹھ پینسٹھ چھیاسٹھ سڑسٹھ اڑسٹھ انہتر - اکہتر - تہتر چوہتر پچہتر چھہتر"
    " ستتر اٹھہتر اناسی - اکیاسی بیاسی تراسی چوراسی پچاسی چھیاسی ستاسی اٹھاسی نواسی نوے اکانوے بانوے"
    " ترانوے چورانوے پچانوے چھیانوے ستانوے اٹھانوے ننانوے"
).split()
_UR_VALUES = {w: i + 11 for i, w in enumerate(_UR_WORDS) if w != "-"}


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_AR_UNIT_RX = _alt(w for ws in _AR_UNITS.values() for w in ws)
_AR_TENS_RX = _alt(w for ws in _AR_TENS.values() for w in ws)
_AR_PREFIX = r"(?:[وف]?[بلك]?(?:ال|ل)?)"
_AR_NUMBER = re.compile(
    r"(?<![" + _AR_LETTER + r"])" + _AR_PREFIX
    + r"(?:(?P<u>" + _AR_UNIT_RX + r")\s(?:(?P<teen>(?:ال)?عشرة?)|و\s?(?:ال)?(?P<t>" + _AR_TENS_RX + r"))"
    + r"|(?P<tens>" + _AR_TENS_RX + r")(?P<decade>ي{0,2}ات)?"
    + r"|(?P<ur>" + _alt(_UR_VALUES) + r"))(?![" + _AR_LETTER + r"])")
_AR_UNIT_VALUE = {w: v for v, ws in _AR_UNITS.items() for w in ws}
_AR_TENS_VALUE = {w: v for v, ws in _AR_TENS.items() for w in ws}


_FA_UNITS = {"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9}
_FA_TEENS = {"یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "شانزده": 16,
             "هفده": 17, "هفتده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19}
_FA_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
_FA_ORDINAL = r"(?:مین|م|ساله|سالگی)?"
# Persian tens and teens ("چهل و چهارمین" = 44th); "ده" (10) is also "village" and "I give" (دهم),
# and "سی" alone (30) is also a letter name, so they are left out
_FA_NUMBER = re.compile(
    r"(?<![" + _AR_LETTER + r"])(?:(?P<tens>" + _alt(_FA_TENS) + r")(?:\s?و\s?(?P<unit>" + _alt(_FA_UNITS)
    + r"))?|(?P<teen>" + _alt(_FA_TEENS) + r"))(?P<suffix>" + _FA_ORDINAL + r")(?![" + _AR_LETTER.replace("\u200c", "")
    + r"])")
# Persian hundreds ("دویست", "سیصد"), and "صد" only as an ordinal ("صدمین سالگرد" = 100th anniversary):
# alone it is also the second half of "در صد" (percent)
_FA_HUNDRED_VALUES = {w: 100 * (i + 1) for i, w in enumerate(
    ["صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"])} | {"یکصد": 100}
_FA_HUNDREDS = re.compile(
    r"(?<![" + _AR_LETTER + r"])(" + _alt(_FA_HUNDRED_VALUES) + r")(مین|م)?(?![" + _AR_LETTER.replace("\u200c", "")
    + r"])")
_KURDISH_ONLY = re.compile("[ەێۆڵڕڤ]")
_PASHTO_ONLY = re.compile("[ټډړږښځڅېۍګڼ]")
# Sorani Kurdish and Pashto teens and tens (Pashto "نوي" = 90 is also "new" and Kurdish "سی" = 30 also
# spells the letter C in "سی ئێن ئێن", so they are left out);
# endings: ordinals and plurals ("څلویښتمو", "چلەکانی" = in his forties)
_CKB_VALUES = {w: v for v, ws in {
    11: "یازدە", 12: "دوازدە", 13: "سیازدە سێزدە", 14: "چواردە", 15: "پازدە پانزدە", 16: "شازدە",
    17: "حەڤدە حەفدە", 18: "هەژدە", 19: "نۆزدە", 20: "بیست", 40: "چل", 50: "پەنجا",
    60: "شەست", 70: "حەفتا", 80: "هەشتا", 90: "نەوەد"}.items() for w in ws.split()}
_PS_VALUES = {w: v for v, ws in {
    11: "یوولس", 12: "دولس", 13: "دیارلس", 14: "څوارلس", 15: "پنځلس", 16: "شپاړس", 17: "اوولس",
    18: "اتلس", 19: "نولس", 20: "شل", 30: "دېرش دیرش", 40: "څلوېښت څلویښت", 50: "پنځوس",
    60: "شپېته شپیته", 70: "اویا", 80: "اتیا"}.items() for w in ws.split()}


def _table_regex(values: dict[str, int], endings: str) -> re.Pattern[str]:
    return re.compile(r"(?<![" + _AR_LETTER + r"])(" + _alt(values) + r")(?:" + endings + r")?(?!["
                      + _AR_LETTER.replace("\u200c", "") + r"])")


_CKB_NUMBER = _table_regex(_CKB_VALUES, "ەم|ەمین|ەکان|ەکانی|ەکاندا|ی")
_PS_NUMBER = _table_regex(_PS_VALUES, "م|مه|مو|و")
# Pashto 21-89 put the unit first, as German does: "یو دېرش" = 31, "دوه ویشت" = 22 (the twenties take
# "ویشت", not "شل"); "نه" (also "not") and "نوي" (also "new") are left out
_PS_COMPOUND_UNITS = {"یو": 1, "دوه": 2, "درې": 3, "دری": 3, "څلور": 4, "پنځه": 5, "شپږ": 6, "اوه": 7, "اته": 8,
                      "نهه": 9}
_PS_COMPOUND_TENS = {"ویشت": 20} | {w: v for w, v in _PS_VALUES.items() if v >= 30}
_PS_COMPOUND = re.compile(
    r"(?<![" + _AR_LETTER + r"])(?P<u>" + _alt(_PS_COMPOUND_UNITS) + r")\s?(?P<t>" + _alt(_PS_COMPOUND_TENS)
    + r")(?:م|مه|مو|و)?(?![" + _AR_LETTER.replace("\u200c", "") + r"])")
# Arabic duals of scale words are "two thousand", "two million" on their own ("مليوني دولار" = $2 million);
# the definite "الألفين" is left out (it also names the year 2000), and so are "ألفا"/"مليونا" (also the
# accusative singular: "خمسة عشر ألفا")
_AR_DUAL_SCALES = {"ألف": 10**3, "الف": 10**3, "مليون": 10**6, "مليار": 10**9, "بليون": 10**9}
_AR_DUAL = re.compile(
    r"(?<![" + _AR_LETTER + r"\d])(?:[وف]?[بل]?)(?P<s>" + _alt(_AR_DUAL_SCALES) + r")(?:ان|ين|ي)(?!["
    + _AR_LETTER + r"])")


def _table_spans(text: str, rx: re.Pattern[str], values: dict[str, int]) -> Iterator[Span]:
    for m in rx.finditer(text):
        yield Span(m.start(), m.end(), float(values[m.group(1)]), "count")
_URDU_ONLY = re.compile("[ہےںٹڈڑ]")
_CENTURY_AFTER = re.compile(r"\s(?:من\s)?(?:القرن|قرن)\s(?:ال)?(?:عشرين|العشرين)(?![" + _AR_LETTER + "])")


# A score in words with nil ("یک بر صفر", "ایک صفر سے", "صفر کے مقابلے میں ایک") is the "1-0" of the
# original: zero is read only here, next to a small number word or digits
_SCORE_UNITS = {w: i + 1 for line in ("یک دو سه چهار پنج شش هفت هشت نه", "ایک دو تین چار پانچ چھ سات آٹھ نو")
                for i, w in enumerate(line.split())}
_SCORE_SIDE = r"(?:" + _alt(_SCORE_UNITS) + r"|\d{1,2})"
_SCORE_LINK = r"(?:\s?(?:بر|به|[-–])\s?|\sکے\sمقابلے\sمیں\s|\s)"
_SCORE_NIL = re.compile(
    r"(?<![" + _AR_LETTER + r"\d])(?:(?P<a>" + _SCORE_SIDE + r")" + _SCORE_LINK + r"(?P<z1>صفر)"
    + r"|(?P<z2>صفر)" + _SCORE_LINK + r"(?P<b>" + _SCORE_SIDE + r"))(?![" + _AR_LETTER + r"\d])")


def _score_spans(text: str) -> Iterator[Span]:
    for m in _SCORE_NIL.finditer(text):
        side, nil = ("a", "z1") if m.group("a") else ("b", "z2")
        if m.group(side) in _SCORE_UNITS:  # digits are read by the digit pass
            yield Span(m.start(side), m.end(side), float(_SCORE_UNITS[m.group(side)]), "count")
        yield Span(m.start(nil), m.end(nil), 0.0, "count")


def _arabic_spans(text: str) -> Iterator[Span]:
    yield from _score_spans(text)
    for m in _AR_DUAL.finditer(text):
        yield Span(m.start("s"), m.end(), float(2 * _AR_DUAL_SCALES[m.group("s")]), "count")
    urdu = _URDU_ONLY.search(text) is not None  # Urdu number words are names in Arabic ("باون")
    for m in _AR_NUMBER.finditer(text):
        if m.group("ur"):
            if urdu:
                yield Span(m.start("ur"), m.end(), float(_UR_VALUES[m.group("ur")]), "count")
        elif m.group("tens"):
            tens = _AR_TENS_VALUE[m.group("tens")]
            if m.group("decade"):
                # "ثمانينيات القرن العشرين" (the eighties of the twentieth century) is one figure
                m_century = _CENTURY_AFTER.match(text, m.end())
                yield Span(m.start(), m_century.end() if m_century else m.end(), float(1900 + tens), "year")
            else:
                yield Span(m.start("tens"), m.end(), float(tens), "count")
        else:
            unit = _AR_UNIT_VALUE[m.group("u")]
            value = unit + (10 if m.group("teen") else _AR_TENS_VALUE[m.group("t")])
            yield Span(m.start("u"), m.end(), float(value), "count")
    if urdu:
        return
    if _KURDISH_ONLY.search(text):  # Kurdish "بیستم" is "I heard", not the Persian "twentieth"
        yield from _table_spans(text, _CKB_NUMBER, _CKB_VALUES)
        return
    if _PASHTO_ONLY.search(text):
        for m in _PS_COMPOUND.finditer(text):
            value = _PS_COMPOUND_UNITS[m.group("u")] + _PS_COMPOUND_TENS[m.group("t")]
            yield Span(m.start(), m.end(), float(value), "count")
        yield from _table_spans(text, _PS_NUMBER, _PS_VALUES)
        return
    for m in _FA_NUMBER.finditer(text):
        if m.group("tens"):
            value = _FA_TENS[m.group("tens")] + (_FA_UNITS[m.group("unit")] if m.group("unit") else 0)
        else:
            value = _FA_TEENS[m.group("teen")]
        if m.group(0) == "سی":
            continue
        yield Span(m.start(), m.end(), float(value), "count")
    for m in _FA_HUNDREDS.finditer(text):
        if m.group(1) == "صد" and not m.group(2):
            continue
        yield Span(m.start(), m.end(), float(_FA_HUNDRED_VALUES[m.group(1)]), "ordinal" if m.group(2) else "count")


# hours 1-12 as words in European languages, read only with a part of the day after them
# ("às três da tarde" = 15:00, "alle tre del pomeriggio", "в три часа дня")
_HOUR_LISTS = (
    "une un deux trois quatre cinq six sept huit neuf dix onze douze",
    "una uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
    "una un due tre quattro cinque sei sette otto nove dieci undici dodici",
    "uma um duas três quatro cinco seis sete oito nove dez onze doze",
    "eins ein zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "час один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать",
)


def _hour_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for line in _HOUR_LISTS:
        words = line.split()
        if len(words) == 13:  # two spellings of one
            table[words[0]] = 1
            words = words[1:]
        table.update({w: i + 1 for i, w in enumerate(words)})
    return table


_HOUR_WORDS = _hour_table()
_PM_WORDS = r"tarde|noite|noche|pomeriggio|sera|soir|après-midi|nachmittags|abends|дня|вечера"
_AM_WORDS = r"manhã|mañana|mattina|mattino|matin|morgens|утра"
_CLOCK_WORDS = re.compile(
    r"(?<![^\W\d_])(?:(?P<prep>las|la|às|as|alle|all['’]|à|um|gegen)\s)?(?P<h>" + _alt(_HOUR_WORDS) + r")"
    r"(?P<hw>\s(?:heures?|horas?|ore|Uhr|часа|часов))?"
    r"\s(?:(?:de\sla|de\sl['’]|da|del|di|du|de|della)\s?)?(?:(?P<pm>" + _PM_WORDS + r")|(?P<am>" + _AM_WORDS
    + r"))(?![^\W\d_])", re.I)
# "une quarantaine d'années", "un quarantenne", "na casa dos quarenta", "in den Vierzigern": an age
# given by its decade
_AGE_DECADE_VALUE = {"ving": 20, "vent": 20, "vint": 20, "tren": 30, "trin": 30, "quar": 40, "cinq": 50,
                     "soix": 60, "sess": 60, "sett": 70, "sete": 70, "otta": 80, "oite": 80, "nova": 90,
                     "nove": 90, "zwan": 20, "drei": 30, "vier": 40, "fünf": 50, "sech": 60, "sieb": 70,
                     "acht": 80, "neun": 90}
_AGE_DECADE = re.compile(
    r"(?<![^\W\d_])(?:(vingt|trent|quarant|cinquant|soixant)aine\sd['’]années"
    r"|(vent|trent|quarant|cinquant|sessant|settant|ottant|novant)enne"
    r"|(?:na\scasa\sdos|nos\sseus)\s(vinte|trinta|quarenta|cinquenta|sessenta|setenta|oitenta|noventa)"
    r"|in\sden\s(zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)ern?)"
    r"(?![^\W\d_])", re.I)


# A clock phrase starts at its preposition or hour word: tried only at words starting like one.
# A text holding a character that IGNORECASE matches to one of their letters while lower() gives
# another ("ı" is "i" to it, "ſ" is "s", rounded Cyrillic "ᲂ" is "о"; every code point tested)
# keeps the full scan.
_CLOCK_PREFIXES = word_prefixes(["las", "la", "às", "as", "alle", "all", "à", "um", "gegen", *_HOUR_WORDS])
_CASE_TRAPS = re.compile("[\u0131\u017f\u1c80-\u1c85]")


def _clock_word_spans(text: str, candidates: list[tuple[int, str]]) -> Iterator[Span]:
    found = (_CLOCK_WORDS.finditer(text) if _CASE_TRAPS.search(text)
             else match_at_words(_CLOCK_WORDS, _CLOCK_PREFIXES, text, candidates))
    for m in found:
        # "duas da tarde" needs "às" or "horas" to be a time: "dos días", "uma noite" are durations
        if not (m.group("hw") or m.group("prep")):
            continue
        hour = word_value(_HOUR_WORDS, m.group("h"))
        if m.group("pm") and hour < 12:
            hour += 12
        yield Span(m.start("h"), m.end(), float(hour), "time")


# A century in Roman numerals ("siglo XIX", "XIXe siècle", "XIX secolo", "XIX века") is the ordinal
# the English original writes as "19th-century"; a Roman numeral elsewhere (Louis XIV) is a name.
_ROMAN = r"[IVXL]{1,7}"
_ROMAN_CENTURY = re.compile(
    r"(?<![^\W\d_])(?:(?:siglo|século|secolo|siècle|century)\s(?P<b>" + _ROMAN + r")"
    r"|(?P<a>" + _ROMAN + r")(?:e|ème|\.)?\s(?:siècles?|secolo|secoli|Jahrhunderts?|века?|веке|столітт[яі]|ст\.))"
    r"(?![^\W\d_])")
_DECADE_OF = re.compile(r"\d0['’]?s?\s(?:del|de|du|do|dello|des)\s$")
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral up to L ("XIX" -> 19), or None when it is not well formed."""
    values = [_ROMAN_DIGITS[c] for c in numeral]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    canonical = ""
    rest = total
    for symbol, v in (("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
        while rest >= v:
            canonical += symbol
            rest -= v
    return total if canonical == numeral and total > 0 else None


# A number word before a scale word ("six million", "ستة ملايين", "шесть миллионов") is a figure in
# every language, however small the number: the scale word leaves no other reading.
_SMALL_WORD_LISTS = (
    "one two three four five six seven eight nine ten",
    "un/une deux trois quatre cinq six sept huit neuf dix",
    "uno/una/un dos tres cuatro cinco seis siete ocho nueve diez",
    "uno/una/un due tre quattro cinque sei sette otto nove dieci",
    "um/uma dois/duas três quatro cinco seis sete oito nove dez",
    "ein/eine/einer zwei drei vier fünf sechs sieben acht neun zehn",
    "один/одна/одного два/две/двух три/трех/трёх четыре/четырех/четырёх пять/пяти шесть/шести семь/семи "
    "восемь/восьми девять/девяти десять/десяти",
    "один/одна/одного два/дві/двох три/трьох чотири/чотирьох п'ять/п'яти шість/шести сім/семи вісім/восьми "
    "дев'ять/дев'яти десять/десяти",
    "bir iki üç dört beş altı yedi sekiz dokuz on",
    "یک دو سه چهار پنج شش هفت هشت نه ده",
    "واحد/واحدة اثنان/اثنين/اثنا/اثني ثلاثة/ثلاث أربعة/أربع/اربعة/اربع خمسة/خمس ستة/ست سبعة/سبع "
    "ثمانية/ثماني/ثمان تسعة/تسع عشرة/عشر",
    "ایک دو تین چار پانچ چھ سات آٹھ نو دس",
    "एक दो तीन चार पांच/पाँच छह/छः सात आठ नौ दस",
    "אחד/אחת שניים/שתיים/שני/שתי שלושה/שלוש ארבעה/ארבע חמישה/חמש שישה/ששה/שש שבעה/שבע שמונה "
    "תשעה/תשע עשרה/עשר",
    "یو دوه درې/دری څلور پنځه شپږ اوه اته نهه لس",
    "یەک دوو سێ چوار پێنج شەش حەوت هەشت نۆ دە",
)


def _small_word_table(lines: Iterable[str] = _SMALL_WORD_LISTS) -> dict[str, int]:
    table: dict[str, int] = {}
    for line in lines:
        for i, cell in enumerate(line.split()):
            for word in cell.split("/"):
                # Hebrew words carry their clitics ("בשלושה אחוזים" = by three percent)
                clitics = ("", "ב", "ו", "ל", "מ", "ש", "כ", "וב") if "\u05d0" <= word[0] <= "\u05ea" else ("",)
                table.update(dict.fromkeys((c + word for c in clitics), i + 1))
    return table


# "hundred" only with a percent word ("cent pour cent", "yüzde yüz", "صد درصد"): before a scale word it
# may be the tail of a larger number ("trois cent millions")
_HUNDRED_WORDS = frozenset(["hundred", "cent", "cien", "cento", "cem", "hundert", "сто", "yüz", "صد", "مائة",
                            "مئة", "سو", "सौ", "מאה", "سل", "سەد"])
_SMALL_WORD_VALUES = (_small_word_table() | TENS_WORD_VALUES | dict.fromkeys(_HUNDRED_WORDS, 100)
                      | {c + "מאתיים": 200 for c in ("", "ב", "ו", "ל", "מ", "ש", "כ", "וב")})
_SCALED_PREFIXES = word_prefixes(_SMALL_WORD_VALUES)
_TURKISH_SMALL = frozenset([*_SMALL_WORD_LISTS[8].split(), "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş",
                            "seksen", "doksan"])
_WORD_BOUNDARY = r"[^\W\d_]|[\u0900-\u0903\u093a-\u094f\u064b-\u065f\u200c]"
# "two to three million", "deux ou trois millions", "بين ثلاثة وأربعة ملايين": the first number shares the scale
_WORD_RANGE_LINK = (r"(?:\s(?:to|and|or|et|à|ou|und|bis|oder|e|a|o|y|и|или|до|ila|veya|ve|تا|یا|أو|او|עד|או|से|या"
                    r"|سے)\s|\s?[-–]\s?|\sو\s?|\s(?=[לו]))")
_SMALL_WORD_RX = _alt(_SMALL_WORD_VALUES).replace("'", "['’ʼ]")
_SCALED_WORD = re.compile(
    r"(?<!" + _WORD_BOUNDARY + r")(?:(?P<n0>" + _SMALL_WORD_RX + r")" + _WORD_RANGE_LINK + r")?"
    r"(?P<n>" + _SMALL_WORD_RX + r")"
    r"(?:\s(?:autres|weitere))?\s(?:(?P<scale>" + "|".join(f"(?:{p})" for p, _ in lex.SCALES) + r")"
    r"|(?P<pct>" + lex.PERCENT_AFTER + r"))(?!" + _WORD_BOUNDARY + r")", re.I)
# Turkish and Kurdish write the percent before the number: "yüzde üç" (with case endings: "yüzde üçü"),
# "لە سەدا سێ"
_PERCENT_FIRST_WORD = re.compile(
    r"(?<![^\W\d_])(?:yüzde|لە\s?سەدا)\s(?P<n>" + _alt(_SMALL_WORD_VALUES).replace("'", "['’ʼ]")
    + r")(?:['’]?[^\W\d_]{1,4})?(?![^\W\d_])", re.I)


# A day written as a word before its month, as translations write "1 October": "el uno de octubre",
# "اول اکتبر", "الأول من أكتوبر", "перше жовтня". Words that are also the indefinite article ("un",
# "ein", "یک", "bir") and English (where "two may" is a verb) are left out.
_DAY_FIRST = ["premier", "primero", "primer", "primo", "primeiro", "erste", "ersten", "первое", "первого", "перше",
              "першого", "birinci", "اول", "الأول", "الاول", "یکم", "ראשון", "پہلی", "पहली"]
# also Turkish "on" (ten, and an English word) and Persian "نه" (nine, and "not")
_ARTICLES = frozenset(["one", "un", "une", "una", "um", "uma", "ein", "eine", "einer", "یک", "bir", "ایک", "एक",
                       "یو", "یەک", "on", "نه"])
_DAY_WORDS = {word: value for word, value in _small_word_table(_SMALL_WORD_LISTS[1:]).items()
              if word not in _ARTICLES} | dict.fromkeys(_DAY_FIRST, 1)
_DAY_WORD_MONTH = re.compile(
    r"(?<!" + _WORD_BOUNDARY + r")(?P<n>" + _alt(_DAY_WORDS).replace("'", "['’ʼ]") + r")"
    r"(?:\s(?:de|of|من|del))?\s(?:" + lex.MONTHS + r")(?!" + _WORD_BOUNDARY + r")", re.I)
_DAY_PREFIXES = word_prefixes(_DAY_WORDS)
_CANDIDATE_PREFIXES = _SCALED_PREFIXES | TENS_PREFIXES | _CLOCK_PREFIXES | _DAY_PREFIXES


def _day_word_spans(text: str, candidates: list[tuple[int, str]]) -> Iterator[Span]:
    for m in match_at_words(_DAY_WORD_MONTH, _DAY_PREFIXES, text, candidates):
        day = _DAY_WORDS.get(m.group("n").lower().replace("’", "'").replace("ʼ", "'"))
        if day is not None:
            yield Span(m.start("n"), m.end("n"), float(day), "date")


def _scaled_word_spans(text: str, candidates: list[tuple[int, str]]) -> Iterator[Span]:
    if "yüzde" in text.lower() or "سەدا" in text:
        for m in _PERCENT_FIRST_WORD.finditer(text):
            yield Span(m.start(), m.end(), float(word_value(_SMALL_WORD_VALUES, m.group("n"))), "percent")
    for m in match_at_words(_SCALED_WORD, _SCALED_PREFIXES, text, candidates):
        number = word_value(_SMALL_WORD_VALUES, m.group("n"))
        first = word_value(_SMALL_WORD_VALUES, m.group("n0")) if m.group("n0") else None
        if m.group("pct"):  # "three per cent", "سه درصد", "трех процентов": a percent word leaves no doubt
            if first is not None:
                yield Span(m.start("n0"), m.end("n0"), float(first), "percent")
            yield Span(m.start("n"), m.end(), float(number), "percent")
            continue
        if m.group("n").lower() in _HUNDRED_WORDS:
            continue
        if m.group("scale").lower() == "mil" and m.group("n").lower() in _TURKISH_SMALL:
            continue  # Turkish "bir mil" is one mile
        scale = next((mult for pattern, mult in lex.SCALES if re.fullmatch(pattern, m.group("scale"), re.I)), 1)
        if first is not None and m.group("n0").lower() not in _HUNDRED_WORDS:
            yield Span(m.start("n0"), m.end("n0"), float(first * scale), "count")
        yield Span(m.start("n"), m.end(), float(number * scale), "count")


# "half a million", "une demi-million", "полмиллиона", "نیم میلیون": a half or a quarter of a scale word
_MILLION = r"(?P<m>million|millón|milhão|milione|миллиона|мільйона|milyon|میلیون|مليون|מיליון)"
_BILLION = r"(?P<b>billion|milliard|milliarde|miliardo|bilhão|миллиарда|мільярда|milyar|میلیارد|مليار|מיליארד)"
_EITHER = r"(?:" + _MILLION + "|" + _BILLION + r")"
# found from the scale word back, and only in texts holding one of the fraction words (_FRACTION_HINTS):
# an alternation tried at every position of every text is slow
_SCALE_WORD = re.compile(_EITHER + r"s?(?![^\W\d_])", re.I)
_FRACTION_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?P<half>half[\s-]an?[\s-]|(?:une?\s)?demi-|(?:eine[nr]?\s)?halbe[n]?\s|medio\s|meio\s|mezzo\s"
    r"|пол-?|пів-?\s?|yarım\s|نیم\s?|نصف\s|חצי\s)"
    r"|(?P<quarter>(?:a\s)?quarter(?:\sof\sa)?[\s-]|(?:un\s)?quart\sde\s|(?:eine\s)?viertel-?\s?|ربع\s|רבע\s)"
    r")$", re.I)


# one of these stands in every phrase above: a text without any is spared the scan
_FRACTION_HINTS = ("half", "demi-", "halbe", "medio", "meio", "mezzo", "пол", "пів", "yarım", "نیم", "نصف",
                   "חצי", "quart", "viertel", "ربع", "רבע")


def _fraction_of_scale_spans(text: str) -> Iterator[Span]:
    low = text.lower()
    if not any(hint in low for hint in _FRACTION_HINTS):
        return
    for m in _SCALE_WORD.finditer(text):
        before = _FRACTION_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if before is None:
            continue
        fraction = 0.5 if before.group("half") else 0.25
        scale = 10**6 if m.group("m") else 10**9
        yield Span(before.start(), m.end(), fraction * scale, "count")


# Hindi 11-99 are single words (as in Urdu); Hebrew teens are a unit and "עשר(ה)", tens take "ו" + a unit,
# and a word may carry the clitics ו ש ה ב ל מ כ ("שארבעה עשר" = that fourteen)
_HAS_HEBREW = re.compile("[\u05d0-\u05ea]")
_HAS_DEVANAGARI = re.compile("[\u0900-\u097f]")
_HI_WORDS = (  # noqa: SIM905 - a list literal of 89 words would be unreadable
    "ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस"
    " अट्ठाईस उनतीस तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस चालीस इकतालीस"
    " बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास पचास इक्यावन बावन तिरपन चौवन"
    " पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर"
    " सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी"
    " तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी नब्बे इक्यानवे बानवे तिरानवे चौरानवे पचानवे"
    " छियानवे सत्तानवे अट्ठानवे निन्यानवे"
).split()
_HI_VALUES = {w: i + 11 for i, w in enumerate(_HI_WORDS)} | {"पन्द्रह": 15}
_HI_NUMBER = re.compile(r"(?<![\u0900-\u097f])(?:" + _alt(_HI_VALUES) + r")(?![\u0900-\u097f])")
_HE_UNITS = {w: i + 1 for i, cell in enumerate(
    ["אחד/אחת", "שניים/שתיים/שנים/שתים", "שלושה/שלוש/שלשה", "ארבעה/ארבע", "חמישה/חמש/חמשה", "שישה/שש/ששה",
     "שבעה/שבע", "שמונה", "תשעה/תשע"]) for w in cell.split("/")}
_HE_TENS = {w: 20 + 10 * i for i, w in enumerate(
    ["עשרים", "שלושים", "ארבעים", "חמישים", "שישים", "שבעים", "שמונים", "תשעים"])}
_HE_NUMBER = re.compile(
    r"(?<![\u05d0-\u05ea])ו?[שהבלמכ]?(?:(?P<teen>" + _alt(_HE_UNITS) + r")\sעשרה?"
    r"|(?P<tens>" + _alt(_HE_TENS) + r")(?:\sו-?(?P<unit>" + _alt(_HE_UNITS) + r"))?)(?![\u05d0-\u05ea])")


# Hebrew hundreds and thousands are words of their own or two-word construct forms: "מאתיים" (200),
# "שלוש מאות" (300), "אלפיים" (2000), "שלושת אלפים" (3000); a thousands part may take hundreds after "ו"
# ("שלושת אלפים וחמש מאות" = 3500). None is small enough to be spelled out on both sides of a translation.
_HE_HUNDREDS = {"מאתיים": 200} | {f"{w} מאות": 100 * (i + 3) for i, w in enumerate(
    ["שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע"])}
_HE_THOUSANDS = {"אלפיים": 2000} | {f"{w} אלפים": 1000 * (i + 3) for i, w in enumerate(
    ["שלושת", "ארבעת", "חמשת", "ששת", "שבעת", "שמונת", "תשעת", "עשרת"])}
_HE_BIG = re.compile(
    r"(?<![\u05d0-\u05ea])ו?[שהבלמכ]?(?:(?P<th>" + _alt(_HE_THOUSANDS) + r")(?:\sו(?P<h1>" + _alt(_HE_HUNDREDS)
    + r"))?|(?P<h2>" + _alt(_HE_HUNDREDS) + r"))(?![\u05d0-\u05ea])")
# "בשנת אלפיים" is the year 2000, "שנות האלפיים" the decade of the 2000s
_HE_YEAR_BEFORE = re.compile(r"שנ(?:ת|ות)\s$")


def _hebrew_spans(text: str) -> Iterator[Span]:
    for m in _HE_BIG.finditer(text):
        start = m.start("th") if m.group("th") else m.start("h2")
        value = _HE_THOUSANDS[m.group("th")] if m.group("th") else 0
        hundreds = m.group("h1") or m.group("h2")
        value += _HE_HUNDREDS[hundreds] if hundreds else 0
        year = value == 2000 and _HE_YEAR_BEFORE.search(text, max(0, m.start() - 5), m.start()) is not None
        yield Span(start, m.end(), float(value), "year" if year else "count")
    for m in _HE_NUMBER.finditer(text):
        if m.group("teen"):
            value = 10 + _HE_UNITS[m.group("teen")]
            start = m.start("teen")
        else:
            value = _HE_TENS[m.group("tens")] + (_HE_UNITS[m.group("unit")] if m.group("unit") else 0)
            start = m.start("tens")
        yield Span(start, m.end(), float(value), "count")
