"""Figure rules added for translations that write one figure differently from the English original.

Each test is one rule with a sentence written for it in the language it covers.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.figures import extract_figures


def _values(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.kind) for f in extract_figures(text)]


def test_ukrainian_plural_scale_word_multiplies_the_number() -> None:
    (fig,) = extract_figures("Міська рада виділила 2 мільйони гривень на ремонт шкіл.")
    assert fig.value == 2_000_000


def test_russian_plural_scale_word_multiplies_the_number() -> None:
    (fig,) = extract_figures("Проект обошёлся в 3,5 миллиарды рублей, сообщил министр.")
    assert fig.value == 3_500_000_000


def test_match_clock_past_24_minutes_is_one_figure() -> None:
    assert _values("Smith levelled the game with a wrist shot at 43:12 of the second period.") == [
        (43.2, "time")]


def test_spanish_clock_time_with_de_la_tarde_is_afternoon() -> None:
    assert _values("El último tren sale a las 6.45 de la tarde desde Atocha.") == [(18.75, "time")]


def test_italian_clock_time_with_di_sera_is_evening() -> None:
    assert _values("Il concerto comincia alle 8.30 di sera in piazza.") == [(20.5, "time")]


def test_italian_alle_ore_makes_a_dotted_number_a_time() -> None:
    assert _values("Il negozio apre alle ore 9.15 di lunedì.") == [(9.25, "time")]


def test_persian_night_word_must_be_a_whole_word() -> None:
    # "شبکه" (network) starts like "شب" (night): six networks, not six in the evening
    assert _values("این مسابقه از ۶ شبکه تلویزیونی پخش شد.") == [(6.0, "count")]


def test_kurdish_evening_word_with_ezafe_is_still_evening() -> None:
    assert _values("یارییەکە کاتژمێر ٣ی ئێوارەی ڕۆژی هەینی دەست پێدەکات.") == [(15.0, "time")]


_PIECES = st.sampled_from(["27", ":", "37", " ", "de la tarde", "alle ore ", "9.15", "شب", "که", "٣ی ئێوارەی",
                           "мільйони", "2", ".", "0"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_new_rules_never_raise_and_spans_index_the_input(text: str) -> None:
    for fig in extract_figures(text):
        assert 0 <= fig.start < fig.end <= len(text)
        assert text[fig.start:fig.end] == fig.raw


def test_turkish_mil_is_a_mile_not_a_thousand() -> None:
    (fig,) = extract_figures("Fırtına kıyıdan 130 mil uzaklıkta ilerliyor.")
    assert (fig.value, fig.unit) == (130.0, "mil")


def test_portuguese_mil_is_still_a_thousand() -> None:
    (fig,) = extract_figures("Cerca de 130 mil pessoas participaram da marcha.")
    assert fig.value == 130_000


def test_numbers_inside_markup_tags_are_not_figures() -> None:
    assert _values('<seg id="3">O treinador anunciou 12 jogadores novos.</seg>') == [(12.0, "count")]


def test_persian_score_in_words_with_nil_is_two_counts() -> None:
    assert _values("پرسپولیس در ورزشگاه آزادی یک بر صفر به استقلال باخت.") == [(1.0, "count"), (0.0, "count")]


def test_persian_score_with_digits_and_nil_reads_the_nil() -> None:
    assert _values("تیم ملی با نتیجه ۳ بر صفر پیروز شد.") == [(3.0, "count"), (0.0, "count")]


def test_urdu_score_with_nil_before_the_number() -> None:
    assert _values("پاکستان کو صفر کے مقابلے میں دو گول سے شکست ہوئی۔") == [(0.0, "count"), (2.0, "count")]


def test_persian_zero_outside_a_score_is_not_a_figure() -> None:
    assert _values("تعداد مبتلایان تقریباً به صفر رسیده است.") == []


def test_a_vulgar_fraction_after_digits_is_part_of_the_number() -> None:
    assert [f.value for f in extract_figures("Europe won the cup 14½-13½ after a tense final day.")] == [
        14.5, 13.5]


def test_a_mixed_number_with_a_slash_is_one_figure() -> None:
    assert [f.value for f in extract_figures("تیمەکە بە ئەنجامی ١٣ ١/٢ بردیەوە.")] == [13.5]


def test_a_fraction_stored_right_to_left_is_still_one_figure() -> None:
    assert [f.value for f in extract_figures("تیم اروپا با نتیجه ½14 برنده شد.")] == [14.5]


def test_a_date_with_slashes_is_not_a_fraction() -> None:
    assert 0.5 not in [f.value for f in extract_figures("The deadline is 1/2/2019 for all entries.")]


def test_a_currency_sign_between_number_and_scale_keeps_the_scale() -> None:
    (fig,) = extract_figures("حکومت نے منصوبے کے لیے 4$ بلین ڈالر مختص کیے۔")
    assert (fig.value, fig.kind, fig.unit) == (4_000_000_000.0, "money", "USD")


def test_german_four_digit_decade_is_a_year_not_an_ordinal() -> None:
    assert _values("Er studierte in den 1980er Jahren in Yale.") == [(1980.0, "year")]


def test_a_turkish_name_does_not_make_a_spanish_text_turkish() -> None:
    (fig,) = extract_figures("Unos 130 mil manifestantes protestaron contra Erdoğan en Estambul.")
    assert fig.value == 130_000


def test_english_ore_is_not_an_italian_time_cue() -> None:
    assert _values("Iron ore 15.50 a tonne was the lowest price this year.") == [(15.5, "count")]


def test_a_zero_typed_for_the_letter_o_is_not_a_figure() -> None:
    assert _values("Затем клетки должны быть 0ведены пациенту повторно, сообщили врачи.") == []


def test_a_zero_glued_to_a_short_unit_is_still_a_figure() -> None:
    assert _values("Le magasin vend des voitures 0km et une moto à 0h30.") == [(0.0, "count"), (0.5, "time")]


def test_a_number_never_reads_into_a_time_after_it() -> None:
    figs = extract_figures("0 0٬0:00")
    assert all(a.end <= b.start for a, b in itertools.pairwise(figs))
