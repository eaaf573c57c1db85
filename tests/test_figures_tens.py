"""Number words from eleven to ninety-nine in English, the Romance languages, German, Russian,
Ukrainian and Turkish (monitor/figures/_tens.py), each with a sentence written for it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.figures import extract_figures
from monitor.figures._tens import tens_word_spans


def _values(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.kind) for f in extract_figures(text)]


@pytest.mark.parametrize(("text", "value"), [
    ("Fourteen passengers were taken to hospital after the crash.", 14),
    ("The club signed twenty-three new players this summer.", 23),
    ("Il y avait quatre-vingt-dix-sept candidats au concours.", 97),
    ("Soixante-et-onze personnes ont signé la pétition.", 71),
    ("Veinticinco familias perdieron su casa en la inundación.", 25),
    ("Llegaron treinta y cinco autobuses a la plaza.", 35),
    ("Sono stati arrestati trentaquattro tifosi dopo la partita.", 34),
    ("Foram contratados vinte e cinco professores no distrito.", 25),
    ("In der Halle warteten fünfundzwanzig Journalisten.", 25),
    ("Die Stadt pflanzte zwölf neue Bäume am Ufer.", 12),
    ("Он ответил, что ждёт не меньше сорока восьми гостей.", 48),
    ("Після повені евакуювали двадцять п'ять родин.", 25),
    ("Toplantıya otuz bir milletvekili katıldı.", 31),
    ("Sınıfta on iki öğrenci vardı.", 12),
])
def test_number_words_from_eleven_up_are_counts(text: str, value: int) -> None:
    assert _values(text) == [(float(value), "count")]


def test_italian_age_in_words_is_the_age() -> None:
    assert _values("Il trentunenne ha segnato due gol.") == [(31.0, "count")]


def test_a_decade_in_words_is_a_year() -> None:
    assert _values("La band era famosa negli anni Ottanta.") == [(1980.0, "year")]


def test_russian_ordinal_after_a_tens_word_is_one_ordinal() -> None:
    assert _values("Гол был забит на сорок пятой минуте.") == [(45.0, "ordinal")]


@pytest.mark.parametrize("text", [
    "He had once been mayor of the town.",  # Spanish 11 is English "once"
    "Police seize weapons in a raid.",  # French 16 is English "seize"
    "Les travaux dureront quinze jours.",  # two weeks, not fifteen
    "The twenty-first century began quietly.",  # an ordinal
    "Seven of the ten candidates withdrew.",  # one to ten stay unread
    "I venti soffiavano forte sulla costa.",  # Italian "venti" is also "winds"
    "He sat on the bench.",  # Turkish "on" needs a unit after it
])
def test_words_that_are_not_counts_here_stay_unread(text: str) -> None:
    assert _values(text) == []


def test_digits_win_over_words_in_the_same_place() -> None:
    assert _values("Twenty 20 cricket") == [(20.0, "count"), (20.0, "count")]


_PIECES = st.sampled_from(["twenty", "-", " ", "one", "quatre", "vingt", "dix", "-et-", "onze", "y", "cinco",
                           "trent", "a", "uno", "enne", "fünf", "und", "zwanzig", "сорок", "пятой", "п'ять",
                           "двадцять", "on", "iki", "İ", "anni ", "Ottanta", "15", "quinze"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_word_spans_never_raise_and_index_the_input(text: str) -> None:
    for span in tens_word_spans(text):
        assert 0 <= span.start < span.end <= len(text)
    for fig in extract_figures(text):
        assert text[fig.start:fig.end] == fig.raw
