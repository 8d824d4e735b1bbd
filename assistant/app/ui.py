"""Rendering helpers shared by the Streamlit pages. All answering logic lives in the packages;
every piece of document text (passages, titles, sections, file names) goes through
``escape_markdown`` and is shown as inert text, never rendered as HTML, links or images."""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Protocol

import streamlit as st

from assistant.engine import Engine
from assistant.export import EXPORT_FORMATS, export
from assistant.records import Answer, Citation, ContestedClaim, ContestReason, Statement, Synthesis
from assistant.render import (
    OCR_NOTE,
    SYNTHESIS_NOTE,
    SYNTHESIS_TITLE,
    UNCERTAIN_TAG,
    UNCOVERED_TITLE,
    UNDERSTOOD_AS,
    context_note,
    escape_markdown,
    format_authors,
    is_uncertain,
    stance_label,
    synthesis_note,
)
from index.history import local_actor
from index.search import Filters
from ingest.records import DocumentInfo
from nmsa.errors import NMSAssistantError
from nmsa.settings import Settings, SynthesisSettings, load_settings

DISCLAIMER = (
    "This is a literature tool: it quotes what the indexed sources say, with citations. "
    "It is not a substitute for clinical judgement."
)
PAGE_ICON = "📚"  # an emoji favicon is drawn locally; a :material/…: one is fetched from Google's servers
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class Cites(Protocol):
    """What a [n] marker opens a passage from: an answer, or the evidence map of the Contested page."""

    def citation(self, number: int) -> Citation: ...


@st.cache_resource(show_spinner="Loading the model and the index…")
def get_engine(index_dir: str) -> Engine:
    """One engine (model + index) per process, shared by every session and rerun."""
    engine = Engine(load_settings(index__dir=index_dir))
    engine.embedder.warm_up()
    return engine


def engine() -> Engine:
    try:
        settings = load_settings()
    except NMSAssistantError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    return get_engine(os.environ.get("NMS_INDEX_DIR") or str(settings.index.dir))


def md(text: str) -> str:
    """Untrusted text as inert Markdown (also for labels of expanders, popovers and options)."""
    return escape_markdown(text)


def highlighted(citation: Citation) -> str:
    """The passage as inert Markdown with the cited sentences highlighted."""
    text = citation.text
    out, pos = [], 0
    for a, b in sorted(citation.highlights):
        out.append(md(text[pos:a]))
        out.append(f"**:orange-background[{md(text[a:b])}]**")
        pos = b
    out.append(md(text[pos:]))
    return "".join(out).replace("\n", "  \n")


def reference_markdown(citation: Citation) -> str:
    """Authors, journal, year, DOI and OCR of the cited document, as inert Markdown ("" when none is known)."""
    parts = []
    if citation.authors:
        parts.append(md(format_authors(citation.authors)))
    if citation.journal:
        parts.append(f"*{md(citation.journal)}*")
    if citation.year:
        parts.append(str(citation.year))
    if citation.doi:
        parts.append(f"doi: {md(citation.doi)}")
    if citation.ocr:
        parts.append(f":gray-badge[{OCR_NOTE}]")
    return " · ".join(parts)


def citation_card(citation: Citation) -> None:
    st.markdown(f"**[{citation.id}] {md(citation.document)}**")
    cited_by = reference_markdown(citation)
    if cited_by:
        st.markdown(cited_by)
    meta = [f"evidence type: *{md(citation.evidence_type)}*"]
    if citation.section:
        meta.append(f"section: {md(citation.section)}")
    if citation.page:
        meta.append(f"page {citation.page}")
    st.markdown(" · ".join(meta))
    st.markdown(highlighted(citation))
    st.caption(md(citation.source))


def statement_tags(statement: Statement) -> str:
    """Markdown tags after a statement: background, and a hedge of its own source."""
    tags = " *(background)*" if statement.category == "background" else ""
    if is_uncertain(statement):
        tags += f" :orange-badge[{UNCERTAIN_TAG}]"
    return tags


def cited_row(text: str, citations: list[int], answer: Cites, compact: bool = False) -> None:
    """Inert Markdown ``text`` with its [n] markers; each marker opens the cited passage."""
    if compact:  # narrow columns: markers under the text, so their labels stay readable
        st.markdown(text)
        holders = st.columns(max(4, len(citations)), gap="small")
    else:
        text_col, cite_col = st.columns([0.86, 0.14], vertical_alignment="top")
        text_col.markdown(text)
        holders = [cite_col] * len(citations)
    for holder, n in zip(holders, citations):
        with holder, st.popover(f"\\[{n}\\]", help="Open the cited passage"):
            citation_card(answer.citation(n))


