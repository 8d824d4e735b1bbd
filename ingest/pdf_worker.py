"""PDF text extraction in its own process: PDF bytes on stdin, one JSON object on stdout.

Run by ``ingest.loaders.read_pdf`` as ``python -m ingest.pdf_worker MAX_PAGES`` under a time
limit. A separate interpreter (not multiprocessing) so it never re-runs the parent's
``__main__`` and a crash, a hang or a memory blow-up stays here.
"""

from __future__ import annotations

import io
import json
import logging
import sys

CHILD_MEMORY_BYTES = 2 * 1024**3  # address space a parse may add (a decompression bomb stops there)


def _limit_memory() -> None:
    try:
        import os
        import resource

        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + CHILD_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-Linux
        pass


def parse(data: bytes, max_pages: int) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except Exception:  # noqa: BLE001 - any failure means we cannot read it
            ok = 0
        if not ok:
            return {"reject": "is encrypted (password-protected); save an unprotected copy and add that"}
    n = len(reader.pages)
    if n == 0:
        return {"reject": "the PDF has no pages"}
    if n > max_pages:
        return {"reject": f"has {n} pages, over the {max_pages}-page limit"}
    pages = [page.extract_text() or "" for page in reader.pages]
    title = None
    try:
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else None
    except Exception:  # noqa: BLE001 - metadata is optional
        title = None
    return {"pages": pages, "title": title}


def main() -> None:
    logging.disable(logging.CRITICAL)
    sys.setrecursionlimit(10_000)
    max_pages = int(sys.argv[1])
    data = sys.stdin.buffer.read()
    _limit_memory()
    try:
        result = parse(data, max_pages)
    except MemoryError:
        result = {"reject": "is too complex to parse within the memory limit"}
    except RecursionError:
        result = {"reject": "is damaged or truncated and cannot be read (nested too deeply)"}
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes a reason
        message = str(exc).strip().split("\n")[0][:160] or type(exc).__name__
        result = {"reject": f"is damaged or truncated and cannot be read ({message})"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
