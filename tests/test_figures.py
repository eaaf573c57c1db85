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
    "WW", "años ", "1980s", "tys", "लाख", "\n",
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
