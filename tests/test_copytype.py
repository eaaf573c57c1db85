"""Copy type of narrative members against their origin, on the demo corpus' real multilingual
articles (config/demo/source), and the earliest trustworthy time behind the origin."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import yaml

from monitor.copytype import CopyThresholds, TextSide, classify, compare, trusted_time
from monitor.demo import DEMO_DIR
from monitor.normalize import normalize_text


@cache
def _source_items() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((DEMO_DIR / "source").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in doc["items"]:
            out[item["id"]] = {**item, "lang": item.get("lang", doc.get("language"))}
    return out


def side(item_id: str) -> TextSide:
    item = _source_items()[item_id]
    body = html.unescape(re.sub(r"<[^>]+>", " ", item.get("body") or ""))
    text = f"{item['title']}\n{body}"
    return TextSide(normalize_text(text, item["lang"]), text, item["lang"])


def copy_type(member: str, origin: str) -> str:
    return classify(compare(side(member), side(origin)))


def test_the_same_article_republished_is_verbatim() -> None:
    assert copy_type("td-en-2026-11-18-port-strike", "nl-2026-11-18-port-strike") == "verbatim"


def test_a_new_headline_and_rewritten_sentences_make_an_edited_copy() -> None:
    scores = compare(side("vv-en-2026-11-17-caspian-pipeline"), side("nl-2026-11-17-caspian-pipeline"))
    assert not scores["same_text"]
    assert classify(scores) == "edited"


def test_a_shared_talking_point_inside_different_articles_is_partial() -> None:
    scores = compare(side("am-en-2026-11-20-gulf-customs-union"), side("td-en-2026-11-19-rail-link-iraq"))
    assert scores["shared_passages"] >= 1
    assert classify(scores) == "partial"


def test_a_persian_and_an_arabic_version_of_an_english_report_are_translated() -> None:
    for member in ("td-fa-2026-11-20-kerman-earthquake", "am-ar-2026-11-20-kerman-earthquake"):
        scores = compare(side(member), side("nl-2026-11-20-kerman-earthquake"))
        assert scores["lang"] != scores["origin_lang"]
        assert classify(scores) == "translated", (member, scores)


def test_french_and_german_versions_share_names_and_numbers_with_the_origin() -> None:
    for member in ("lv-2026-11-19-darfour-faim", "rb-2026-11-20-darfur-hunger"):
        scores = compare(side(member), side("nl-2026-11-19-darfur-hunger"))
        assert scores["shared_evidence"] >= CopyThresholds().translated_min_shared
        assert classify(scores) == "translated"


def test_another_language_without_shared_evidence_is_rewritten_not_translated() -> None:
    scores = compare(side("vv-ru-2026-11-16-vladivostok-snegopad"), side("nl-2026-11-20-kerman-earthquake"))
    assert classify(scores) == "rewritten"


def test_same_story_in_other_words_is_rewritten() -> None:
    # Two English reports of the same detentions, written independently.
    scores = compare(side("vv-en-2026-11-18-iran-unrest"), side("nl-2026-11-17-iran-protest-detentions"))
    assert scores["jaccard"] < CopyThresholds().edited_jaccard
    assert classify(scores) in {"rewritten", "partial"}
    assert classify({**scores, "shared_passages": 0, "containment": 0.0}) == "rewritten"


def test_thresholds_decide_between_edited_and_partial() -> None:
    scores = compare(side("vv-en-2026-11-17-caspian-pipeline"), side("nl-2026-11-17-caspian-pipeline"))
    strict = CopyThresholds(edited_jaccard=1.0, edited_containment=1.0)
    assert classify(scores, strict) == "partial"


T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_a_claimed_time_consistent_with_polling_is_believed() -> None:
    assert trusted_time(T0 - timedelta(minutes=10), T0, T0 - timedelta(minutes=15)) == (T0 - timedelta(minutes=10),
                                                                                          None)


def test_a_future_dated_item_falls_back_to_the_fetch_time() -> None:
    assert trusted_time(T0 + timedelta(hours=5), T0, None) == (T0, "future_dated")


def test_an_item_claiming_a_time_before_a_poll_that_did_not_show_it_is_back_dated() -> None:
    assert trusted_time(T0 - timedelta(days=2), T0, T0 - timedelta(minutes=15)) == (T0, "back_dated")


def test_on_a_feeds_first_poll_an_old_date_is_believed() -> None:
    assert trusted_time(T0 - timedelta(days=2), T0, None) == (T0 - timedelta(days=2), None)
