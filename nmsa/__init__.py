"""Shared pieces of the NMS literature assistant: one settings object and the domain errors."""

from nmsa.errors import (
    IndexBusy,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexWriteError,
    NMSAssistantError,
    RejectedInput,
)
from nmsa.settings import Settings, project_root

__all__ = [
    "IndexBusy",
    "IndexCorrupt",
    "IndexMismatch",
    "IndexMissing",
    "IndexWriteError",
    "NMSAssistantError",
    "RejectedInput",
    "Settings",
    "project_root",
]
