"""Figure extraction: formats in every core language, spans, kinds, and the `monitor figures` contract.

Real sentences with their expected figures live in tests/data/figures/sentences.jsonl (one case
a line: language, text, and the figures a reader sees, in order).
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.cli.cmd_figures import figures_command
from monitor.errors import InputError
from monitor.figures import ALERTABLE_KINDS, Figure, extract_figures

DATA = Path(__file__).parent / "data" / "figures"
CASES = [json.loads(line) for line in (DATA / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


def _matches(fig: dict[str, Any], expected: dict[str, Any]) -> bool:
    for key, want in expected.items():
        got = fig.get(key)
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            if not isinstance(got, (int, float)) or abs(got - want) > 1e-6:
                return False
        elif got != want:
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_sentence_yields_the_figures_a_reader_sees(case: dict[str, Any]) -> None:
    figs = [f.as_dict() for f in extract_figures(case["text"], case["lang"])]
    assert len(figs) == len(case["expect"]), figs
    for fig, expected in zip(figs, case["expect"], strict=True):
        assert _matches(fig, expected), (fig, expected)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_extraction_does_not_need_the_language(case: dict[str, Any]) -> None:
    with_lang = [f.value for f in extract_figures(case["text"], case["lang"])]
    assert [f.value for f in extract_figures(case["text"])] == with_lang


@pytest.mark.parametrize("text", [
    "1,500 killed", "1.500 Tote", "1 500 morts", "1\u00a0500 morts", "1\u202f500 morts", "١٬٥٠٠ قتيل",
    "۱۵۰۰ کشته", "1'500 morti", "१५०० लोग",
])
def test_grouping_separators_in_every_script_read_as_thousands(text: str) -> None:
    assert [f.value for f in extract_figures(text)] == [1500.0]


@pytest.mark.parametrize(("text", "value"), [
    ("۱٫۵ میلیون", 1_500_000), ("1,5 Millionen", 1_500_000), ("1.5 million", 1_500_000),
    ("3,5 млн", 3_500_000), ("2 milyar", 2_000_000_000), ("5 Mrd.", 5_000_000_000),
    ("12 mille", 12_000), ("4 milliards", 4_000_000_000), ("110亿", 11_000_000_000), ("3万", 30_000),
    ("7 لاکھ", 700_000), ("3 करोड़", 30_000_000), ("20 ألف", 20_000), ("2 مليون", 2_000_000),
    ("10 тыс.", 10_000), ("2 Billionen", 2_000_000_000_000),
])
def test_scale_words_multiply_the_number(text: str, value: int) -> None:
    assert [f.value for f in extract_figures(text)] == [float(value)]


@pytest.mark.parametrize(("text", "qualifier"), [
    ("more than 1,500 people", "over"), ("nearly 200 deaths", "nearly"), ("at least 40 injured", "at_least"),
    ("بیش از ۳۰۰ نفر", "over"), ("أكثر من 200 شخص", "over"), ("plus de 300 morts", "over"),
    ("mehr als 300 Tote", "over"), ("около 100 человек", "about"), ("超过3万人", "over"),
])
def test_qualifiers_are_kept_as_language_independent_codes(text: str, qualifier: str) -> None:
    (fig,) = extract_figures(text)
    assert fig.qualifier == qualifier


def test_a_range_keeps_both_ends_and_links_them() -> None:
    first, second = extract_figures("between 1,500-2,000 people")
    assert (first.value, first.range_end, second.value) == (1500.0, 2000.0, 2000.0)


def _money(text: str, lang: str | None = None) -> list[tuple[float, str | None]]:
    return [(f.value, f.unit) for f in extract_figures(text, lang) if f.kind == "money"]


@pytest.mark.parametrize(("text", "lang", "value", "unit"), [
    ("La start-up nantaise a levé 10 M€ auprès de fonds européens.", "fr", 10_000_000, "EUR"),
    ("Le déficit de la Sécurité sociale atteindra 3,5 Md€ cette année.", "fr", 3_500_000_000, "EUR"),
    ("L'État a injecté 2 Mds€ dans le nucléaire.", "fr", 2_000_000_000, "EUR"),
    ("Le plan de relance pèse 4,2 Mds d'euros sur trois ans.", "fr", 4_200_000_000, "EUR"),
    ("La dette du groupe dépasse 3 mds d'euros.", "fr", 3_000_000_000, "EUR"),
    ("Le groupe a perdu 1,5 Md$ au troisième trimestre.", "fr", 1_500_000_000, "USD"),
    ("La jeune pousse a bouclé un tour de table de 12 M$.", "fr", 12_000_000, "USD"),
    ("Le cabinet facture 50 k€ par mission.", "fr", 50_000, "EUR"),
    ("La empresa facturó 1.200 M€ el año pasado.", "es", 1_200_000_000, "EUR"),
    ("El Gobierno destinará 2 mil M€ a la sanidad pública.", "es", 2_000_000_000, "EUR"),
])
def test_french_and_spanish_abbreviated_scales_before_a_currency(text: str, lang: str, value: int,
                                                                  unit: str) -> None:
    assert _money(text, lang) == [(float(value), unit)]


def test_an_abbreviated_scale_without_a_currency_is_not_read() -> None:
    # "M" alone is a size, a grade or an initial far more often than a million
    assert [f.value for f in extract_figures("Il porte la taille 10 M depuis des années.", "fr")] == [10.0]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("Il governo ha stanziato 10 mln di euro per la ricostruzione.", 10_000_000, "EUR"),
    ("L'accordo vale 5 mld di dollari secondo fonti del ministero.", 5_000_000_000, "USD"),
    ("Il debito pubblico supera i 2.700 mld di euro.", 2_700_000_000_000, "EUR"),
])
def test_italian_mln_and_mld_are_million_and_billion(text: str, value: int, unit: str) -> None:
    assert _money(text, "it") == [(float(value), unit)]


def test_italian_mln_without_a_currency_still_scales_a_count() -> None:
    assert [f.value for f in extract_figures("La regione conta 4 mln di abitanti.", "it")] == [4_000_000.0]


def test_european_portuguese_biliao_is_a_trillion() -> None:
    # pt-PT keeps the long scale: "bilião" is 10^12 (10^9 is "mil milhões"); pt-BR "bilhão" is 10^9
    assert _money("A dívida total do Estado chegou a 1,2 bilião de euros.", "pt") == [(1.2e12, "EUR")]
    assert [f.value for f in extract_figures("O PIB mundial ronda os 100 biliões.", "pt")] == [1e14]


def test_brazilian_bilhao_is_a_billion() -> None:
    assert _money("O governo federal liberou R$ 1,2 bilhão para a saúde.", "pt") == [(1.2e9, "BRL")]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("O governo anunciou R$ 2,5 milhões para a saúde.", 2_500_000, "BRL"),
    ("A Petrobras lucrou R$ 2,5 bi no trimestre.", 2_500_000_000, "BRL"),
    ("O rombo fiscal é de R$ 300 mi, diz o Tesouro.", 300_000_000, "BRL"),
    ("O Brasil investiu 1,2 bilhão de reais em ferrovias.", 1_200_000_000, "BRL"),
    ("The deal values the miner at C$3 billion.", 3_000_000_000, "CAD"),
    ("Sales reached A$1.2bn last year.", 1_200_000_000, "AUD"),
    ("Tickets for the final cost HK$500 each.", 500, "HKD"),
    ("The regulator fined the chipmaker NT$2 million.", 2_000_000, "TWD"),
    ("The fund raised US$40 million in its first round.", 40_000_000, "USD"),
    ("The budget sets aside NZ$3 billion for rebuilding.", 3_000_000_000, "NZD"),
    ("Revenue rose to Rs 500 crore in the quarter.", 5_000_000_000, "INR"),
])
def test_dollar_signs_after_letters_name_their_own_currency(text: str, value: int, unit: str) -> None:
    assert _money(text) == [(float(value), unit)]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("Сделка на 2 млн долл. была закрыта в пятницу.", 2_000_000, "USD"),
    ("Бюджет города составит 3,5 млрд руб.", 3_500_000_000, "RUB"),
    ("Збитки підприємства склали 5 млн грн.", 5_000_000, "UAH"),
    ("Şirket 3 milyar liralık yatırım yaptı.", 3_000_000_000, "TRY"),
    ("Şirkete 3 milyon TL ceza kesildi.", 3_000_000, "TRY"),
    ("הממשלה אישרה תקציב של 3 מיליארד ש\"ח לתחבורה.", 3_000_000_000, "ILS"),
    ("بلغت خسائر الشركة 5 ملايين جنيه مصري.", 5_000_000, "EGP"),
    ("Der Staat zahlt 300 Tsd. Euro Entschädigung.", 300_000, "EUR"),
    ("Die Staatsschulden steigen auf 2,5 Bio. Euro.", 2_500_000_000_000, "EUR"),
    ("El Ayuntamiento invertirá 3 mill. de euros en el metro.", 3_000_000, "EUR"),
    ("Le projet coûte 300 millions de dollars canadiens.", 300_000_000, "CAD"),
])
def test_currency_abbreviations_of_the_press_are_money(text: str, value: int, unit: str) -> None:
    assert _money(text) == [(float(value), unit)]


def test_german_bio_without_a_currency_is_not_a_trillion() -> None:
    # "Bio." is also the organic label: "100 Bio. Höfe" are a hundred farms
    assert [f.value for f in extract_figures("In der Region gibt es 100 Bio. Höfe.", "de")] == [100.0]


def test_a_hyphenated_scale_word_still_multiplies() -> None:
    assert _money("The carmaker posted a $1.2-billion loss for the quarter.") == [(1.2e9, "USD")]


def test_urdu_kharab_is_a_hundred_billion() -> None:
    assert _money("حکومت نے 1.2 کھرب روپے کا بجٹ پیش کیا۔", "ur") == [(1.2e11, "PKR")]


def test_a_chinese_currency_word_needs_no_boundary_after_it() -> None:
    assert _money("该项目损失约3.5亿元人民币。", "zh") == [(3.5e8, "CNY")]
    assert _money("公司获得约3亿美元的投资。", "zh") == [(3e8, "USD")]


@pytest.mark.parametrize(("text", "lang"), [
    ("د راتلونکي کال بودیجه ۲.۵ میلیارده افغانۍ ده.", "ps"),
    ("بودجه سال آینده ۲.۵ میلیارد افغانی است.", "prs"),
])
def test_the_afghani_is_money_in_pashto_and_dari(text: str, lang: str) -> None:
    assert _money(text, lang) == [(2.5e9, "AFN")]


def test_persian_thousand_billion_is_one_scale() -> None:
    assert _money("بودجه عمرانی ۳ هزار میلیارد تومان است.", "fa") == [(3e12, "IRT")]


@pytest.mark.parametrize(("text", "value"), [
    ("Inflation rose to 5.5pc in March, the highest in a year.", 5.5),
    ("Inflation rose to 5.5 pc in March, the highest in a year.", 5.5),
    ("The Bank of England held interest rates at 0.25pc.", 0.25),
])
def test_british_pc_after_a_number_is_percent(text: str, value: float) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, "en")] == [(value, "percent")]


def test_capital_pcs_after_a_number_are_personal_computers() -> None:
    (fig,) = extract_figures("The council bought 300 PCs for its libraries.", "en")
    assert (fig.value, fig.kind, fig.unit) == (300.0, "count", "pcs")


def test_a_k_glued_to_digits_is_a_thousand() -> None:
    (fig,) = extract_figures("The petition gathered 300k signatures in a week.", "en")
    assert (fig.value, fig.raw, fig.kind, fig.unit) == (300_000.0, "300k", "count", "signatures")


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("The job pays $50k a year plus bonuses.", 50_000, "USD"),
    ("Junior doctors start on £30k, the union said.", 30_000, "GBP"),
])
def test_a_k_glued_to_a_currency_amount_is_money(text: str, value: int, unit: str) -> None:
    assert _money(text, "en") == [(float(value), unit)]


def test_a_spaced_km_stays_a_distance() -> None:
    (fig,) = extract_figures("The marchers walked the last 5 km in silence.", "en")
    assert (fig.value, fig.unit) == (5.0, "km")


@pytest.mark.parametrize(("text", "values"), [
    ("She won the 10K run in Central Park.", [10.0]),  # a capital K: a race distance or a screen resolution
    ("More than 2,000 runners joined the 5k race on Sunday.", [2000.0, 5.0]),
])
def test_a_capital_k_and_a_k_race_are_not_thousands(text: str, values: list[float]) -> None:
    assert [f.value for f in extract_figures(text, "en")] == values


def test_a_glued_m_before_strong_is_a_million() -> None:
    (fig,) = extract_figures("A 1.5m-strong army is massing on the border.", "en")
    assert (fig.value, fig.raw, fig.kind, fig.unit) == (1_500_000.0, "1.5m", "count", "army")


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("About 1.2m people still live in the besieged city.", 1.2e6, "people"),
    ("Output rose to 3m barrels a day in October.", 3e6, "barrels"),
    ("Some 20m votes were cast in the first round.", 2e7, "votes"),
])
def test_a_glued_m_before_what_only_millions_count_is_a_million(text: str, value: float, unit: str) -> None:
    (fig,) = extract_figures(text, "en")
    assert (fig.value, fig.unit) == (value, unit)


@pytest.mark.parametrize("text", ["Workers finished a 3m wall along the road.", "She won the 100m final.",
                                  "Divers found it in 2m deep water."])
def test_a_glued_m_before_other_words_stays_metres(text: str) -> None:
    (fig,) = extract_figures(text, "en")
    assert fig.scale is None and fig.value < 1000


def test_a_glued_m_before_another_hyphenated_word_stays_metres() -> None:
    # only "-strong" says the m counts people: "1.5m-high", "1.5m-wide" are lengths
    (fig,) = extract_figures("Residents built a 1.5m-high wall around the camp.", "en")
    assert (fig.value, fig.scale) == (1.5, None)


def test_a_glued_bn_before_a_hyphenated_phrase_is_money() -> None:
    assert _money("The ministry signed a $2bn-a-year deal with the contractor.", "en") == [(2e9, "USD")]


def test_the_noun_after_strong_is_what_a_number_counts() -> None:
    (fig,) = extract_figures("A 1,000-strong crowd gathered outside parliament.", "en")
    assert (fig.value, fig.unit) == (1000.0, "crowd")


def test_a_percent_after_at_is_not_a_clock_time() -> None:
    (fig,) = extract_figures("The central bank kept its key rate at 5.25% on Thursday.", "en")
    assert (fig.value, fig.kind) == (5.25, "percent")


@pytest.mark.parametrize(("text", "lang", "unit"), [
    ("Über 30.000 politische Gefangene sitzen in den Haftanstalten des Landes.", "de",
     "politische gefangene"),
    ("В стране содержатся более 30 000 политических заключённых.", "ru", "политических заключённых"),
    ("У країні утримують понад 30 000 політичних в'язнів.", "uk", "політичних в'язнів"),
])
def test_an_adjective_before_its_noun_is_part_of_the_unit(text: str, lang: str, unit: str) -> None:
    (fig,) = extract_figures(text, lang)
    assert (fig.value, fig.unit) == (30_000.0, unit)


@pytest.mark.parametrize(("text", "lang", "unit"), [
    ("Полиция сообщила, что 200 задержанных остаются в изоляторе.", "ru", "задержанных"),
    ("В результате обстрела 30 раненых доставлены в больницу.", "ru", "раненых"),
    ("За тиждень 40 поранених потрапили до лікарні.", "uk", "поранених"),
    ("Погибли 12 российских солдат.", "ru", "российских солдат"),
])
def test_a_russian_noun_in_adjective_form_does_not_take_the_verb_after_it(text: str, lang: str, unit: str) -> None:
    (fig,) = extract_figures(text, lang)
    assert fig.unit == unit


def test_a_german_noun_alone_is_the_unit() -> None:
    (fig,) = extract_figures("Am Samstag demonstrierten 5000 Menschen in Berlin.", "de")
    assert fig.unit == "menschen"


def test_a_russian_singular_noun_ending_like_an_adjective_is_the_unit_alone() -> None:
    (fig,) = extract_figures("ЕС ввёл 500 санкций против компаний.", "ru")
    assert fig.unit == "санкций"


@pytest.mark.parametrize(("text", "lang", "unit"), [
    ("Le régime détient 30 000 prisonniers politiques, selon le rapport.", "fr", "prisonniers"),
    ("El régimen mantiene a 30.000 presos políticos, según el informe.", "es", "presos"),
    ("Il regime detiene 30.000 prigionieri politici, secondo il rapporto.", "it", "prigionieri"),
])
def test_romance_units_are_the_noun_before_its_adjective(text: str, lang: str, unit: str) -> None:
    (fig,) = extract_figures(text, lang)
    assert (fig.value, fig.unit) == (30_000.0, unit)


@pytest.mark.parametrize(("text", "lang"), [
    ("Entre 3 et 4 millions de personnes ont manifesté samedi.", "fr"),
    ("Zwischen 3 und 4 Millionen Menschen sind von der Dürre betroffen.", "de"),
    ("Tra 3 e 4 milioni di persone hanno votato alle primarie.", "it"),
    ("Between 3 and 4 million people were displaced by the floods.", "en"),
    ("Entre 3 y 4 millones de personas viven bajo el umbral de pobreza.", "es"),
    ("Entre 3 e 4 milhões de pessoas votaram no domingo.", "pt"),
    ("От 3 до 4 млн человек покинули страну.", "ru"),
    ("Some 3 to 4 million people were displaced by the floods.", "en"),
    ("Some 3-4 million people were displaced by the floods.", "en"),
    ("بين 3 و4 ملايين شخص نزحوا من منازلهم.", "ar"),
    ("بين 3 و 4 ملايين شخص نزحوا من منازلهم.", "ar"),
    ("Selde 3 ila 4 milyon kişi etkilendi.", "tr"),
    ("בין 3 ל-4 מיליון איש השתתפו בהפגנות.", "he"),
    ("约3到4万人参加了游行。", "zh"),
    ("Some 3 or 4 million people were displaced by the floods.", "en"),
    ("Selden 3 ile 4 milyon kişi arasında etkilendi.", "tr"),
    ("من 3 إلى 4 ملايين شخص نزحوا من منازلهم.", "ar"),
    ("3 עד 4 מיליון איש השתתפו בהפגנות.", "he"),
])
def test_a_range_shares_its_scale_word_with_the_first_number(text: str, lang: str) -> None:
    first, second = extract_figures(text, lang)
    scale = 10_000 if lang == "zh" else 1_000_000
    assert (first.value, first.range_end, second.value) == (3.0 * scale, 4.0 * scale, 4.0 * scale)


def test_a_range_names_what_the_second_number_counts_not_its_connector() -> None:
    first, _ = extract_figures("Entre 3 et 4 millions de personnes ont manifesté.", "fr")
    assert first.unit == "personnes"


def test_a_currency_before_a_range_makes_both_ends_money() -> None:
    first, second = extract_figures("The rebuild will cost $3-4 billion, officials said.")
    assert [(f.value, f.kind, f.unit) for f in (first, second)] == [(3e9, "money", "USD"), (4e9, "money", "USD")]
    assert first.range_end == 4e9


def test_the_first_day_of_a_range_of_dates_is_a_date() -> None:
    first, second = extract_figures("El festival se celebra del 3 al 4 de mayo en Sevilla.", "es")
    assert [(f.value, f.kind) for f in (first, second)] == [(3.0, "date"), (4.0, "date")]


@pytest.mark.parametrize("text, lang, values", [
    ("CBS had 3.1 million, NBC 2.94 and CNN 2.52 million viewers.", "en", [3.1e6, 2.94e6, 2.52e6]),
    ("Les budgets de 1,2, 1,5 et 2 milliards d’euros ont été votés.", "fr", [1.2e9, 1.5e9, 2e9]),
    ("The bids were $1.2, $1.5 and $2 billion.", "en", [1.2e9, 1.5e9, 2e9]),
    ("نیلسن نے بتایا کہ سی بی ایس کے 3.1 ملین، این بی سی کے 2.94، ایم ایس این بی سی کے 2.89 اور سی این این کے"
     " 2.52 ملین ناظرین تھے۔", "ur", [3.1e6, 2.94e6, 2.89e6, 2.52e6]),
])
def test_a_scale_word_closing_a_list_applies_to_the_bare_decimals_in_it(
        text: str, lang: str, values: list[float]) -> None:
    assert [f.value for f in extract_figures(text, lang)] == pytest.approx(values)


@pytest.mark.parametrize("text, lang, first", [
    # a number counting its own noun is another quantity
    ("He averaged 5.6 points and 2.6 million fans watched.", "en", 5.6),
    # a whole number may count anything
    ("Of the 3 channels, 2.5 million viewers chose CBS.", "en", 3.0),
    # a sentence ends between them
    ("Il a obtenu 2,5. Puis 3 millions de personnes ont voté.", "fr", 2.5),
    # another currency
    ("They offered €1.5 and $2 billion.", "en", 1.5),
])
def test_a_list_scale_word_leaves_other_numbers_alone(text: str, lang: str, first: float) -> None:
    assert extract_figures(text, lang)[0].value == first


def test_and_without_between_is_not_a_range() -> None:
    # "3 and 4 million": without "between" the 3 may count something else
    first, _ = extract_figures("He named 3 and 4 million viewers watched.")
    assert (first.value, first.range_end) == (3.0, None)


def test_years_dates_times_ordinals_and_identifiers_are_not_alertable() -> None:
    text = "On 3 May 2019 at 10:30, the 5th report (ref 0800 123 4567) said 2,000 people left."
    kinds = {f.kind for f in extract_figures(text)}
    assert {"year", "date", "time", "ordinal", "identifier", "count"} <= kinds
    assert frozenset({"count", "percent", "money"}) == ALERTABLE_KINDS


def test_a_four_digit_count_of_people_is_not_a_year() -> None:
    (fig,) = extract_figures("1500 protesters were arrested")
    assert fig.kind == "count"


def test_digits_glued_to_letters_are_identifiers() -> None:
    (fig,) = extract_figures("veterans of WW1 gathered")
    assert fig.kind == "identifier"


def test_as_dict_has_the_contract_fields() -> None:
    (fig,) = extract_figures("about 30,000 political prisoners")
    d = fig.as_dict()
    assert {"value", "raw", "start", "end", "kind", "unit"} <= d.keys()
    assert d["unit"] == "political prisoners"


def test_figure_is_immutable() -> None:
    fig = Figure(1.0, "1", 0, 1, "count", None)
    with pytest.raises(AttributeError):
        fig.value = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "no numbers here", "...,,,", "٫٬،", "$", "%", "万亿"])
def test_text_without_numbers_yields_nothing(text: str) -> None:
    assert extract_figures(text) == []


_ALPHABET = st.sampled_from([
    *"0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩०१२३ ,.'٬٫،:-–%$£€/h万亿年月日 \u00a0\u202f",
    "million", "Mrd.", "هزار", "میلیون", "ألف", "مساءً", "pm", "am", "Uhr", "more than ", "بیش از ",
    "WW", "años ", "1980s", "tys", "लाख", "\n", "M€", "Md", "R$", "mln", "bilião", "entre ", " et ", "و",
    "between ", " and ", "ש\"ח", "هزار میلیارد", "Tsd.", "NT$",
])
_TEXTS = st.one_of(st.text(max_size=80), st.lists(_ALPHABET, max_size=30).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_extraction_never_raises_and_spans_index_the_input(text: str) -> None:
    figs = extract_figures(text)
    for f in figs:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.raw
        assert f.kind in {"count", "percent", "money", "year", "date", "time", "ordinal", "identifier"}
        assert f.value == f.value  # not NaN
    starts = [f.start for f in figs]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(figs):
        assert a.end <= b.start


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_integers_read_back_exactly(n: int) -> None:
    text = f"reported {n:,} cases"
    assert [f.value for f in extract_figures(text) if f.kind != "identifier"] == [float(n)]


def test_cli_answers_each_line_in_order_with_its_id() -> None:
    stdin = io.StringIO('{"id": "a", "text": "1,500 protesters"}\n\n{"id": 7, "text": "۱۵۰۰ معترض", "lang": "fa"}\n')
    out = io.StringIO()
    assert figures_command(stdin, out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["a", 7]
    assert rows[0]["figures"][0] == {**rows[0]["figures"][0], "value": 1500.0, "raw": "1,500", "start": 0,
                                     "end": 5, "kind": "count", "unit": "protesters"}
    assert rows[1]["figures"][0]["value"] == 1500.0


def test_cli_reports_a_malformed_line_with_its_number() -> None:
    stdin = io.StringIO('{"id": "a", "text": "1"}\n{"id": "b"}\n')
    with pytest.raises(InputError) as e:
        figures_command(stdin, io.StringIO())
    assert e.value.line == 2


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("مهسا امینی در ۲۵ شهریور ۱۴۰۱ در بازداشت درگذشت.", "fa", [(25.0, "date"), (1401.0, "year")]),
    ("اعتراضات از ۲۶ شهریور آغاز شد و در ۸ مهر به اوج رسید.", "fa", [(26.0, "date"), (8.0, "date")]),
    ("قیام ۱۵ خرداد ۱۳۴۲ در قم آغاز شد.", "fa", [(15.0, "date"), (1342.0, "year")]),
    ("انقلاب ۱۳۵۷ خورشیدی نظام سلطنتی را برانداخت.", "fa", [(1357.0, "year")]),
    ("طالبان در ۲۴ اسد ۱۴۰۰ کابل را تصرف کردند.", "prs", [(24.0, "date"), (1400.0, "year")]),
    ("طالبانو د ۱۴۰۰ کال د اسد په ۲۴مه کابل ونیو.", "ps", [(1400.0, "year"), (24.0, "date")]),
    ("د ۲۲ د وږي ۱۴۰۱ پېښه", "ps", [(22.0, "date"), (1401.0, "year")]),
    ("بدأ الصيام في 1 رمضان 1445 هـ.", "ar", [(1.0, "date"), (1445.0, "year")]),
    ("عُقد المؤتمر في 3 كانون الثاني 2024 في بيروت.", "ar", [(3.0, "date"), (2024.0, "year")]),
])
def test_solar_and_lunar_hijri_and_levantine_dates_are_dates_not_counts(
        text: str, lang: str, expected: list[tuple[float, str]]) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, lang)] == expected


@pytest.mark.parametrize(("text", "unit"), [
    # Afghan month names that are common words are months only between a day and a year
    ("پزشکان ۱۰ سرطان شایع را بررسی کردند.", "سرطان"),
    ("در ماه‌های اخیر ۲۰ میزان بارندگی ثبت شد.", "میزان"),
])
def test_a_month_name_that_is_also_a_common_word_needs_a_year(text: str, unit: str) -> None:
    (fig,) = extract_figures(text, "fa")
    assert (fig.kind, fig.unit) == ("count", unit)


def test_a_gregorian_month_before_a_number_below_1800_leaves_it_a_count() -> None:
    day, count = extract_figures("On 22 September 1500 soldiers crossed the border.", "en")
    assert (day.kind, count.kind, count.unit) == ("date", "count", "soldiers")


@pytest.mark.parametrize(("text", "unit"), [
    ("警方逮捕了1500名抗议者。", "抗议者"),
    ("约3万人走上街头。", "人"),
    ("监狱里关押着3万名政治犯。", "政治犯"),
    ("公司裁减了200名工作人员。", "工作人员"),
    ("约5000家企业受到影响。", "企业"),
])
def test_a_chinese_unit_keeps_its_agent_suffix_and_people_stand_alone(text: str, unit: str) -> None:
    (fig,) = extract_figures(text, "zh")
    assert fig.unit == unit


@pytest.mark.parametrize(("text", "lang", "value"), [
    ("The UN Security Council endorsed the deal in Resolution 2231 in July.", "en", 2231.0),
    ("Under Article 5 of the treaty, the allies must respond together.", "en", 5.0),
    ("Malaysia Airlines Flight 370 vanished over the Indian Ocean.", "en", 370.0),
    ("Le Conseil de sécurité a adopté la résolution 2231 en juillet.", "fr", 2231.0),
    ("Ему предъявили обвинение по статье 282 Уголовного кодекса.", "ru", 282.0),
    ("شورای امنیت قطعنامه ۲۲۳۱ را تصویب کرد.", "fa", 2231.0),
    ("صادق مجلس الأمن على القرار 2231 في يوليو.", "ar", 2231.0),
    ("על פי סעיף 5 לאמנה, בעלות הברית חייבות להגיב.", "he", 5.0),
])
def test_a_number_a_label_word_names_is_an_identifier(text: str, lang: str, value: float) -> None:
    (fig,) = extract_figures(text, lang)
    assert (fig.value, fig.kind) == (value, "identifier")
    assert fig.kind not in ALERTABLE_KINDS


def test_the_number_itself_is_no_label() -> None:
    (fig,) = extract_figures("The number 1,500 keeps coming back in the ministry's statements.", "en")
    assert (fig.value, fig.kind) == (1500.0, "count")


@pytest.mark.parametrize("text", [
    "Read https://example.com/news/2021/04/14/story-4829301.html for the 300 names.",
    "Details at www.example.org/report-2023?page=2 list the 300 names.",
    "Write to press2020@example.com for the 300 names.",
])
def test_numbers_inside_web_and_mail_addresses_are_not_figures(text: str) -> None:
    assert [(f.value, f.unit) for f in extract_figures(text, "en")] == [(300.0, "names")]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("این بخشنامه در تاریخ ۱۴۰۲/۱۰/۱۵ ابلاغ شد.", "fa", [(1402.0, "year"), (15.0, "date")]),
    ("صدر القرار بتاريخ ١٤٤٥/٠٩/١٥ هـ.", "ar", [(1445.0, "year"), (15.0, "date")]),
    ("The decree is dated 2024/03/12 in the official gazette.", "en", [(2024.0, "year"), (12.0, "date")]),
])
def test_a_date_written_year_first_with_slashes_is_a_year_and_a_day(
        text: str, lang: str, expected: list[tuple[float, str]]) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, lang)] == expected


@pytest.mark.parametrize(("text", "raw"), [
    ("The maintainers shipped 2.0.1 last week.", "2.0.1"),
    ("Upgrade every server to version 3.12.4 before Friday.", "3.12.4"),
    ("The attack came from 192.168.1.1, the report says.", "192.168.1.1"),
])
def test_a_version_or_an_address_is_one_identifier(text: str, raw: str) -> None:
    (fig,) = extract_figures(text, "en")
    assert (fig.raw, fig.kind) == (raw, "identifier")


def test_dotted_thousands_stay_a_number() -> None:
    (fig,) = extract_figures("Más de 1.500.000 personas votaron.", "es")
    assert (fig.value, fig.kind) == (1_500_000.0, "count")


def test_a_list_scale_word_gives_exact_plain_values() -> None:
    # 2.01 * 10**6 in binary floating point is 2009999.9999999998
    figs = extract_figures("Ratings were 2.01, 2.03 and 2.5 million dollars.", "en")
    assert [(f.value, f.kind, f.unit) for f in figs] == [(2_010_000.0, "money", "USD"), (2_030_000.0, "money", "USD"),
                                                         (2_500_000.0, "money", "USD")]
