"""The few domain errors. Only the CLI and the UI turn them into messages and exit codes."""

from __future__ import annotations


class NMSAssistantError(Exception):
    """Base class: its message is a sentence meant for the user."""


class RejectedInput(NMSAssistantError):
    """A file cannot be ingested; the message names the file and gives one reason."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class IndexMissing(NMSAssistantError):
    """No index has been built in the index directory yet."""


class IndexMismatch(NMSAssistantError):
    """The index was built with other settings (model, chunking); it must be rebuilt."""


class IndexCorrupt(NMSAssistantError):
    """The index directory fails its integrity checks (tampered or damaged files)."""


class IndexBusy(NMSAssistantError):
    """Another process is writing the index."""


class IndexWriteError(NMSAssistantError):
    """The index could not be written (disk full, file-size limit, permissions); the previous
    generation, if any, is still the current one."""
