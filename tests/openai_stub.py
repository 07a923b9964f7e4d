"""A small OpenAI-compatible HTTP server on 127.0.0.1, for the tests and the triage benchmark.

It answers POST /v1/chat/completions. By default it returns `default_answer` as the assistant's
JSON content after `delay` seconds; `script` holds one-off replies taken in order (a status and a
body, or a delay to simulate a timeout). Every request body is kept in `requests`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_ANSWER = {
    "category": "support_question",
    "urgency": "normal",
    "tone": "neutral",
    "risk": "low",
    "needs_human": False,
    "human_reason": "",
    "summary": "Asks how to reset a timer",
    "draft_reply": "Hi Priya,\n\nThanks for your question. We'll look into it.\n\nAcme Supplies",
    "uncertain": [],
}


def completion(content: str, prompt_tokens: int = 10) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(content) // 4),
            "total_tokens": prompt_tokens + max(1, len(content) // 4),
        },
    }


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict is sent as JSON; a str is sent as the assistant's raw content
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class StubServer:
    def __init__(self, *, delay: float = 0.0, answer: dict[str, Any] | None = None) -> None:
        self.delay = delay
        self.default_answer = dict(answer or GOOD_ANSWER)
        self.script: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub.lock:
                    stub.requests.append(body)
                    reply = stub.script.pop(0) if stub.script else None
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                settled = []

                def settle() -> None:
                    # Counted out before the answer is written: the client may send its next
                    # request as soon as it has read this one, before this thread goes on.
                    if not settled:
                        settled.append(True)
                        with stub.lock:
                            stub.in_flight -= 1

                try:
                    stub._answer(self, body, reply, settle)
                finally:
                    settle()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        body: dict,
        reply: Reply | None,
        settle: Callable[[], None],
    ) -> None:
        prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
        tokens = max(1, prompt_chars // 4)
        if reply is None:
            reply = Reply(body=json.dumps(self.default_answer), delay=self.delay)
        time.sleep(reply.delay)
        settle()
        if reply.status == 200 and isinstance(reply.body, str):
            payload = completion(reply.body, tokens)
        else:
            payload = reply.body if reply.body is not None else {"error": {"message": "stub"}}
        data = json.dumps(payload).encode()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test): nothing to answer.
            return

    def start(self) -> StubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
