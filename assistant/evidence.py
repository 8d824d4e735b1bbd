"""The evidence map: every contested topic the index holds, across all documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Citations
from assistant.candidates import collect
from assistant.classify import classify
from assistant.contested import ContestedSettings, drug_like_terms, find_contested
from assistant.lexicon import FACETS
from assistant.records import Citation, ContestedClaim
from index.store import Snapshot
from index.synonyms import Vocabulary
from nmsa.settings import SelectionSettings


@dataclass
class EvidenceMap:
    generation: str
    claims: list[ContestedClaim] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def citation(self, number: int) -> Citation:
        return next(c for c in self.citations if c.id == number)


def build_evidence_map(
    snapshot: Snapshot, vocabulary: Vocabulary, selection: SelectionSettings, max_rows: int = 20000
) -> EvidenceMap:
    """Run the contested-claim detection over the whole index (no question to restrict it, so no
    relevance threshold either)."""
    rows = list(range(min(snapshot.size, max_rows)))
    pool = collect(snapshot, [], rows)
    for cand in pool:
        cand.similarity = cand.dense = cand.score = 1.0  # every sentence counts: there is no question
    text = "\n".join(c.text for c in pool)
    entities = vocabulary.canonical_entities(text)
    docs_by_term: dict[str, set[str]] = {}
    for cand in pool:
        for term in drug_like_terms(cand.text, vocabulary):
            docs_by_term.setdefault(term, set()).add(cand.doc_id)
    entities += sorted(t for t, docs in docs_by_term.items() if len(docs) >= 2 and t not in entities)
    flags = find_contested(
        "",
        entities,
        list(FACETS),
        pool,
        vocabulary,
        ContestedSettings(
            0.0, selection.position_similarity_factor, selection.max_positions, selection.figure_similarity_factor
        ),
    )
    cite = Citations({}, snapshot.documents)
    result = EvidenceMap(generation=snapshot.generation)
    for flag in flags:
        positions = [
            cite.statement(c, classify(c.text, c.passage.section, c.passage.evidence_type, c.passage.kind), s)
            for c, s in flag.positions
        ]
        result.claims.append(
            ContestedClaim(topic=flag.topic, summary=flag.summary, positions=positions, reason=flag.reason)
        )
    result.citations = sorted(cite.by_row.values(), key=lambda c: c.id)
    return result
