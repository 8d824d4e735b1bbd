"""Per-document metadata from a folder's ``manifest.toml``, with honest fallbacks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ingest.records import EvidenceType
from nmsa.errors import NMSAssistantError

EVIDENCE_TYPES = tuple(t.value for t in EvidenceType)

# Cues in a document's *own title* that honestly name its kind (publication-type words as
# used by PubMed's publication types). Body text is not used: a review quoting a trial is
# still a review.
_TITLE_CUES: list[tuple[str, str]] = [
    (r"\bguidelines?\b|\bconsensus statement\b|\bpractice parameter\b|\brecommendations?\b", "guideline"),
    (r"\bsystematic review\b|\bmeta-analys[ie]s\b|\breview\b", "review"),
    (r"\brandomi[sz]ed\b|\btrial\b|\bcohort\b|\bcase series\b|\bcase report\b|\bcase-control\b|\bstudy\b", "research"),
    (r"\bhypothes[ie]s\b", "hypothesis"),
]


def load_manifest(folder: Path, name: str = "manifest.toml") -> dict[str, dict[str, Any]]:
    """The manifest of ``folder`` keyed by file name; empty when there is none."""
    path = folder / name
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NMSAssistantError(f"{path}: the manifest is not valid TOML ({exc})") from None
    entries = {k: v for k, v in data.items() if isinstance(v, dict)}
    for file_name, entry in entries.items():
        kind = entry.get("evidence_type")
        if kind is not None and kind not in EVIDENCE_TYPES:
            raise NMSAssistantError(
                f"{path}: '{file_name}' has evidence_type '{kind}'; use one of {', '.join(EVIDENCE_TYPES)}"
            )
    return entries


def infer_evidence_type(title: str) -> str | None:
    for pattern, kind in _TITLE_CUES:
        if re.search(pattern, title, re.I):
            return kind
    return None
