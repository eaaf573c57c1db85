"""Specification of LanguageIdentifier: the default detector, candidates, hints, 'und', items, CLI."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from monitor.cli.cmd_lang import lang_command, normalize_command
from monitor.errors import InputError
from monitor.language import LanguageIdentifier, LanguageResult, calibrated

DATA = Path(__file__).parent / "data" / "language"
SHARED = Path(os.environ.get("MONITOR_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return LanguageIdentifier()


def _sentences() -> list[tuple[str, str]]:
    lines = (DATA / "news_sentences.tsv").read_text(encoding="utf-8").splitlines()
    return [(r[0], r[1]) for r in (ln.split("\t") for ln in lines if ln and not ln.startswith("#"))]


@pytest.mark.parametrize(("lang", "text"), _sentences(), ids=[s[0] for s in _sentences()])
def test_default_detector_identifies_a_news_sentence_in_each_core_language(
        ident: LanguageIdentifier, lang: str, text: str) -> None:
    result = ident.detect(text)
    assert result.lang == lang
    assert result.confidence >= 0.5


def test_result_as_dict_has_lang_and_confidence(ident: LanguageIdentifier) -> None:
    d = ident.detect("The ministry reported that 1,500 people were detained.").as_dict()
    assert d["lang"] == "en"
    assert isinstance(d["confidence"], float) and 0 <= d["confidence"] <= 1


def test_text_without_letters_is_undetermined(ident: LanguageIdentifier) -> None:
    assert ident.detect("12:30 — 15% (+3) https://example.com/a?b=1") == LanguageResult("und", 0.0)


def test_empty_text_is_undetermined(ident: LanguageIdentifier) -> None:
    assert ident.detect("").lang == "und"


def test_persian_sentence_is_never_arabic_or_urdu(ident: LanguageIdentifier) -> None:
    assert ident.detect("نیروهای امنیتی دست‌کم ۱۵۰۰ معترض را بازداشت کردند.").lang == "fa"


def test_hindi_headline_is_not_marathi(ident: LanguageIdentifier) -> None:
    assert ident.detect("चिंता जताना हर नेता का नैतिक अधिकार होता है।").lang == "hi"


def test_hint_tips_an_ambiguous_word_towards_the_declared_language(ident: LanguageIdentifier) -> None:
    # "real" is Spanish, Portuguese and English alike; the feed's declared language decides.
    assert ident.detect("real", hint="pt").lang == "pt"
    assert ident.detect("real", hint="es").lang == "es"


def test_hint_does_not_override_clear_evidence(ident: LanguageIdentifier) -> None:
    text = "Die Bundesregierung hat am Dienstag ein neues Gesetz beschlossen."
    assert ident.detect(text, hint="fr").lang == "de"


def test_hint_with_region_subtag_is_understood(ident: LanguageIdentifier) -> None:
    assert ident.detect("real", hint="pt-BR").lang == "pt"


def test_candidates_restrict_the_answer() -> None:
    ident = LanguageIdentifier(candidates=["es", "pt"])
    assert ident.detect("Il governo ha annunciato un nuovo piano.").lang in {"es", "pt", "und"}


def test_candidates_exclude_a_script_decided_language() -> None:
    ident = LanguageIdentifier(candidates=["en", "fr"])
    assert ident.detect("משרד הבריאות הודיע").lang == "und"


def test_single_candidate_answers_it_for_any_text_in_a_compatible_script() -> None:
    assert LanguageIdentifier(candidates=["de"]).detect("Guten Morgen").lang == "de"


def test_very_uncertain_answer_is_undetermined_under_a_high_threshold() -> None:
    strict = LanguageIdentifier(min_confidence=0.95)
    assert strict.detect("casa").lang == "und"


def test_mixed_item_reports_its_main_language(ident: LanguageIdentifier) -> None:
    result = ident.detect_item(
        title="Brexit: le Royaume-Uni et l'Union européenne trouvent un accord",
        summary="<p>Les négociateurs ont annoncé jeudi un accord sur la pêche, selon la BBC.</p>",
        content="« Deal done », a écrit le Premier ministre sur Twitter. " * 3)
    assert result.lang == "fr"


def test_detect_item_reads_html_summary(ident: LanguageIdentifier) -> None:
    result = ident.detect_item("", "<div><p>Правительство объявило о новом плане.</p></div>", "")
    assert result.lang == "ru"


def test_detect_many_matches_detect(ident: LanguageIdentifier) -> None:
    texts = [t for _, t in _sentences()]
    assert [r.lang for r in ident.detect_many(texts)] == [ident.detect(t).lang for t in texts]


def test_detection_is_deterministic(ident: LanguageIdentifier) -> None:
    text = "Esto es una prueba"
    assert len({ident.detect(text) for _ in range(5)}) == 1


def test_latin_sentence_second_opinion_is_deterministic_across_processes_state() -> None:
    # Uncertain Latin-script sentences get seeded langdetect's probabilities as a second opinion.
    texts = ["Como esto siga asi..", "A ocupar o último lugar do pódio, está Elvis Presley.",
             "Avec tous mes regrets.", "Escrevo letras de músicas para bandas."]
    first = [LanguageIdentifier().detect(t) for t in texts]
    again = [LanguageIdentifier().detect(t) for t in texts]
    assert [(r.lang, round(r.confidence, 6)) for r in again] == \
        [(r.lang, round(r.confidence, 6)) for r in first]


def test_long_text_is_read_only_up_to_max_chars() -> None:
    ident = LanguageIdentifier(max_chars=60)
    text = "The government announced a new plan on Tuesday morning. " + "Die Regierung hat " * 200
    assert ident.detect(text).lang == "en"


def test_calibrated_confidence_grows_with_posterior_and_length() -> None:
    assert calibrated(0.9, 10) > calibrated(0.5, 10)
    assert calibrated(0.5, 200) > calibrated(0.5, 5)


def test_lang_command_answers_each_line_in_order(ident: LanguageIdentifier) -> None:
    lines = [{"id": "a", "text": "The ministry reported that 1,500 people were detained."},
             {"id": 2, "text": "نیروهای امنیتی دست‌کم ۱۵۰۰ معترض را بازداشت کردند.", "hint": "fa"}]
    out = io.StringIO()
    rc = lang_command(io.StringIO("".join(json.dumps(x) + "\n" for x in lines)), out, ident)
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rc == 0
    assert [(a["id"], a["lang"]) for a in answers] == [("a", "en"), (2, "fa")]
    assert all(isinstance(a["confidence"], float) for a in answers)


def test_lang_command_names_the_malformed_line(ident: LanguageIdentifier) -> None:
    with pytest.raises(InputError, match="line 2"):
        lang_command(io.StringIO('{"id":1,"text":"hi"}\n{"id":2}\n'), io.StringIO(), ident)


def test_normalize_command_detects_language_when_not_given(ident: LanguageIdentifier) -> None:
    out = io.StringIO()
    normalize_command(io.StringIO('{"id":"b","text":"كتاب ي۱۵"}\n{"id":"c","text":"İSTANBUL","lang":"tr"}\n'),
                      out, ident)
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert answers[0]["text"] == "کتاب ی15"
    assert answers[1] == {"id": "c", "lang": "tr", "text": "istanbul"}


@pytest.mark.skipif(not (SHARED / "langid").is_dir(), reason=f"shared langid data not found at {SHARED}")
def test_persian_sentences_of_the_shared_data_are_never_arabic_or_urdu(ident: LanguageIdentifier) -> None:
    lines = (SHARED / "langid" / "sentences" / "fa.txt").read_text(encoding="utf-8").splitlines()
    answers = {ident.detect(line).lang for line in lines[:200] if line.strip()}
    assert not answers & {"ar", "ur"}
