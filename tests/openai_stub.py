"""A small OpenAI-compatible HTTP server on 127.0.0.1, for the tests and the triage benchmark.

It answers POST /v1/chat/completions the way OpenAI, vLLM, Ollama and llama.cpp's server do:

- non-streamed: one `chat.completion` object with `usage` (prompt, completion and total tokens,
  about four characters a token);
- streamed (`"stream": true`): server-sent events, one `data: {...}` line per
  `chat.completion.chunk`: the role first, then the content in small `choices[0].delta` pieces,
  then an empty delta with the `finish_reason`; with `stream_options: {"include_usage": true}`
  a last chunk with no choices and the `usage`; then `data: [DONE]`;
- `response_format` of type `json_schema`: the content is a JSON string, and the default answer
  is conformed to the schema as constrained decoding would (keys the schema does not have are
  dropped, required ones it lacks are filled with an empty value of their type). A strict schema
  that OpenAI would refuse (a property not listed as required, other properties allowed) gets
  the 400 OpenAI gives;
- errors as JSON with the status and headers scripted (a 429 with `Retry-After`, a 500).

By default it returns `default_answer` after `delay` seconds; `script` holds one-off replies taken
in order (`Reply`: a status and a body, a delay to simulate a timeout, a cut answer or a stream
that breaks off). Every request body is kept in `requests`, and when it arrived in `arrivals`
(`time.monotonic()`), so that a test can see how long a client waited before retrying.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
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

#: Characters of content per streamed chunk: a token or two, as real servers send.
CHUNK_CHARS = 8


def tokens_of(text: str) -> int:
    return max(1, len(text) // 4)


def usage(prompt_tokens: int, content: str) -> dict[str, int]:
    completion_tokens = tokens_of(content)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion(
    content: str, prompt_tokens: int = 10, *, finish_reason: str = "stop"
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": usage(prompt_tokens, content),
    }


def chunk(delta: dict[str, Any] | None, *, finish_reason: str | None = None) -> dict[str, Any]:
    """One `chat.completion.chunk`; `delta=None` is the usage chunk's empty `choices`."""
    choices = [] if delta is None else [
        {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
    ]  # fmt: skip
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "stub-model",
        "choices": choices,
    }


def stream_events(
    content: str, prompt_tokens: int, *, finish_reason: str = "stop", include_usage: bool = False
) -> Iterator[dict[str, Any]]:
    """The chunks of a streamed answer, in the order real servers send them."""
    yield chunk({"role": "assistant", "content": ""})
    for start in range(0, len(content), CHUNK_CHARS):
        yield chunk({"content": content[start : start + CHUNK_CHARS]})
    yield chunk({}, finish_reason=finish_reason)
    if include_usage:
        yield chunk(None) | {"usage": usage(prompt_tokens, content)}


_EMPTY = {"string": "", "boolean": False, "array": [], "integer": 0, "number": 0, "object": {}}


def conformed(answer: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The answer as a server constraining its output to `schema` could have written it."""
    properties = schema.get("properties", {})
    kept = {key: value for key, value in answer.items() if key in properties}
    for key in schema.get("required", []):
        if key not in kept:
            spec = properties.get(key, {})
            kept[key] = spec["enum"][0] if spec.get("enum") else _EMPTY.get(spec.get("type"), "")
    return kept


def schema_problem(response_format: dict[str, Any] | None) -> str:
    """Why OpenAI would refuse this response format with a 400, or ""."""
    if not response_format or response_format.get("type") != "json_schema":
        return ""
    spec = response_format.get("json_schema") or {}
    schema = spec.get("schema") or {}
    if not spec.get("name") or schema.get("type") != "object":
        return "response_format.json_schema needs a name and an object schema"
    if spec.get("strict"):
        missing = set(schema.get("properties", {})) - set(schema.get("required", []))
        if missing:
            return f"In strict mode 'required' must list every property; missing {sorted(missing)}"
        if schema.get("additionalProperties") is not False:
            return "In strict mode 'additionalProperties' must be false"
    return ""


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict is sent as JSON; a str is sent as the assistant's raw content
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    #: "length" as a server says when max_tokens cut the answer (give the cut content as body).
    finish_reason: str = "stop"
    #: Streamed: close the connection after this many chunks, with no finish and no [DONE].
    break_after_chunks: int | None = None

    @classmethod
    def rate_limited(cls, retry_after: str = "1") -> Reply:
        """A 429 with `Retry-After` in seconds, as OpenAI sends when a rate limit is reached."""
        return cls(
            status=429,
            body={"error": {"message": "Rate limit reached", "type": "requests", "code": None}},
            headers={"Retry-After": retry_after},
        )

    @classmethod
    def server_error(cls) -> Reply:
        return cls(
            status=500,
            body={"error": {"message": "The server had an error", "type": "server_error"}},
            headers={"Retry-After": "0"},
        )


class StubServer:
    def __init__(self, *, delay: float = 0.0, answer: dict[str, Any] | None = None) -> None:
        self.delay = delay
        self.default_answer = dict(answer or GOOD_ANSWER)
        self.script: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []
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
                    stub.arrivals.append(time.monotonic())
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
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a timeout test): nothing to answer.
                    pass
                finally:
                    settle()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _default_reply(self, body: dict) -> Reply:
        answer = self.default_answer
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            answer = conformed(answer, response_format["json_schema"]["schema"])
        return Reply(body=json.dumps(answer), delay=self.delay)

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        body: dict,
        reply: Reply | None,
        settle: Callable[[], None],
    ) -> None:
        prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
        tokens = max(1, prompt_chars // 4)
        problem = schema_problem(body.get("response_format"))
        if problem:
            reply = Reply(status=400, body={"error": {"message": problem, "type": "invalid"}})
        elif reply is None:
            reply = self._default_reply(body)
        time.sleep(reply.delay)
        settle()
        if reply.status == 200 and isinstance(reply.body, str) and body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = stream_events(
                reply.body, tokens, finish_reason=reply.finish_reason, include_usage=include_usage
            )
            self._stream(handler, events, reply)
            return
        if reply.status == 200 and isinstance(reply.body, str):
            payload = completion(reply.body, tokens, finish_reason=reply.finish_reason)
        else:
            payload = reply.body if reply.body is not None else {"error": {"message": "stub"}}
        data = json.dumps(payload).encode()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _stream(
        handler: BaseHTTPRequestHandler, events: Iterator[dict[str, Any]], reply: Reply
    ) -> None:
        # HTTP/1.0 without a length: the body ends when the connection closes, as an SSE
        # stream of a server that does not use chunked encoding does.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        for n, event in enumerate(events):
            if reply.break_after_chunks is not None and n >= reply.break_after_chunks:
                handler.wfile.flush()
                return
            handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            handler.wfile.flush()
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()

    def start(self) -> StubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
