"""Shrink a crashing input to the few lines and bytes that still cause the same finding, for a
regression case a person can read (delta debugging: drop chunks while the signature holds)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _signature(check: Callable[[bytes], str], data: bytes) -> str | None:
    from bench.fuzz_parsing import signature_of

    try:
        check(data)
    except Exception as exc:
        return signature_of(exc)
    return None


def _shrink(pieces: list[bytes], join: bytes, keeps: Callable[[bytes], bool]) -> list[bytes]:
    size = max(1, len(pieces) // 2)
    while size >= 1:
        start, shrunk = 0, False
        while start < len(pieces):
            trial = pieces[:start] + pieces[start + size :]
            if trial and keeps(join.join(trial)):
                pieces, shrunk = trial, True
            else:
                start += size
        if not shrunk:
            size //= 2
    return pieces


def minimise(path: Path, *, target: str) -> bytes:
    from bench import fuzz_targets
    from bench.fuzz_parsing import VAR

    check = fuzz_targets.check_for(target, VAR / "database-minimise")
    data = path.read_bytes()
    wanted = _signature(check, data)
    if wanted is None:
        print(f"{path} no longer fails: nothing to minimise.")
        return data

    def keeps(candidate: bytes) -> bool:
        return _signature(check, candidate) == wanted

    data = b"\n".join(_shrink(data.split(b"\n"), b"\n", keeps))
    # Then bytes: in chunks first, so that a long line costs a few hundred trials, not millions.
    for chunk in (max(1, len(data) // 64), 1):
        pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        data = b"".join(_shrink(pieces, b"", keeps))
    out = path.with_suffix(".min.bin")
    out.write_bytes(data)
    print(f"{wanted}\n{len(path.read_bytes())} -> {len(data)} bytes, {out}\n{data!r}")
    return data
