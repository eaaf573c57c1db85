"""Where figure extraction still disagrees with English on NTREX, and why: a listing for a reader
(`python -m benchmarks.figures_eval --audit fr,pt`) and the hand classification of fr and pt.

Every disagreement in French and Portuguese was read in both texts and put in one class. The table is
computed from the current extractor on each run: a document whose F1 changed is still shown, and one
that disagrees but was never classified is shown as "unclassified", so the classification cannot go
stale silently.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from monitor.figures import Figure, extract_figures

CLASSES = {
    "unit": "the translation converts a measure (miles, feet, inches, pounds, °F into km, m, cm, kg, °C)",
    "words": "a small number spelled out on one side and written in digits on the other",
    "reworded": "the translation says it another way, drops or adds the figure",
    "translator": "the translator got the number wrong",
    "ours": "our choice: a number inside a name read as a figure (`WW1`, `No.1`), or Portuguese "
            "`o onze` (the team) read as 11",
}

# (doc, language) -> (class, English wording -> translation wording); read on 2026-12-07
CLASSIFIED: dict[tuple[str, str], tuple[str, str]] = {
    ("newsweek.51338", "fr"): ("unit", "200/40/385 miles, 2-6 inches, 85 mph -> 300/64/620 km, 5-15 cm, 135 km/h"),
    ("bbc.381679", "fr"): ("unit", "about a mile away -> à environ 1,5 km"),
    ("bbc.381790", "fr"): ("translator", "Government of Wales Act 2017 -> La loi 2007"),
    ("cnn.304400", "fr"): ("unit", "130 miles, 10 miles -> 209 km (130 miles), 16 km (10 milles)"),
    ("bbc.381746", "fr"): ("words", "second, eight points, six games -> 2e position, 8 points, 6 matchs"),
    ("newsweek.51331", "fr"): ("unit", "550 pound, 650 pound -> 250 kg, 295 kg"),
    ("cbsnews.248387", "fr"): ("unit", "6-foot-6 -> 1,98 m pour 98 kg"),
    ("dailymail.co.uk.298692", "fr"): ("reworded", "completely block out the sun -> vous protéger du soleil à 100 %"),
    ("cnbc.com.6790", "fr"): ("words", "More than three months -> Plus de 3 mois"),
    ("guardian.221754", "fr"): ("words", "two years, three years, four stores -> 2 ans, 3 ans, 4 magasins"),
    ("newsweek.51328", "fr"): ("reworded", "published Saturday, yesterday -> publié le 29 septembre, le 28 septembre"),
    ("nytimes.184825", "fr"): ("unit", "a sunny 80 degrees -> 26 degrés"),
    ("nytimes.184853", "fr"): ("words", "a decade later -> 10 ans plus tard"),
    ("reuters.218888", "fr"): ("words", "one of nine Catalan leaders -> l’un des 9 dirigeants"),
    ("cnbc.com.6772", "fr"): ("ours", "No.1 in AI innovation -> le leader en innovation IA"),
    ("bbc.381692", "fr"): ("ours", "WW1 Victoria Cross cleric -> de la Première Guerre mondiale"),
    ("cbsnews.248384", "fr"): ("words", "six television networks -> 6 chaînes de télévision"),
    ("cnn.304400", "pt"): ("unit", "130 miles, 10 miles -> 201 km, 16 km"),
    ("newsweek.51338", "pt"): ("unit", "200/40/385 miles, 2-6 inches, 85 mph -> 300/60/619 km, 5-15 cm, 137 km/h"),
    ("scotsman.133801", "pt"): ("words", "the 2-2 draw -> o empate a dois golos"),
    ("rt.com.91335", "pt"): ("reworded", "Nord Stream 2 pipeline -> pipeline Nord Stream"),
    ("newsweek.51331", "pt"): ("unit", "550 pound, 650 pound -> 227 quilos, 300 quilos"),
    ("dailymail.co.uk.298692", "pt"): ("unit", "two-foot wide brim -> aba de 61 cm"),
    ("cbsnews.248387", "pt"): ("unit", "6-foot-6 -> 1,98 m de altura"),
    ("bbc.381746", "pt"): ("ours", "galvanised the team -> galvanizou o onze"),
    ("scotsman.133791", "pt"): ("translator", "February's 4-1 triumph -> o triunfo por 1-0 em fevereiro"),
    ("nytimes.184825", "pt"): ("unit", "a sunny 80 degrees -> 26 graus"),
    ("scotsman.133758", "pt"): ("translator", "lead 10-6 -> liderar por 10-5"),
    ("cbsnews.248384", "pt"): ("reworded", "100 percent certain -> tem a certeza absoluta"),
    ("cnbc.com.6772", "pt"): ("ours", "No.1 in AI innovation -> pretende liderar"),
    ("bbc.381692", "pt"): ("ours", "WW1 Victoria Cross cleric -> na Primeira Grande Guerra"),
}


def multiset_f1(ref: collections.Counter[float], got: collections.Counter[float]) -> float:
    """The shared scorer's F1 of two multisets of values (0 when they share none)."""
    tp = sum((ref & got).values())
    return 0.0 if tp == 0 else 2 * tp / (sum(ref.values()) + sum(got.values()))


