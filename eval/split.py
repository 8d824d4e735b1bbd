"""Split question sets into a calibration half and a held-out half, reproducibly.

    python eval/split.py eval/a.jsonl [eval/b.jsonl ...] --out eval/literature

writes ``eval/literature.calibration.jsonl`` and ``eval/literature.heldout.jsonl``. Questions are
grouped by (kind, style); within each group they are ordered by a hash of their id and a fixed
seed and dealt alternately, so both halves hold every kind and style and nobody chooses which
question lands where. Only the calibration half may be looked at while tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

SEED = "nms-assistant-2026"


def split(items: list[dict]) -> tuple[list[dict], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in items:
        groups[(item.get("kind", "fact"), item.get("style", "plain"))].append(item)
    calibration: list[dict] = []
    held_out: list[dict] = []
    turn = 0
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda q: hashlib.sha256(f"{SEED}:{q['id']}".encode()).hexdigest())
        for item in ordered:
            (calibration if turn % 2 == 0 else held_out).append(item)
            turn += 1
    order = {item["id"]: i for i, item in enumerate(items)}
    return sorted(calibration, key=lambda q: order[q["id"]]), sorted(held_out, key=lambda q: order[q["id"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", required=True, help="output prefix, e.g. eval/literature")
    args = parser.parse_args()
    items = [
        json.loads(line) for f in args.files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    ids = [q["id"] for q in items]
    if len(ids) != len(set(ids)):
        raise SystemExit("question ids must be unique across the files")
    calibration, held_out = split(items)
    for suffix, part in (("calibration", calibration), ("heldout", held_out)):
        path = Path(f"{args.out}.{suffix}.jsonl")
        path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in part), encoding="utf-8")
        print(f"{path}: {len(part)} questions")


if __name__ == "__main__":
    main()
