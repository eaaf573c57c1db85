"""MRPC paraphrase pairs: accuracy and F1 of monitor.similarity.compare next to a word-Jaccard
baseline tuned on the same data; ``--fit`` refits the linear model on the first half.

    python -m benchmarks.similar_eval [--data DIR] [--fit]
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks._report import shared_data, write_section
from monitor.similarity import THRESHOLD, compare, features


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    gold: bool


def read_mrpc(path: Path) -> list[Pair]:
    out: list[Pair] = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("Quality") or not line.strip():
            continue
        q, _id1, _id2, a, b = line.split("\t")
        out.append(Pair(a, b, q == "1"))
    return out


def metrics(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum((not g) and p for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * prec * rec / max(1e-9, prec + rec)
    return {"accuracy": 100 * acc, "f1": 100 * f1, "precision": 100 * prec, "recall": 100 * rec}


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.lower()))


def word_jaccard(p: Pair) -> float:
    a, b = _words(p.a), _words(p.b)
    return len(a & b) / max(1, len(a | b))


def fit_logistic(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64],
                 l2: float = 1.0) -> npt.NDArray[np.float64]:
    """L2-regularised logistic regression by Newton's method; the last weight is the bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(30):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * w
        hess = (xb.T * (p * (1 - p))) @ xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def fit(pairs: list[Pair]) -> None:
    """Fit on the first half, pick the accuracy-maximising threshold there, print constants."""
    half = len(pairs) // 2
    feats = [features(p.a, p.b) for p in pairs[:half]]
    keys = list(feats[0])
    x = np.array([[f[k] for k in keys] for f in feats])
    y = np.array([p.gold for p in pairs[:half]], dtype=np.float64)
    w = fit_logistic(x, y)
    prob = 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))
    best = max((float(np.mean((prob >= t) == (y == 1))), round(float(t), 2)) for t in np.arange(0.3, 0.7, 0.01))
    print("_WEIGHTS: dict[str, float] = {")
    for k, v in zip(keys, w[:-1], strict=True):
        print(f'    "{k}": {v:.4f},')
    print("}")
    print(f"_BIAS = {w[-1]:.4f}\nTHRESHOLD = {best[1]}  # accuracy {100 * best[0]:.2f} on the fitting half")


def evaluate(pairs: list[Pair]) -> str:
    half = len(pairs) // 2
    gold = [p.gold for p in pairs]
    jac = [word_jaccard(p) for p in pairs]
    # the baseline's threshold is tuned on the whole file, as the shared scorer does
    base_t = max((sum((j >= t) == g for j, g in zip(jac, gold, strict=True)), t)
                 for t in [i / 100 for i in range(5, 95)])[1]
    base = [j >= base_t for j in jac]
    t0 = time.perf_counter()
    ours = [compare(p.a, p.b).duplicate for p in pairs]
    per_pair_ms = 1000 * (time.perf_counter() - t0) / len(pairs)
    rows = [
        ("word-Jaccard baseline (threshold tuned on all)", metrics(gold, base)),
        ("monitor similar — whole train file", metrics(gold, ours)),
        ("monitor similar — first half (fitted on)", metrics(gold[:half], ours[:half])),
        ("monitor similar — second half (held out)", metrics(gold[half:], ours[half:])),
    ]
    lines = ["| method | accuracy % | F1 | precision % | recall % |", "|---|---:|---:|---:|---:|"]
    for name, m in rows:
        lines.append(f"| {name} | {m['accuracy']:.2f} | {m['f1']:.2f} | {m['precision']:.2f} | {m['recall']:.2f} |")
    body = "\n".join(lines)
    body += (f"\n\n{len(pairs)} pairs of `mrpc/msr_paraphrase_train.txt`; baseline threshold {base_t}, "
             f"model threshold {THRESHOLD}; {per_pair_ms:.2f} ms per pair in-process. "
             "Targets (issue 6): accuracy ≥ 76 %, F1 ≥ 84, no neural model. The linear model "
             "(lexical features in monitor/similarity.py) is fitted on the first half only.\n")
    return body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--fit", action="store_true", help="refit the model on the first half and print it")
    args = ap.parse_args(argv)
    data = shared_data(args.data)
    if data is None:
        return 0
    path = data / "mrpc" / "msr_paraphrase_train.txt"
    if not path.exists():
        print(f"{path} not found; skipping")
        return 0
    pairs = read_mrpc(path)
    if args.fit:
        fit(pairs)
        return 0
    body = evaluate(pairs)
    print(body)
    write_section("similar", "Pair similarity (MRPC)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
