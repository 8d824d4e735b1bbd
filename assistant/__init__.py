"""The assistant: cited, extractive answers over the index."""

from assistant.answer import answer
from assistant.engine import Engine
from assistant.records import Answer, Citation, ContestedClaim, Statement

__all__ = ["Answer", "Citation", "ContestedClaim", "Engine", "Statement", "answer"]
