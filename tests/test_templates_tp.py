"""Talking-point templates (monitor.templates_tp): sentences that recur with only figures, dates,
names or places swapped, on real news sentences in several languages and on the demo corpus'
planted template (config/demo/expected.yaml `templates:`)."""

from __future__ import annotations

import html
import re
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from monitor.demo import DEMO_DIR
from monitor.templates_tp import NAME, NUM, find_templates, mask_sentence

EXPECTED = yaml.safe_load((DEMO_DIR / "expected.yaml").read_text(encoding="utf-8"))


def doc(item_id: int, outlet: str, text: str, published: str = "2026-11-20T10:00:00Z") -> dict[str, Any]:
    return {"item_id": item_id, "outlet": outlet, "text": text, "published": published}


def test_figures_and_capitalised_names_are_masked_and_kept_as_fillers() -> None:
    m = mask_sentence("Security forces killed 23 protesters in Zahedan on Friday, Amnesty International said.")
    assert m.template == f"security forces killed {NUM} protesters in {NAME} on <date> {NAME} said"
    assert m.fillers == ("23", "Zahedan", "Friday", "Amnesty International")


def test_a_sentence_with_other_numbers_and_places_has_the_same_fingerprint() -> None:
    a = mask_sentence("At least 1,500 protesters were detained in Mashhad, local officials told reporters.")
    b = mask_sentence("At least 230 protesters were detained in Tabriz, local officials told reporters.")
    assert a.fingerprint == b.fingerprint and a.fillers != b.fillers


def test_persian_digits_are_figures_too() -> None:
    rest = "معترض در استان‌های مختلف بازداشت شده‌اند و پرونده آن‌ها در حال رسیدگی است."
    a = mask_sentence(f"به گفته مقامات محلی دست‌کم ۱۵۰۰ {rest}")
    b = mask_sentence(f"به گفته مقامات محلی دست‌کم ۲۳۰ {rest}")
    assert NUM in a.template and a.fingerprint == b.fingerprint


def test_a_changed_verb_is_another_sentence_not_a_variant() -> None:
    a = mask_sentence("At least 1,500 protesters were detained in Mashhad, local officials told reporters.")
    b = mask_sentence("At least 1,500 protesters were released in Mashhad, local officials told reporters.")
    assert a.fingerprint != b.fingerprint


def test_a_template_is_reported_with_variants_outlets_and_first_use() -> None:
    docs = [
        doc(1, "Outlet A", "Heavy rain fell. Officials in Basra say 4,800 families have been moved to safety.",
            "2026-11-20T08:00:00Z"),
        doc(2, "Outlet B", "Officials in Mosul say 950 families have been moved to safety. Roads are closed.",
            "2026-11-20T09:00:00Z"),
        doc(3, "Outlet C", "Officials in Kirkuk say 120 families have been moved to safety.", "2026-11-20T07:00:00Z"),
        doc(4, "Outlet D", "Officials in Erbil say the roads have been reopened to traffic after the storm."),
    ]
    (t,) = find_templates(docs)
    d = t.as_dict()
    assert d["outlets"] == ["Outlet A", "Outlet B", "Outlet C"]
    assert d["variants"] == [("Basra", "4,800"), ("Kirkuk", "120"), ("Mosul", "950")]
    assert d["first_use"]["item_id"] == 3


def test_the_same_sentence_repeated_verbatim_is_not_a_template() -> None:
    s = "Officials in Basra say 4,800 families have been moved to safety after the floods."
    assert find_templates([doc(1, "A", s), doc(2, "B", s)]) == []


def test_feed_furniture_naming_the_outlet_is_not_a_template() -> None:
    docs = [doc(1, "Northern Ledger", "The post Rotterdam strike appeared first on Northern Ledger."),
            doc(2, "Vestnik Vostoka", "The post Caspian deal appeared first on Vestnik Vostoka.")]
    assert find_templates(docs) == []


def test_short_sentences_are_too_generic_to_be_templates() -> None:
    assert find_templates([doc(1, "A", "Oslo won 3-1."), doc(2, "B", "Bergen won 2-0.")]) == []


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["Basra", "New York", "Saint Petersburg"]))
def test_any_figure_and_place_fill_the_same_template(n: int, place: str) -> None:
    base = mask_sentence("Officials in Paris say 12 families have been moved to safety after the floods.")
    m = mask_sentence(f"Officials in {place} say {n:,} families have been moved to safety after the floods.")
    assert m.fingerprint == base.fingerprint
    assert m.fillers == (place, f"{n:,}")


def _source_docs() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((DEMO_DIR / "source").glob("*.yaml")):
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        outlet = path.stem
        for item in source["items"]:
            body = html.unescape(re.sub(r"<[^>]+>", " ", item.get("body") or ""))
            docs.append({"item_id": f"{outlet}:{item['id']}", "outlet": outlet, "published": str(item["date"]),
                         "text": f"{item['title']}\n{body}"})
    return docs


def test_the_planted_demo_template_is_found_with_every_variant_and_its_first_use() -> None:
    found = [t.as_dict() for t in find_templates(_source_docs())]
    assert EXPECTED["templates"], "the demo plants a template"
    for planted in EXPECTED["templates"]:
        members = planted["members"]
        match = [t for t in found if {u["item_id"] for u in t["uses"]} == set(members)]
        assert len(match) == 1, planted["name"]
        assert sorted(match[0]["variants"]) == sorted(tuple(v) for v in members.values())
        assert match[0]["first_use"]["item_id"] == planted["first_use"]


def test_the_demo_corpus_has_no_other_template() -> None:
    planted = {frozenset(p["members"]) for p in EXPECTED["templates"]}
    found = {frozenset(u["item_id"] for u in t.as_dict()["uses"]) for t in find_templates(_source_docs())}
    assert found == planted
