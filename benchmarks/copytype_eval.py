"""Copy types on real text: NTREX-128 translations of one article must come out `translated`, an
article in another language about something else must not; MRPC paraphrases (one English news
sentence rewritten) against the lexical labels. Baseline: "another language means translated".

    python -m benchmarks.copytype_eval [--data DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks._report import shared_data, write_section
from monitor.copytype import CopyThresholds, TextSide, classify, compare
from monitor.fingerprint import Fingerprinter
from monitor.normalize import normalize_text


def _side(text: str, lang: str) -> TextSide:
    return TextSide(normalize_text(text, lang), text, lang)


def ntrex(data: Path, fp: Fingerprinter) -> tuple[str, dict[str, float]]:
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (data / "ntrex" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs[d["doc"]][d["lang"]] = d["text"]
    names = sorted(d for d in docs if "en" in docs[d])
    per_lang: dict[str, Counter[str]] = defaultdict(Counter)
    for i, name in enumerate(names):
        origin = _side(docs[name]["en"], "en")
        other_origin = _side(docs[names[(i + 1) % len(names)]]["en"], "en")
        for lang, text in sorted(docs[name].items()):
            if lang == "en":
                continue
            member = _side(text, lang)
            per_lang[lang]["pairs"] += 1
            per_lang[lang]["translated"] += classify(compare(member, origin, fp)) == "translated"
            per_lang[lang]["false_translated"] += classify(compare(member, other_origin, fp)) == "translated"
    rows = ["| language | pairs | same article → `translated` | other article → `translated` (false) |",
            "|---|---:|---:|---:|"]
    total: Counter[str] = Counter()
    for lang, c in sorted(per_lang.items()):
        total.update(c)
        rows.append(f"| {lang} | {c['pairs']} | {100 * c['translated'] / c['pairs']:.1f} % | "
                    f"{100 * c['false_translated'] / c['pairs']:.1f} % |")
    recall = 100 * total["translated"] / total["pairs"]
    false = 100 * total["false_translated"] / total["pairs"]
    rows.append(f"| **all** | {total['pairs']} | **{recall:.1f} %** | **{false:.1f} %** |")
    rows.append(f"| baseline: another language = translated | {total['pairs']} | 100.0 % | 100.0 % |")
    return "\n".join(rows), {"recall": recall, "false": false}


def mrpc(data: Path, fp: Fingerprinter) -> str:
    counts: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for line in (data / "mrpc" / "msr_paraphrase_train.txt").read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("Quality") or not line.strip():
            continue
        q, _a, _b, a, b = line.split("\t")
        counts[q == "1"][classify(compare(_side(a, "en"), _side(b, "en"), fp))] += 1
    rows = ["| MRPC pair | pairs | verbatim | edited | partial | rewritten |", "|---|---:|---:|---:|---:|---:|"]
    for gold, label in ((True, "paraphrase"), (False, "not a paraphrase")):
        c = counts[gold]
        n = sum(c.values())
        rows.append(f"| {label} | {n} | " + " | ".join(f"{100 * c[t] / n:.1f} %" for t in
                                                     ("verbatim", "edited", "partial", "rewritten")) + " |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args()
    data = shared_data(args.data)
    if data is None:
        return 0
    fp = Fingerprinter()
    start = time.perf_counter()
    ntrex_table, _ = ntrex(data, fp)
    mrpc_table = mrpc(data, fp)
    secs = time.perf_counter() - start
    t = CopyThresholds()
    body = (f"Copy type of a member against its origin (monitor.copytype) with the default thresholds "
            f"(translated: another language and ≥ {t.translated_min_shared} shared names, figures or "
            f"consonant keys covering ≥ {t.translated_min_coverage:.0%} of the smaller item's; "
            f"edited: Jaccard ≥ {t.edited_jaccard} or containment ≥ {t.edited_containment}; "
            f"partial: containment ≥ {t.partial_containment} or a shared passage). {secs:.1f} s in all.\n\n"
            f"NTREX-128: each translation against its English original, and against the next English "
            f"article (a wrong link).\n\n{ntrex_table}\n\n"
            f"MRPC (train): the second sentence against the first. Sentences are short: one changed word "
            f"moves a pair from edited to partial.\n\n{mrpc_table}\n")
    print(body)
    if not args.no_write:
        write_section("copytype", "Copy types (translated / edited / partial / rewritten)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
