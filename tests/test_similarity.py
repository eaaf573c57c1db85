"""Pair similarity (monitor.similarity.compare) and the `monitor similar` contract."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from monitor.cli.cmd_similar import similar_command
from monitor.errors import InputError
from monitor.language import LanguageIdentifier
from monitor.similarity import compare

ARTICLES = json.loads((Path(__file__).parent / "data" / "matching" / "articles.json").read_text("utf-8"))
STORY = ARTICLES["story_en"]


def test_verbatim_republication_is_a_duplicate() -> None:
    assert compare(STORY, ARTICLES["verbatim_en"]).duplicate


def test_edited_copy_is_a_duplicate() -> None:
    assert compare(STORY, ARTICLES["edited_en"]).duplicate


def test_article_quoting_one_paragraph_is_not_a_whole_duplicate() -> None:
    assert not compare(STORY, ARTICLES["partial_en"]).duplicate


@pytest.mark.parametrize("other", ["other_en", "other_fr", "other_ru"])
def test_unrelated_items_sharing_boilerplate_are_never_duplicates(other: str) -> None:
    assert not compare(STORY, ARTICLES[other]).duplicate
    assert not compare(ARTICLES["verbatim_en"], ARTICLES[other]).duplicate


def test_unrelated_items_with_the_same_footer_are_not_duplicates_of_each_other() -> None:
    assert not compare(ARTICLES["other_en"], ARTICLES["story_en"].replace("Dock", "Dock")).duplicate
    assert not compare(ARTICLES["other_fr"], ARTICLES["other_ru"]).duplicate


@pytest.mark.parametrize("lang", ["ru", "fa", "ar"])
def test_translation_in_another_script_is_a_duplicate(lang: str) -> None:
    assert compare(STORY, ARTICLES[f"story_{lang}"]).duplicate


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_translation_in_the_same_script_is_a_duplicate_when_languages_are_given(lang: str) -> None:
    assert compare(STORY, ARTICLES[f"story_{lang}"], lang_a="en", lang_b=lang).duplicate


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_translation_in_the_same_script_is_a_duplicate_when_languages_are_detected(lang: str) -> None:
    assert compare(STORY, ARTICLES[f"story_{lang}"], identifier=LanguageIdentifier()).duplicate


def test_detected_languages_do_not_link_unrelated_articles() -> None:
    assert not compare(STORY, ARTICLES["other_fr"], identifier=LanguageIdentifier()).duplicate


def test_unrelated_story_in_the_same_language_as_a_translation_is_not_linked() -> None:
    assert not compare(ARTICLES["story_fa"], ARTICLES["other2_fa"]).duplicate
    assert not compare(STORY, ARTICLES["other2_fa"]).duplicate


def test_sentence_paraphrase_is_a_duplicate() -> None:
    a = 'Amrozi accused his brother, whom he called "the witness", of deliberately distorting his evidence.'
    b = 'Referring to him as only "the witness", Amrozi accused his brother of deliberately distorting his evidence.'
    assert compare(a, b).duplicate


def test_sentences_with_different_figures_are_not_duplicates() -> None:
    a = "Yucaipa owned Dominick's before selling the chain to Safeway in 1998 for $2.5 billion."
    b = "Yucaipa bought Dominick's in 1995 for $693 million and sold it to Safeway for $1.8 billion in 1998."
    assert not compare(a, b).duplicate


def test_score_is_between_zero_and_one() -> None:
    for other in ARTICLES.values():
        assert 0.0 <= compare(STORY, other).score <= 1.0


def test_similar_command_answers_each_pair_in_order() -> None:
    lines = [{"id": "p1", "a": STORY, "b": ARTICLES["verbatim_en"]}, {"id": 2, "a": STORY, "b": ARTICLES["other_en"]}]
    out = io.StringIO()
    code = similar_command(io.StringIO("".join(json.dumps(x) + "\n" for x in lines)), out)
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert code == 0
    assert [(a["id"], a["duplicate"]) for a in answers] == [("p1", True), (2, False)]
    assert all(0 <= a["score"] <= 1 for a in answers)


def test_similar_command_names_the_malformed_line() -> None:
    with pytest.raises(InputError, match="line 2"):
        similar_command(io.StringIO('{"id":1,"a":"x","b":"y"}\n{"id":2,"a":"x"}\n'), io.StringIO())
