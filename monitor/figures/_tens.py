"""Number words from eleven to ninety-nine in English, the Romance languages, German, Russian,
Ukrainian and Turkish, as the Arabic-script and Chinese rules already read them in their languages.

News style writes these in digits, so where one side spells them ("Fourteen people", "сорока восьми")
the other side's digits match only if the words are read. One to ten stay unread (measured: both
sides spell them out too often). Words that are also common words elsewhere are left out: Spanish
"once" (English "once"), French "seize" (English "seize"), bare Italian "venti" ("winds"), bare
Turkish "on" (English "on").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from monitor.figures._numbers import Span


def _table(*groups: tuple[int, str]) -> dict[str, int]:
    return {w: v for v, words in groups for w in words.split()}


def _series(start: int, step: int, lines: Iterable[str]) -> dict[str, int]:
    """Each line lists the spellings of one language, value ``start + i * step`` for the i-th."""
    out: dict[str, int] = {}
    for line in lines:
        for i, cell in enumerate(line.split()):
            for word in cell.split("/"):
                if word != "-":
                    out[word] = start + i * step
    return out


_APOS = "['’ʼ]"
# eleven to nineteen, then single-word compounds (Spanish 21-29); Russian/Ukrainian case forms
# by their stem
_TEENS = _series(11, 1, (
    "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
    "onze douze treize quatorze quinze - dix-sept dix-huit dix-neuf",
    "- doce trece catorce quince dieciséis/dieciseis diecisiete dieciocho diecinueve",
    "undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove",
    "- doze treze catorze/quatorze - dezesseis/dezasseis dezessete/dezassete dezoito dezenove/dezanove",
    "elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
))
_TEENS.update(_series(21, 1, ("veintiuno/veintiún veintidós/veintidos veintitrés/veintitres veinticuatro "
                              "veinticinco veintiséis/veintiseis veintisiete veintiocho veintinueve",)))
_SLAVIC_TEEN_STEMS = _series(11, 1, (
    "одиннадцат двенадцат тринадцат четырнадцат пятнадцат шестнадцат семнадцат восемнадцат девятнадцат",
    "одинадцят дванадцят тринадцят чотирнадцят п'ятнадцят шістнадцят сімнадцят вісімнадцят дев'ятнадцят",
))
_TENS = _series(20, 10, (
    "twenty thirty forty fifty sixty seventy eighty ninety",
    "vingt trente quarante cinquante soixante septante quatre-vingt/quatre-vingts/huitante nonante",
    "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "- trenta quaranta cinquanta sessanta settanta ottanta novanta",
    "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa",
    "zwanzig dreißig/dreissig vierzig fünfzig sechzig siebzig achtzig neunzig",
    "двадцать/двадцати/двадцатью тридцать/тридцати/тридцатью сорок/сорока "
    "пятьдесят/пятидесяти шестьдесят/шестидесяти семьдесят/семидесяти восемьдесят/восьмидесяти "
    "девяносто/девяноста",
    "двадцять/двадцяти тридцять/тридцяти сорок/сорока п'ятдесят/п'ятдесяти шістдесят/шістдесяти "
    "сімдесят/сімдесяти вісімдесят/вісімдесяти дев'яносто/дев'яноста",
    "yirmi otuz kırk elli altmış yetmiş seksen doksan",
))
_UNITS = _series(1, 1, (
    "one two three four five six seven eight nine",
    "un/une deux trois quatre cinq six sept huit neuf",
    "uno/una dos tres cuatro cinco seis siete ocho nueve",
    "um/uma dois/duas três - - - - - -",
    "один/одного/одной/одному/одним/одна/одно два/две/двух/двум три/трех/трёх/трем/трём "
    "четыре/четырех/четырёх пять/пяти шесть/шести семь/семи восемь/восьми девять/девяти",
    "одна/одного/одної два/дві/двох - чотири/чотирьох п'ять/п'яти шість - вісім дев'ять/дев'яти",
    "bir iki üç dört beş altı yedi sekiz dokuz",
))
# French 70-79 and 90-99 add a teen (or "dix") to soixante / quatre-vingt
_FR_TEEN_TAIL = _series(10, 1, ("dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf",))
_TR_UNITS = _series(1, 1, ("bir iki üç dört beş altı yedi sekiz dokuz",))
_DE_UNITS = _series(1, 1, ("ein zwei drei vier fünf sechs sieben acht neun",))
_IT_TENS_STEM = _series(20, 10, ("vent trent quarant cinquant sessant settant ottant novant",))
_IT_UNITS = _series(1, 1, ("uno due tre/tré quattro cinque sei sette otto nove",))
# ages ("trentunenne" = 31 years old) drop the unit's last vowel before "-enne"
_IT_ELIDED = _series(1, 1, ("un - - quattr cinqu - sett ott nov",))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace("'", _APOS) for w in sorted(words, key=len, reverse=True))


_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
# "twenty-first" is an ordinal, "forty-year-old" an age
_NOT_LETTER_AFTER = r"(?![^\W\d_]|-(?!year)[^\W\d_])"
_LINK = r"(?:-et-|-|\s(?:y|e|et|и|і)\s|\s)"
_NUMBER_WORDS = re.compile(
    _NOT_LETTER_BEFORE + r"(?:"
    + r"(?P<tens>" + _alt(_TENS) + r")(?:" + _LINK + r"(?P<unit>" + _alt({**_UNITS, **_FR_TEEN_TAIL}) + r"))?"
    + r"|(?P<deu>" + _alt(_DE_UNITS) + r")und(?P<det>" + _alt(w for w, v in _TENS.items() if w.isalpha()) + r")"
    + r"|(?P<its>" + _alt(_IT_TENS_STEM) + r")[ai]?(?P<itu>" + _alt(_IT_UNITS) + r")(?:e?nne)?"
    + r"|(?P<ite>" + _alt(_IT_TENS_STEM) + r")[ai]?(?P<itx>" + _alt(_IT_ELIDED) + r")enne"
    + r"|(?P<on>on)\s(?P<tru>" + _alt(_TR_UNITS) + r")"
    + r"|(?P<teen>" + _alt(_TEENS) + r")"
    + r"|(?P<slav>" + _alt(_SLAVIC_TEEN_STEMS) + r")(?:ь|и|ью|ьох)"
    + r")" + _NOT_LETTER_AFTER, re.I)
# a decade in words ("negli anni Ottanta", "dans les années quatre-vingt", "en los años ochenta") is a year,
# as "the 1980s" is
_DECADE_BEFORE = re.compile(r"(?:anni|années|años|anos)\s$", re.I)
# Russian and Ukrainian ordinals one to nine after a tens word ("на сорок пятой минуте" = 45th)
_SLAVIC_ORDINAL_UNITS = _series(1, 1, (
    "перв втор трет четверт/четвёрт пят шест седьм восьм девят",
    "перш друг - - п'ят шост сьом - дев'ят",
))
_SLAVIC_ORDINAL = re.compile(
    r"\s(" + "|".join(re.escape(w).replace("'", _APOS) for w in _SLAVIC_ORDINAL_UNITS)
    + r")(?:ый|ой|ая|ое|ого|ому|ом|ую|ых|ий|ій|ої|ої|а|е|у|ім|ою)(?![^\W\d_])", re.I)
# every single-word spelling of 11-99 with its value, for scale words after it ("twenty million")
TENS_WORD_VALUES: dict[str, int] = _TEENS | _TENS
# "quinze jours", "quince días", "quindici giorni": the idiom for two weeks, not a count of fifteen
_FORTNIGHT = re.compile(r"\s(?:jours|días|dias|giorni)", re.I)


def word_value(table: dict[str, int], word: str) -> int:
    """The value of a number word matched case-insensitively, any apostrophe read as "'"."""
    word = word.replace("’", "'").replace("ʼ", "'")
    found = table.get(word.lower())
    if found is None:  # case-folding traps ("İ" and "ſ" do not lower() to a key)
        found = next(v for k, v in table.items() if re.fullmatch(re.escape(k), word, re.I))
    return found


_WORD = re.compile(r"[^\W\d_]+")


def word_prefixes(words: Iterable[str]) -> frozenset[str]:
    """The lowercase first three letters of ``words``, to skip words that cannot start a match."""
    return frozenset(w[:3].lower() for w in words)


def candidate_words(text: str, prefixes: frozenset[str]) -> list[tuple[int, str]]:
    """Start and lowercase first three letters of each word in ``text`` that starts like one of
    ``prefixes`` (one pass over the words; a big alternation tried at every position is slow)."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: compare word by word instead
        low = "".join(c.lower()[:1] for c in text)
    out = []
    for w in _WORD.finditer(text):
        start = w.start()
        head = low[start:start + 3] if w.end() - start >= 3 else low[start:w.end()]
        if head in prefixes:
            out.append((start, head))
        elif w.end() - start < 3 and low[start:start + 3] in prefixes:  # "п'ять" splits at the apostrophe
            out.append((start, low[start:start + 3]))
    return out


