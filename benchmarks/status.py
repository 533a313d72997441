"""How well plansync infers "complete" from what teams write: precision and recall on hand labels.

``tests/fixtures/plans/labels.json`` labels every progress text of the corpus plans by hand
(complete / not complete / cannot tell), plus further status sentences from published plans and
committee papers. For each, this script asks plansync's inference (``validation.status``) whether
the text says the action is complete (Complete or Signed off) and prints:

- precision: of the texts plansync calls complete, the share labelled complete (goal >= 0.98:
  a wrong "complete" is the worst error a board can be given);
- recall: of the texts labelled complete, the share plansync calls complete (goal >= 0.90).

"cannot tell" texts count against precision when called complete, and are not in recall's base.
Each wrong answer is listed so a person can see why. Figures for the corpus's action rows and the
further sentences are printed apart, then together.

    python benchmarks/status.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from validation.status import infer_status

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "plans" / "labels.json"
COMPLETE = {"Complete", "Signed off"}


def says_complete(texts: list[str | None]) -> list[bool]:
    """plansync's answer for each text alone (no target text: only the words of the update)."""
    progress = pd.Series(texts, dtype=object)
    status = infer_status(progress, pd.Series([None] * len(texts), dtype=object))
    return [s in COMPLETE if s is not pd.NA else False for s in status]


def score(items: list[dict]) -> dict:
    got = says_complete([i["text"] for i in items])
    tp = sum(g and i["label"] == "complete" for g, i in zip(got, items))
    fp = [i for g, i in zip(got, items) if g and i["label"] != "complete"]
    fn = [i for g, i in zip(got, items) if not g and i["label"] == "complete"]
    called = tp + len(fp)
    labelled = tp + len(fn)
    return {
        "texts": len(items),
        "labelled complete": labelled,
        "called complete": called,
        "precision": tp / called if called else 1.0,
        "recall": tp / labelled if labelled else 1.0,
        "wrong complete": fp,
        "missed complete": fn,
    }


def main() -> int:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    parts = {"corpus action rows": data["actions"], "published sentences": data["texts"], "all": data["actions"] + data["texts"]}
    ok = True
    for name, items in parts.items():
        s = score(items)
        print(
            f"{name:<20} texts {s['texts']:>4}  labelled complete {s['labelled complete']:>3}  called complete {s['called complete']:>3}  "
            f"precision {s['precision']:.3f}  recall {s['recall']:.3f}"
        )
        if name == "all":
            for item in s["wrong complete"]:
                print(f"  wrong 'complete' ({item['label']}): {item['text']!r}")
            for item in s["missed complete"]:
                print(f"  missed 'complete': {item['text']!r}")
            ok = s["precision"] >= 0.98 and s["recall"] >= 0.90
    print(f"goal: precision >= 0.98, recall >= 0.90: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
