"""Fit monitor.similarity's paraphrase model on the MRPC train file and cross-validate it.

    python scripts/fit_similarity.py [--data DIR] [--folds 10] [--write]

Folds are fixed by a hash of the pair id. Learned term weights (TF-KLD) would leak labels into
the training features, so the training pairs' features always use weights fitted on the other
folds ("cross-fitting"); the shipped model's weights are fitted on the whole file.
``--write`` stores the model fitted on the whole file in monitor/similarity_model.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.similarity_fit import (  # noqa: E402
    L2,
    cross_validate,
    metrics,
    model_json,
    prepare_pairs,
    read_mrpc,
    train,
)

MODEL = ROOT / "monitor" / "similarity_model.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"), help="shared data folder")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--write", action="store_true", help="fit on the whole file and write the model")
    ap.add_argument("--sweep", action="store_true", help="print pooled held-out metrics per threshold")
    ap.add_argument("--save-held-out", help="save the held-out probabilities to this .npy file")
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = ap.parse_args(argv)
    path = Path(args.data) / "mrpc" / "msr_paraphrase_train.txt"
    if not path.exists():
        print(f"{path} not found: pass --data DIR (the shared data folder)")
        return 1
    pairs = read_mrpc(path)
    sents = prepare_pairs(pairs)
    if not args.no_cv:
        cv = cross_validate(pairs, args.folds, args.l2, sents)
        rows = cv.folds
        for k, m in enumerate(rows):
            print(f"fold {k}: acc {m['accuracy']:.2f} F1 {m['f1']:.2f} t={m['threshold']} n={m['pairs']:.0f}")
        for key in ("accuracy", "f1"):
            vals = [m[key] for m in rows]
            print(f"{key}: mean {np.mean(vals):.2f} sd {np.std(vals):.2f} min {min(vals):.2f} max {max(vals):.2f}")
        gold = [p.gold for p in pairs]
        if args.save_held_out:
            np.save(args.save_held_out, cv.held_out_prob)
        m = metrics(gold, cv.held_out_pred)
        print(f"pooled held-out: acc {m['accuracy']:.2f} F1 {m['f1']:.2f}")
    if not args.no_cv and args.sweep:
        for t in np.arange(0.3, 0.65, 0.025):
            m = metrics(gold, list(cv.held_out_prob >= t))
            print(f"t={t:.3f} acc {m['accuracy']:.2f} F1 {m['f1']:.2f}")
    if args.write:
        model = train(sents, [p.id for p in pairs], args.l2)
        MODEL.write_text(json.dumps(model_json(model), ensure_ascii=False, separators=(",", ":")) + "\n",
                         encoding="utf-8")
        print(f"wrote {MODEL} ({MODEL.stat().st_size / 1024:.0f} KiB), threshold {model.threshold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
