"""Pair similarity (monitor.similarity.compare) and the `monitor similar` contract."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.cli.cmd_similar import similar_command
from monitor.errors import ConfigError, InputError
from monitor.language import LanguageIdentifier
from monitor.similarity import MODEL_FILE, Similarity, compare
from monitor.similarity_fit import fold_of

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
    assert not compare(ARTICLES["other_en"], ARTICLES["story_en"]).duplicate
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


# Sentence pairs written for these tests (news style, not taken from any corpus).
PARAPHRASES = [
    ("The central bank raised its benchmark interest rate by a quarter point on Thursday.",
     "On Thursday the central bank lifted its benchmark rate by a quarter of a point."),
    ("Firefighters evacuated two villages as the wildfire spread towards the coast overnight.",
     "Two villages were evacuated overnight by firefighters as the wildfire moved towards the coast."),
    ("The minister resigned after the newspaper published the leaked emails.",
     "After the leaked emails were published by the newspaper, the minister resigned."),
]
NON_PARAPHRASES = [
    ("The central bank raised its benchmark interest rate by a quarter point on Thursday.",
     "The central bank's governor will speak to parliament about inflation next month."),
    ("Firefighters evacuated two villages as the wildfire spread towards the coast overnight.",
     "Firefighters said the cause of last summer's wildfire is still under investigation."),
]


@pytest.fixture(scope="module")
def model() -> Similarity:
    return Similarity.load()


@pytest.mark.parametrize(("a", "b"), PARAPHRASES)
def test_reworded_sentence_is_a_duplicate(model: Similarity, a: str, b: str) -> None:
    assert compare(a, b, model=model).duplicate


@pytest.mark.parametrize(("a", "b"), NON_PARAPHRASES)
def test_sentence_on_the_same_topic_telling_something_else_is_not_a_duplicate(
        model: Similarity, a: str, b: str) -> None:
    assert not compare(a, b, model=model).duplicate


def test_a_different_figure_outweighs_high_word_overlap(model: Similarity) -> None:
    a = "The company said it would cut 1,200 jobs at its plants in Ohio by the end of the year."
    same = "The company said it would cut 1,200 jobs at its Ohio plants by the end of this year."
    other = "The company said it would cut 4,500 jobs at its plants in Ohio by the end of the year."
    assert compare(a, same, model=model).duplicate
    assert not compare(a, other, model=model).duplicate
    assert compare(a, other, model=model).score < compare(a, same, model=model).score


@pytest.mark.parametrize(("a", "b"), PARAPHRASES + NON_PARAPHRASES)
def test_score_is_symmetric(model: Similarity, a: str, b: str) -> None:
    assert compare(a, b, model=model).score == pytest.approx(compare(b, a, model=model).score, abs=1e-12)


def test_compare_without_a_model_uses_the_shipped_one(model: Similarity) -> None:
    a, b = PARAPHRASES[0]
    assert compare(a, b).score == compare(a, b, model=model).score


def test_unreadable_model_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"threshold": 0.5}', encoding="utf-8")
    with pytest.raises(ConfigError, match="fit_similarity"):
        Similarity.load(bad)


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


def test_model_with_features_this_version_lacks_is_a_config_error(tmp_path: Path) -> None:
    raw = json.loads(MODEL_FILE.read_text("utf-8"))
    raw["coefficients"]["feature_from_the_future"] = 1.0
    stale = tmp_path / "model.json"
    stale.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="feature_from_the_future"):
        Similarity.load(stale)


def test_similar_command_round_trips_sentence_pairs_with_their_ids() -> None:
    pairs = [*PARAPHRASES, *NON_PARAPHRASES]
    stdin = "".join(json.dumps({"id": f"s{i}", "a": a, "b": b}) + "\n" for i, (a, b) in enumerate(pairs))
    out = io.StringIO()
    assert similar_command(io.StringIO(stdin), out) == 0
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [a["id"] for a in answers] == [f"s{i}" for i in range(len(pairs))]
    assert [a["duplicate"] for a in answers] == [True] * len(PARAPHRASES) + [False] * len(NON_PARAPHRASES)
    assert all(isinstance(a["score"], float) and 0 <= a["score"] <= 1 for a in answers)


def test_similar_command_names_the_malformed_line() -> None:
    with pytest.raises(InputError, match="line 2"):
        similar_command(io.StringIO('{"id":1,"a":"x","b":"y"}\n{"id":2,"a":"x"}\n'), io.StringIO())


_NEWS_WORDS = ["the", "minister", "said", "police", "arrested", "12", "people", "on", "Monday", "in", "Paris",
               "not", "shares", "rose", "3.5", "percent", "after", "report", "Reuters", "bank", "cut", "jobs"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_NEWS_WORDS), max_size=25), st.lists(st.sampled_from(_NEWS_WORDS), max_size=25))
def test_sentence_score_is_symmetric_and_bounded_for_any_word_sequence(a: list[str], b: list[str]) -> None:
    model = Similarity.load()
    left, right = model.sentence_pair(" ".join(a), " ".join(b)), model.sentence_pair(" ".join(b), " ".join(a))
    assert 0.0 <= left.score <= 1.0
    assert left.score == pytest.approx(right.score, abs=1e-9)
    assert left.duplicate == right.duplicate


def test_folds_are_fixed_by_the_pair_id_alone() -> None:
    ids = [f"{n}-{n + 7}" for n in range(200)]
    first = [fold_of(i, 10) for i in ids]
    assert first == [fold_of(i, 10) for i in ids]
    assert set(first) == set(range(10))