def _values(figs: list[Figure]) -> collections.Counter[float]:
    return collections.Counter(round(f.value, 6) for f in figs)


@dataclass(frozen=True)
class Compared:
    """One document in one language against its English original."""
    doc: str
    lang: str
    english: list[Figure]
    figures: list[Figure]
    f1: float


def compare(rows: list[dict[str, str]], langs: Iterable[str]) -> Iterator[Compared]:
    """Every scored document (one whose English has figures) in each of ``langs``, as the shared scorer
    pairs them: a missing translation counts as one without figures."""
    texts = {(r["doc"], r["lang"]): r["text"] for r in rows}
    for doc in sorted({r["doc"] for r in rows}):
        english = extract_figures(texts.get((doc, "en"), ""), "en")
        if english:
            for lang in langs:
                figures = extract_figures(texts.get((doc, lang), ""), lang)
                yield Compared(doc, lang, english, figures, multiset_f1(_values(english), _values(figures)))


def audit(rows: list[dict[str, str]], langs: list[str], width: int = 60) -> list[str]:
    """Every disagreement with the English original in ``langs``: per document below F1 1, the values
    each side has that the other lacks, each shown in its sentence, for a reader to classify."""
    texts = {(r["doc"], r["lang"]): r["text"] for r in rows}
    out: list[str] = []
    for c in compare(rows, langs):
        if c.f1 == 1.0:
            continue
        ref, got = _values(c.english), _values(c.figures)
        out.append(f"{c.doc} {c.lang}: F1 {c.f1:.2f}; English only {dict(ref - got)}; "
                   f"{c.lang} only {dict(got - ref)}")
        for side, side_figs, only in (("en", c.english, ref - got), (c.lang, c.figures, got - ref)):
            text = texts[c.doc, side]
            for f in side_figs:
                if round(f.value, 6) in only:
                    snippet = text[max(0, f.start - width):f.end + width].replace("\n", " ")
                    out.append(f"    {side} {f.raw!r}: …{snippet}…")
    return out


def residue_table(rows: list[dict[str, str]], langs: tuple[str, ...] = ("fr", "pt")) -> str:
    """Markdown: each disagreeing document of ``langs`` with its class, the points each class costs,
    and the score if every "ours" case went the other way (what a different choice could win)."""
    lines = ["| language | document | F1 | class | English → translation |", "|---|---|---:|---|---|"]
    totals: dict[str, dict[str, float]] = {}
    scores: dict[str, float] = {}
    by_lang: dict[str, list[Compared]] = collections.defaultdict(list)
    for c in compare(rows, langs):
        by_lang[c.lang].append(c)
    for lang in langs:
        compared = by_lang[lang]
        lost: dict[str, float] = collections.defaultdict(float)
        for c in compared:
            if c.f1 < 1.0:
                klass, note = CLASSIFIED.get((c.doc, lang), ("unclassified", "(not read yet)"))
                lost[klass] += 100 * (1 - c.f1) / len(compared)
                lines.append(f"| {lang} | {c.doc} | {c.f1:.2f} | {klass} | {note} |")
        totals[lang], scores[lang] = lost, 100 * sum(c.f1 for c in compared) / len(compared)
    summary = ["| language | F1 | " + " | ".join(f"lost to {k}" for k in (*CLASSES, "unclassified"))
               + " | F1 if every `ours` went the other way |",
               "|---|---:|" + "---:|" * (len(CLASSES) + 2)]
    for lang in langs:
        by_class = totals[lang]
        summary.append(f"| {lang} | {scores[lang]:.2f} | "
                       + " | ".join(f"{by_class.get(k, 0.0):.2f}" for k in (*CLASSES, "unclassified"))
                       + f" | {scores[lang] + by_class.get('ours', 0.0):.2f} |")
    legend = "\n".join(f"- **{k}**: {v}" for k, v in CLASSES.items())
    return "\n".join(summary) + "\n\nClasses:\n\n" + legend + "\n\n" + "\n".join(lines)
