"""Language-identification accuracy and throughput on the shared langid files (15 core languages).

Runs monitor's LanguageIdentifier (default configuration: every supported language, no hint),
plain seeded langdetect and lingua (high accuracy, all languages) on the same texts in one run,
and sets them beside the published figures. Writes the "langid" section of docs/benchmarks.md.

    python -m benchmarks.langid_eval [--data DIR] [--lines 0:500] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import math
import resource
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks._report import shared_data, write_section

CORE = ["ar", "de", "en", "es", "fa", "fr", "he", "hi", "it", "pt", "ru", "tr", "uk", "ur", "zh"]
KINDS = ["sentences", "word-pairs", "single-words"]
NAMES = {"ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian",
         "fr": "French", "he": "Hebrew", "hi": "Hindi", "it": "Italian", "pt": "Portuguese",
         "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "zh": "Chinese"}
PUBLISHED = ["lingua-high-accuracy", "lingua-low-accuracy", "cld3", "cld2", "langid", "langdetect",
             "simplemma"]
TARGETS = {"sentences": 99.3, "word-pairs": 92.0, "single-words": 77.0}

METHOD = (
    "How monitor decides (monitor/language.py, monitor/scripts.py): (1) writing-system rules "
    "decide outright where letters allow one language (Hebrew, Greek, Hangul, kana, Han → zh; "
    "Urdu-only letters ٹ ڈ ڑ ں ھ ہ ے; Persian letters without Urdu ones in four words or more; "
    "Ukrainian і ї є ґ without ы э ё ъ and vice versa) and otherwise narrow the candidates and add "
    "function-word evidence (ar/fa/ur, hi/mr); (2) lingua's trigram models rank every language; "
    "(3) unless that ranking is already ≥ 99.9% sure, lingua's full 1–5-gram models weigh a "
    "shortlist of at most 10 languages for fragments (≤ 2 words) and non-Latin scripts, and seeded "
    "langdetect's probabilities (weight 1.5) are the second opinion for longer Latin-script texts, "
    "which keeps a batch of varied sentences from loading the 4-/5-gram models of ~45 languages; "
    "(4) scores combine with a prior ∝ (speakers in millions)^0.3 "
    "and the feed's declared language; (5) a logistic calibration (posterior, length) gives the "
    "confidence, and `und` is answered below `min_confidence` (0.5)."
)

Row = tuple[str, int, str]  # gold language, line number, text


def load(data: Path, kind: str, lines: slice) -> list[Row]:
    rows: list[Row] = []
    for lang in CORE:
        text = (data / "langid" / kind / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        rows += [(lang, i, t) for i, t in list(enumerate(text))[lines] if t.strip()]
    return rows


Detector = Callable[[list[str]], list[str]]


def monitor_detector() -> Detector:
    from monitor.language import LanguageIdentifier

    ident = LanguageIdentifier()
    return lambda texts: [r.lang for r in ident.detect_many(texts)]


def langdetect_detector() -> Detector:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def run(text: str) -> str:
        try:
            lang: str = detect(text)
        except LangDetectException:
            return "und"
        return {"zh-cn": "zh", "zh-tw": "zh"}.get(lang, lang)

    return lambda texts: [run(t) for t in texts]


def lingua_detector() -> Detector:
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().build()

    def run(text: str) -> str:
        lang = det.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "und"

    return lambda texts: [run(t) for t in texts]


DETECTORS: dict[str, Callable[[], Detector]] = {
    "monitor": monitor_detector, "langdetect (seeded)": langdetect_detector,
    "lingua-high": lingua_detector,
}


def evaluate(make: Callable[[], Detector], data: dict[str, list[Row]]) -> dict[str, object]:
    t0 = time.perf_counter()
    detect = make()
    build = time.perf_counter() - t0
    out: dict[str, object] = {"build_s": build}
    for kind, rows in data.items():
        t = time.perf_counter()
        preds = detect([text for _, _, text in rows])
        dt = time.perf_counter() - t
        right, total, conf = Counter[str](), Counter[str](), Counter[tuple[str, str]]()
        for (gold, _, _), pred in zip(rows, preds, strict=True):
            total[gold] += 1
            if pred == gold:
                right[gold] += 1
            else:
                conf[(gold, pred)] += 1
        per = {lang: 100.0 * right[lang] / total[lang] for lang in CORE if total[lang]}
        split: dict[str, float] = {}
        for name, held_out in (("tune", False), ("held-out", True)):
            r_, t_ = Counter[str](), Counter[str]()
            for (gold, i, _), pred in zip(rows, preds, strict=True):
                if (i >= 250) == held_out:
                    t_[gold] += 1
                    r_[gold] += pred == gold
            if all(t_[lang] for lang in CORE):
                split[name] = sum(100.0 * r_[lang] / t_[lang] for lang in CORE) / len(CORE)
        out[kind] = {"per": per, "mean": sum(per.values()) / len(per), "rate": len(rows) / dt,
                     "confusions": conf.most_common(8), "split": split}
    return out


def published(data: Path) -> dict[str, dict[str, float]]:
    """Mean accuracy over the core languages per published detector and kind."""
    res: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        path = data / "langid" / "published-accuracy" / f"{kind}-accuracy-values.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            table = {r["language"]: r for r in csv.DictReader(f)}
        for det in PUBLISHED:
            vals = [float(table[NAMES[c]][det]) for c in CORE if NAMES[c] in table]
            vals = [v for v in vals if not math.isnan(v)]
            if vals:
                res.setdefault(det, {})[kind] = sum(vals) / len(vals)
                res[det][f"{kind}-n"] = len(vals)
    return res


def report(results: dict[str, dict[str, object]], pub: dict[str, dict[str, float]],
           lines: str, n: dict[str, int], rss_mb: float) -> str:
    md = [f"15 core languages ({', '.join(CORE)}), lines {lines} of each file "
          f"({', '.join(f'{k}: {v}' for k, v in n.items())} texts); every detector in its default "
          "configuration (all its languages, no hint), one after another in the same process. "
          f"Targets (issue 5): {', '.join(f'{k} ≥ {v}%' for k, v in TARGETS.items())}.", "",
          "| detector | " + " | ".join(KINDS) + " | texts/s (" + " / ".join(KINDS) + ") | build s |",
          "|---|" + "---:|" * (len(KINDS) + 2)]
    for name, r in results.items():
        accs = " | ".join(f"{r[k]['mean']:.2f}" for k in KINDS)  # type: ignore[index]
        rates = " / ".join(f"{r[k]['rate']:,.0f}" for k in KINDS)  # type: ignore[index]
        md.append(f"| {name} | {accs} | {rates} | {r['build_s']:.1f} |")
    for det, vals in pub.items():
        cells = [f"{vals[k]:.2f}" + ("" if vals.get(f"{k}-n") == len(CORE) else f" ({vals[f'{k}-n']:.0f} langs)")
                 if k in vals else "–" for k in KINDS]
        md.append(f"| published: {det} | " + " | ".join(cells) + " | | |")
    md += ["", f"Peak RSS of the whole run (all three detectors loaded): {rss_mb:,.0f} MB. "
           "Throughput includes each detector's model loading (lingua loads models lazily, on first "
           "use); monitor's first pass uses lingua's parallel batch API.", "",
           "Held-out discipline: every tuned constant (prior weight, calibration, thresholds) was "
           "chosen on lines 0–249 of each file; lines 250–499 were only evaluated.", "",
           "| detector | " + " | ".join(f"{k} 0–249 / 250–499" for k in KINDS) + " |",
           "|---|" + "---:|" * len(KINDS)]
    for name, r in results.items():
        cells = []
        for k in KINDS:
            sp = r[k]["split"]  # type: ignore[index]
            cells.append(f"{sp.get('tune', float('nan')):.2f} / {sp.get('held-out', float('nan')):.2f}")
        md.append(f"| {name} | " + " | ".join(cells) + " |")
    md += ["", METHOD, ""]
    mon = results["monitor"]
    for kind in KINDS:
        md += [f"### {kind}: accuracy per language (%)", "",
               "| detector | " + " | ".join(CORE) + " |", "|---|" + "---:|" * len(CORE)]
        for name, r in results.items():
            per = r[kind]["per"]  # type: ignore[index]
            md.append(f"| {name} | " + " | ".join(f"{per[c]:.1f}" for c in CORE) + " |")
        conf = mon[kind]["confusions"]  # type: ignore[index]
        md += ["", "monitor's top confusions (gold→answer: count): "
               + ", ".join(f"{g}→{p}: {c}" for (g, p), c in conf), ""]
    return "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="shared data folder (holds langid/)")
    ap.add_argument("--lines", default="0:500", help="line range of each file, e.g. 250:500")
    ap.add_argument("--detectors", default=",".join(DETECTORS))
    ap.add_argument("--no-write", action="store_true", help="print only, leave docs alone")
    args = ap.parse_args(argv)
    root = shared_data(args.data)
    if root is None or not (root / "langid").is_dir():
        return 0
    lo, hi = (int(x) for x in args.lines.split(":"))
    data = {kind: load(root, kind, slice(lo, hi)) for kind in KINDS}
    results = {}
    for name in args.detectors.split(","):
        results[name] = evaluate(DETECTORS[name], data)
        r = results[name]
        print(name, {k: round(r[k]["mean"], 2) for k in KINDS},  # type: ignore[index]
              {k: round(r[k]["rate"]) for k in KINDS}, flush=True)  # type: ignore[index]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = report(results, published(root), args.lines, {k: len(v) for k, v in data.items()}, rss)
    if args.no_write or "monitor" not in results:
        print(body)
    else:
        print(f"wrote {write_section('langid', 'Language identification (langid)', body)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