def match_at_words(rx: re.Pattern[str], prefixes: frozenset[str], text: str,
                   candidates: list[tuple[int, str]]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern whose matches start at a word, tried only at the
    ``candidates`` (from ``candidate_words``) whose first letters start one of its words."""
    end = 0
    for start, head in candidates:
        if start >= end and head in prefixes:
            m = rx.match(text, start)
            if m:
                end = m.end()
                yield m


TENS_PREFIXES = word_prefixes([*_TENS, *_DE_UNITS, *_IT_TENS_STEM, *_TEENS, *_SLAVIC_TEEN_STEMS, "on"])


def tens_word_spans(text: str, candidates: list[tuple[int, str]] | None = None) -> Iterator[Span]:
    """Counts written as number words from eleven to ninety-nine (``candidates``: see match_at_words)."""
    if candidates is None:
        candidates = candidate_words(text, TENS_PREFIXES)
    for m in match_at_words(_NUMBER_WORDS, TENS_PREFIXES, text, candidates):
        if m.group("tens"):
            value = word_value(_TENS, m.group("tens"))
            if not m.group("unit") and _DECADE_BEFORE.search(text, max(0, m.start() - 8), m.start()):
                yield Span(m.start(), m.end(), float(1900 + value), "year")
                continue
            m_ord = None if m.group("unit") else _SLAVIC_ORDINAL.match(text, m.end())
            if m_ord:
                yield Span(m.start(), m_ord.end(), float(value + word_value(_SLAVIC_ORDINAL_UNITS, m_ord.group(1))),
                           "ordinal")
                continue
            if m.group("unit"):
                unit = m.group("unit")
                tail = word_value({**_UNITS, **_FR_TEEN_TAIL}, unit)
                if tail >= 10 and value not in (60, 80):
                    # only soixante / quatre-vingt take a teen: "vingt onze" is two numbers
                    yield Span(m.start(), m.end("tens"), float(value), "count")
                    continue
                value += tail
        elif m.group("deu"):
            value = word_value(_DE_UNITS, m.group("deu")) + word_value(_TENS, m.group("det"))
        elif m.group("its"):
            value = word_value(_IT_TENS_STEM, m.group("its")) + word_value(_IT_UNITS, m.group("itu"))
        elif m.group("ite"):
            value = word_value(_IT_TENS_STEM, m.group("ite")) + word_value(_IT_ELIDED, m.group("itx"))
        elif m.group("on"):
            value = 10 + word_value(_TR_UNITS, m.group("tru"))
        elif m.group("teen"):
            value = word_value(_TEENS, m.group("teen"))
            if value == 15 and _FORTNIGHT.match(text, m.end()):
                continue
        else:
            value = word_value(_SLAVIC_TEEN_STEMS, m.group("slav"))
        yield Span(m.start(), m.end(), float(value), "count")
