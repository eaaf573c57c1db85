"""Specification of normalize_text: one rule per test, with real text in the core languages,
and hypothesis properties (total and idempotent on any Unicode)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.normalize import normalize_text

ZWNJ = "\u200c"


# -- Unicode and HTML --------------------------------------------------------------------------

def test_nfkc_folds_compatibility_forms() -> None:
    assert normalize_text("ﬁnance Ｔｏｋｙｏ ①") == "finance tokyo 1"


def test_arabic_presentation_forms_become_plain_letters() -> None:
    assert normalize_text("\ufefb \ufe8e") == "لا ا"


def test_html_tags_are_stripped_and_entities_decoded() -> None:
    assert normalize_text("<p>Le&nbsp;gouvernement <b>a annoncé</b> &laquo;un plan&raquo;</p>") == \
        'le gouvernement a annoncé "un plan"'


def test_script_and_style_content_is_dropped() -> None:
    assert normalize_text("<script>var x=1;</script><p>Regierung</p>") == "regierung"


def test_double_encoded_markup_does_not_come_back_as_a_tag() -> None:
    out = normalize_text("x &amp;lt;b&amp;gt; y")
    assert "<b>" not in out
    assert normalize_text(out) == out


# -- invisible characters and ZWNJ -------------------------------------------------------------

def test_zero_width_characters_are_removed() -> None:
    assert normalize_text("Wa\u200bshing\u2060ton\ufeff\u00ad") == "washington"


def test_bidi_marks_are_removed() -> None:
    assert normalize_text("\u200fשלום\u200e world") == "שלום world"


def test_persian_zwnj_inside_a_word_is_kept_once() -> None:
    assert normalize_text(f"می{ZWNJ}{ZWNJ}شود") == f"می{ZWNJ}شود"


def test_zwnj_at_a_word_edge_is_dropped() -> None:
    assert normalize_text(f"{ZWNJ}کتاب{ZWNJ} خوب") == "کتاب خوب"


def test_zero_width_joiner_used_instead_of_zwnj_is_removed() -> None:
    assert normalize_text("می\u200dشود") == "میشود"


# -- Arabic-script letters ---------------------------------------------------------------------

def test_arabic_yeh_and_kaf_become_persian_forms() -> None:
    assert normalize_text("كتاب يوم") == "کتاب یوم"


def test_alef_maksura_becomes_yeh() -> None:
    assert normalize_text("مستشفى") == "مستشفی"


def test_alef_variants_become_bare_alef() -> None:
    assert normalize_text("أحمد إسلام آب ٱلله") == "احمد اسلام اب الله"


def test_heh_with_yeh_above_is_spelled_heh_zwnj_yeh() -> None:
    assert normalize_text("خانۀ ما") == normalize_text(f"خانه{ZWNJ}ی ما") == f"خانه{ZWNJ}ی ما"


def test_harakat_are_removed() -> None:
    assert normalize_text("مُحَمَّدٌ") == "محمد"


def test_tatweel_is_removed() -> None:
    assert normalize_text("ســـلام") == "سلام"


def test_urdu_letters_are_left_alone() -> None:
    assert normalize_text("پاکستان کے لیے بڑا") == "پاکستان کے لیے بڑا"


# -- digits and separators ---------------------------------------------------------------------

def test_persian_digits_become_ascii() -> None:
    assert normalize_text("۱۴۰۲") == "1402"


def test_arabic_indic_digits_and_separators_become_ascii() -> None:
    assert normalize_text("٣٫٥ و ١٬٢٠٠") == "3.5 و 1,200"


def test_devanagari_digits_become_ascii() -> None:
    assert normalize_text("२०२४ में") == "2024 में"


# -- quotes, dashes, spaces, case --------------------------------------------------------------

def test_typographic_quotes_are_unified() -> None:
    assert normalize_text("„Gut“ «bien» ‘ok’ 「好」") == "\"gut\" \"bien\" 'ok' \"好\""


def test_dashes_are_unified() -> None:
    assert normalize_text("2020–2024 — ‒ − ―") == "2020-2024 - - - -"


def test_spaces_and_line_breaks_collapse_to_one_space() -> None:
    assert normalize_text("  Rome\u00a0\u2009 is\n\n\tbig  ") == "rome is big"


def test_text_is_casefolded() -> None:
    assert normalize_text("Straße ΑΘΗΝΑ Москва") == "strasse αθηνα москва"


def test_turkish_dotted_and_dotless_i_fold_the_turkish_way() -> None:
    assert normalize_text("İSTANBUL ISPARTA", "tr") == "istanbul ısparta"


def test_other_languages_fold_capital_i_to_i() -> None:
    assert normalize_text("ISTANBUL", "en") == "istanbul"


# -- feed boilerplate --------------------------------------------------------------------------

def test_wordpress_attribution_is_removed_in_english() -> None:
    html = ("<p>Talks resumed on Monday.</p>"
            "<p>The post <a href='https://x.example/a'>Talks resume</a> appeared first on "
            "<a href='https://x.example'>Example News</a>.</p>")
    assert normalize_text(html) == "talks resumed on monday."


def test_wordpress_attribution_is_removed_in_german_french_spanish_portuguese() -> None:
    for line in ("Der Beitrag Neue Regeln erschien zuerst auf Beispiel.de.",
                 "L’article Nouvelles règles est apparu en premier sur Exemple.",
                 "La entrada Nuevas reglas se publicó primero en Ejemplo.",
                 "O post Novas regras apareceu primeiro em Exemplo."):
        assert normalize_text(f"Texto.\n{line}") == "texto."


def test_wordpress_attribution_is_removed_in_russian_and_persian() -> None:
    assert normalize_text("Текст.\nЗапись Новые правила впервые появилась на Пример.") == "текст."
    assert normalize_text("متن.\nنوشته قوانین جدید اولین بار در نمونه پدیدار شد.") == "متن."


def test_continue_reading_prompt_after_an_ellipsis_is_removed() -> None:
    assert normalize_text("The minister resigned… Continue reading →") == "the minister resigned."


def test_read_more_line_is_removed_in_each_language() -> None:
    for prompt in ("Read more", "Weiterlesen", "Lire la suite", "Leer más", "Leggi tutto",
                   "Leia mais", "Читать далее", "Читати далі", "Devamını oku", "اقرأ المزيد",
                   "ادامه مطلب", "और पढ़ें", "مزید پڑھیں", "קרא עוד", "阅读全文"):
        assert normalize_text(f"Body text.\n{prompt} »") == "body text.", prompt


def test_share_prompts_are_removed() -> None:
    assert normalize_text("Die Regierung tritt zurück.\nTeilen\nShare on Facebook") == \
        "die regierung tritt zurück."


def test_read_more_inside_a_sentence_is_kept() -> None:
    assert normalize_text("Students read more books than before.") == \
        "students read more books than before."


# -- properties --------------------------------------------------------------------------------

def test_empty_text_normalizes_to_empty() -> None:
    assert normalize_text("") == ""


@settings(max_examples=400, deadline=None)
@given(st.text(), st.sampled_from([None, "en", "tr", "fa", "ar", "ru"]))
def test_normalize_is_total_and_idempotent_on_any_unicode(text: str, lang: str | None) -> None:
    once = normalize_text(text, lang)
    assert isinstance(once, str)
    assert normalize_text(once, lang) == once


_PIECES = st.sampled_from([
    "<p>", "</p>", "<b>", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#1740;", "<br/>", "\u200c", "\u200d",
    "\u200b", "ي", "ك", "ۀ", "ه", "\u0654", "ـ", "َ", "۱", "٫", "٬", "“", "—", "\u00a0", "\n", " ",
    "İ", "I", "ß", "Read more", "The post ", " appeared first on ", "…", ".", "Continue reading",
    "ﷺ", "ﬁ", "Ｔ", "a", "z", "میشود", "خبر", "Новости", "<script>", "</script>",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join), st.sampled_from([None, "tr", "fa"]))
def test_normalize_is_idempotent_on_markup_and_arabic_script_mixtures(text: str, lang: str | None) -> None:
    once = normalize_text(text, lang)
    assert normalize_text(once, lang) == once
