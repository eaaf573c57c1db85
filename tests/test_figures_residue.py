"""The NTREX residue table (benchmarks/figures_residue.py) never hides a disagreement it has not classified."""

from __future__ import annotations

from benchmarks.figures_residue import audit, residue_table

ROWS = [
    {"doc": "d1", "lang": "en", "text": "The storm is 385 miles south of the coast and 12 people died."},
    {"doc": "d1", "lang": "fr", "text": "La tempête est à 620 km au sud de la côte et 12 personnes sont mortes."},
    {"doc": "d1", "lang": "pt", "text": "A tempestade está a 385 milhas a sul da costa e morreram 12 pessoas."},
]


def test_a_disagreement_nobody_read_is_listed_as_unclassified() -> None:
    table = residue_table(ROWS)
    assert "| fr | d1 | 0.50 | unclassified | (not read yet) |" in table
    assert "| pt | d1 |" not in table  # pt agrees with English


def test_the_points_lost_are_counted_against_the_class() -> None:
    summary = residue_table(ROWS).splitlines()
    fr = next(line for line in summary if line.startswith("| fr | 50.00 |"))
    # the seven columns after F1: five classes, unclassified, and the score if "ours" went the other way
    assert fr.split("|")[3:10] == [" 0.00 ", " 0.00 ", " 0.00 ", " 0.00 ", " 0.00 ", " 50.00 ", " 50.00 "]


def test_the_audit_shows_each_side_of_a_disagreement_in_its_sentence() -> None:
    lines = audit(ROWS, ["fr"], width=10)
    assert lines[0] == "d1 fr: F1 0.50; English only {385.0: 1}; fr only {620.0: 1}"
    assert lines[1].startswith("    en '385'") and "385 miles" in lines[1]
    assert lines[2].startswith("    fr '620'") and "620 km" in lines[2]
