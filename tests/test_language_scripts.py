"""Specification of the writing-system rules (monitor.scripts): each rule with real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.scripts import analyze, main_script, script_counts

DATA = Path(__file__).parent / "data" / "language"


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize(("expected", "text", "rule"), _rows("script_rules.tsv"),
                         ids=[r[2] for r in _rows("script_rules.tsv")])
def test_script_rule_decides_language(expected: str, text: str, rule: str) -> None:
    assert analyze(text).decided == expected


def test_persian_urdu_letters_in_one_word_exclude_arabic_but_leave_persian_or_urdu() -> None:
    verdict = analyze("گزارش")
    assert verdict.decided is None
    assert verdict.allowed == {"fa", "ur"}


def test_arabic_with_persian_keyboard_letters_keeps_arabic_possible() -> None:
    # Iranian outlets publishing in Arabic type ی and ک; the article al- and Arabic function
    # words show the language is Arabic.
    verdict = analyze("وأشار الرئیس الایرانی خلال اتصال هاتفی الی اهمیة الاستفادة من الأجواء")
    assert verdict.decided is None
    assert "ar" in verdict.allowed


def test_arabic_text_with_urdu_heh_is_not_forced_to_urdu() -> None:
    verdict = analyze("ومن النطاقات الصالحة لاستخدامات ھذا الطلاء الأماكن التجارية والمنازل")
    assert verdict.decided != "ur"
    assert "ar" in verdict.allowed


def test_plain_arabic_without_distinguishing_letters_allows_all_three() -> None:
    assert analyze("اعلام").allowed == {"ar", "fa", "ur"}


def test_persian_function_words_give_persian_evidence() -> None:
    verdict = analyze("وزارت امور خارجه در بیانیه‌ای اعلام کرد که این سفر لغو شد")
    assert verdict.decided == "fa"
    assert verdict.bonus["fa"] > 0


def test_hindi_function_words_give_hindi_evidence_over_marathi() -> None:
    verdict = analyze("प्रधानमंत्री ने कहा कि सरकार किसानों के लिए नई योजना लाएगी")
    assert verdict.allowed == {"hi", "mr"}
    assert verdict.bonus.get("hi", 0) > verdict.bonus.get("mr", 0)


def test_marathi_function_words_give_marathi_evidence() -> None:
    verdict = analyze("मुख्यमंत्र्यांनी सांगितले की ही योजना राज्यासाठी महत्त्वाची आहे आणि लवकरच सुरू होईल")
    assert verdict.bonus.get("mr", 0) > verdict.bonus.get("hi", 0)


def test_ukrainian_text_quoting_a_russian_word_stays_ukrainian() -> None:
    text = "Передача Вікна-новини (выпуск 22:00). У чернігівських лікарнях можуть відмовитись від операцій."
    assert analyze(text).decided == "uk"


def test_cyrillic_without_marker_letters_leaves_the_cyrillic_languages_open() -> None:
    verdict = analyze("Работа")
    assert verdict.decided is None
    assert {"ru", "uk", "bg"} <= verdict.allowed


def test_kazakh_letters_point_to_kazakh_or_mongolian() -> None:
    assert analyze("Қазақстан үкіметі").allowed == {"kk", "mn"}


def test_serbian_letters_point_to_serbian_or_macedonian() -> None:
    assert analyze("Љубљана и Београд").allowed == {"sr", "mk"}


def test_devanagari_allows_hindi_and_marathi_only() -> None:
    assert analyze("भारत").allowed == {"hi", "mr"}


def test_latin_boilerplate_does_not_outweigh_an_urdu_sentence() -> None:
    text = ("NET Date: Fri, 31 Jul 2015 GMT Connection: close Content-Length: 160561 "
            "یہ بات سنہ 2005 کی ہے")
    verdict = analyze(text)
    assert verdict.script == "Arabic"
    assert verdict.decided == "ur"


def test_focus_text_drops_letters_of_other_scripts() -> None:
    verdict = analyze("Breaking News پاکستان کے وزیر")
    assert "Breaking" not in verdict.focus
    assert "پاکستان" in verdict.focus


def test_english_sentence_with_a_quoted_chinese_name_stays_latin() -> None:
    counts = script_counts("President Xi Jinping (习近平) met the delegation in Beijing on Monday.")
    assert main_script(counts) == "Latin"


def test_japanese_headline_with_kana_is_japanese_not_chinese() -> None:
    assert analyze("日本政府は新たな経済対策を発表した").decided == "ja"


def test_text_without_letters_has_no_script() -> None:
    verdict = analyze("2024-05-01 12:30 — 15% (+3)")
    assert verdict.script is None