def statement_row(statement: Statement, answer: Cites, key: str, compact: bool = False, tags: bool = True) -> None:
    """A statement with its [n] markers (and, outside the contested box, its tags)."""
    tail = statement_tags(statement) if tags else (" *(background)*" if statement.category == "background" else "")
    note = context_note(statement)
    context = f"*({note[0]}: {md(note[1])})* " if note else ""
    cited_row(f"{context}{md(statement.text)}{tail}", statement.citations, answer, compact)


def contested_block(claim: ContestedClaim, answer: Cites, key: str) -> None:
    if claim.reason == ContestReason.ASKED:  # the question says these sources differ: shown to judge, not judged
        st.badge("Set side by side", icon=":material/compare_arrows:", color="blue")
    else:
        st.badge("Contested", icon=":material/warning:", color="orange")
    st.markdown(f"**{md(claim.topic)}** — {md(claim.summary)}")
    sides = [s for s in ("supports", "disputes", "uncertain", "figure") if any(p.stance == s for p in claim.positions)]
    columns = st.columns(len(sides)) if sides else []
    for column, side in zip(columns, sides):
        with column:
            st.markdown(f"*{stance_label(claim.topic, side)}*")
            for i, position in enumerate(p for p in claim.positions if p.stance == side):
                # a position's stance is its side (the column says it), not a hedge of its source
                statement_row(position, answer, f"{key}-{side}-{i}", compact=len(sides) > 1, tags=False)


def understood_as(result: Answer) -> str:
    """The standalone question answered (follow-ups, case descriptions), as an inert caption."""
    return f"{UNDERSTOOD_AS}: {md(result.understood_as or '')}"


def question_bubble(question: str, result: Answer | None) -> None:
    """The user's question as typed (plain text) and, for follow-ups and case descriptions, what was answered."""
    with st.chat_message("user"):
        st.text(question)
        if result is not None and result.understood_as:
            st.caption(understood_as(result))


def synthesis_block(synthesis: Synthesis, answer: Answer, key: str) -> None:
    """A language model's short answer: only verified sentences, marked as machine-written, each with
    its citation buttons; the dropped sentences behind an expander. Nothing to show: one line."""
    if synthesis.status == "verified" and synthesis.sentences:
        with st.container(border=True, key=f"synthesis-{key}"):
            st.markdown(f"**{SYNTHESIS_TITLE}** :violet-badge[machine-written]")
            for sentence in synthesis.sentences:
                cited_row(md(sentence.text), sentence.citations, answer)
            st.caption(md(SYNTHESIS_NOTE.format(model=synthesis.model or "unnamed")))
    else:
        st.caption(f":material/info: {md(synthesis_note(synthesis))}")
    if synthesis.dropped:
        with st.expander(f"Dropped sentences ({len(synthesis.dropped)})"):
            st.caption(
                "Sentences of the model's output that the verifier did not keep; they are not part of the answer."
            )
            for d in synthesis.dropped:
                st.markdown(f"- {md(d.text)}  \n  *{md(d.reason)}*")


def downloads(answer: Answer, key: str, documents: Mapping[str, DocumentInfo] | None = None) -> None:
    """The answer as Markdown and, when it cites anything, its references as RIS and BibTeX."""
    formats = ["markdown", "ris", "bibtex"] if answer.citations else ["markdown"]
    labels = {"markdown": "Download as Markdown", "ris": "References (RIS)", "bibtex": "References (BibTeX)"}
    row = st.container(horizontal=True)
    for fmt in formats:
        suffix, mime = EXPORT_FORMATS[fmt]
        row.download_button(
            labels[fmt],
            data=export(answer, fmt, documents),
            file_name=f"nms-answer.{suffix}",
            mime=mime,
            key=f"download-{key}" if fmt == "markdown" else f"download-{fmt}-{key}",
            icon=":material/download:",
        )


def render_answer(answer: Answer, key: str, documents: Mapping[str, DocumentInfo] | None = None) -> None:
    if answer.status == "no_evidence":
        st.info(f"**No evidence.** {md(answer.message)}", icon=":material/search_off:")
        if answer.nearest:
            st.markdown("Nearest passages, for browsing (not an answer):")
            for c in answer.nearest:
                with st.expander(md(f"{c.document} — {c.section or 'no section'}")):
                    citation_card(c)
        return
    st.caption(md(answer.message))
    if answer.synthesis is not None:
        synthesis_block(answer.synthesis, answer, key)
    if answer.summary:
        st.markdown(f"**Summary:** {md(answer.summary)}")
    if answer.uncovered:
        notes = " ".join(md(u.note) for u in answer.uncovered)
        st.info(f"**{UNCOVERED_TITLE}:** {notes}", icon=":material/info:")
    st.subheader("Guideline statements", divider="blue")
    if not answer.guideline_statements:
        st.markdown("*None among the retrieved passages.*")
    for i, s in enumerate(answer.guideline_statements):
        statement_row(s, answer, f"{key}-g{i}")
    st.subheader("Research findings", divider="green")
    if not answer.research_findings:
        st.markdown("*None among the retrieved passages.*")
    for i, s in enumerate(answer.research_findings):
        statement_row(s, answer, f"{key}-r{i}")
    if answer.contested:
        st.subheader("Contested", divider="orange")
        for i, claim in enumerate(answer.contested):
            with st.container(border=True):
                contested_block(claim, answer, f"{key}-c{i}")
    st.subheader("Sources", divider="gray")
    for c in answer.citations:
        with st.expander(md(f"[{c.id}] {c.document} — {c.section or 'no section'}")):
            citation_card(c)
    downloads(answer, key, documents)


def synthesis_status(settings: SynthesisSettings) -> str:
    """The sidebar's line on synthesis: off, or the model and where it runs (never the key)."""
    if not settings.enabled:
        return (
            "Off. To let a language model you run write a short, verified answer, set "
            "`NMS_SYNTHESIS__BASE_URL` and `NMS_SYNTHESIS__MODEL`."
        )
    return (
        f"On: model {md(settings.model or '')} at {md(settings.base_url or '')}  \n"
        f"Timeout {settings.timeout_s:g} s; off in each chat until you turn it on."
    )


def sidebar(eng: Engine) -> Filters:
    """Index status, filters that apply to retrieval, clear chat, and the disclaimer."""
    with st.sidebar:
        st.markdown("### Index")
        try:
            snap = eng.snapshot()
        except NMSAssistantError as exc:
            st.error(md(str(exc)))
            st.stop()
        manifest = snap.manifest
        st.markdown(
            f"{manifest['counts']['documents']} documents · {manifest['counts']['passages']} passages  \n"
            f"Model: {md(str(manifest['model']))} ({md(str(manifest.get('encoder') or manifest.get('precision', 'fp32')))})  \n"
            f"Last indexed: {md(str(manifest['created_at']))}"
        )
        st.markdown("### Filters")
        types = sorted({d.evidence_type for d in snap.documents.values()})
        # options of a select box are shown as plain text (never Markdown), so they are not escaped
        chosen_types = st.multiselect("Evidence type", types, key="filter_types")
        titles = {d.doc_id: d.title for d in snap.documents.values()}
        chosen_docs = st.multiselect("Documents", sorted(titles), format_func=titles.__getitem__, key="filter_docs")
        st.markdown("### Short answers")
        st.caption(synthesis_status(eng.settings.synthesis))
        if st.button("Clear chat", icon=":material/delete:"):
            st.session_state["history"] = []
        st.divider()
        st.caption(DISCLAIMER)
        st.caption(f"Index: {md(str(eng.settings.index.dir))}")
    return Filters(frozenset(chosen_types), frozenset(chosen_docs))


# --- who may change the index -----------------------------------------------------------------------


def served_locally() -> bool:
    """True when the app listens on a loopback address only (``nms-assistant serve``'s default)."""
    return str(st.get_option("server.address") or "").strip("[]") in LOOPBACK


def maintainer_token(settings: Settings) -> str | None:
    if settings.ui.maintainer_token is not None:
        return settings.ui.maintainer_token.get_secret_value() or None
    try:
        token = st.secrets.get("maintainer_token")
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets.toml: Streamlit raises on access
        token = None
    except Exception:  # noqa: BLE001 - a malformed secrets file must not open the door; treat it as unset
        token = None
    return str(token) if token else None


def maintainer() -> str | None:
    """Who may change the index in this session (the name the history records), or None.

    A local app (served on localhost) is its local user's; beyond localhost, changes need the
    maintainer credential (``NMS_UI__MAINTAINER_TOKEN`` or ``maintainer_token`` in Streamlit
    secrets), entered once per session."""
    if st.session_state.get("maintainer"):
        return str(st.session_state["maintainer"])
    settings = load_settings()  # read now, not when the shared engine was built
    if served_locally():
        return f"{local_actor()} (app)"
    token = maintainer_token(settings)
    if token is None:
        st.info(
            "Changing the index is turned off for this app: it is served beyond localhost and no maintainer "
            "credential is configured (set NMS_UI__MAINTAINER_TOKEN or `maintainer_token` in Streamlit secrets).",
            icon=":material/lock:",
        )
        return None
    with st.form("maintainer-login"):
        entered = st.text_input("Maintainer credential", type="password")
        if st.form_submit_button("Unlock"):
            if hmac.compare_digest(entered.encode(), token.encode()):
                st.session_state["maintainer"] = f"maintainer:{settings.ui.maintainer_name}"
                st.rerun()
            st.error("That is not the maintainer credential.")
    return None
