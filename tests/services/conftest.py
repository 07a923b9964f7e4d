"""An SMTP server on 127.0.0.1 that misbehaves on purpose, one planned fault at a time."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass, field

import pytest

from tests.conftest import ReceivedMail, free_port

# Where a fault can strike: the MAIL and RCPT commands, the DATA command itself (before "354"),
# and the end of DATA (after the final ".", once the whole message has arrived).
STAGES = ("MAIL", "RCPT", "DATA", "END")
# What the server does there, besides answering with a reply code of its choosing:
DROP = "drop"  # closes the connection without a word
HANG = "hang"  # never answers (until the test ends)


@dataclass
class MisbehavingServer:
    host: str
    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    # Messages that arrived whole but were never acknowledged (a drop or hang at END): the
    # server has them, the client cannot know.
    unacknowledged: list[ReceivedMail] = field(default_factory=list)
    refused_recipients: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: dict[str, deque] = field(default_factory=lambda: {s: deque() for s in STAGES})
    released: threading.Event = field(default_factory=threading.Event)

    def fail_next(self, stage: str, action: str) -> None:
        """The next time a client reaches `stage`, answer `action` ("451 ...", DROP or HANG)."""
        self.faults[stage].append(action)

    def fault(self, stage: str) -> str | None:
        with self.lock:
            return self.faults[stage].popleft() if self.faults[stage] else None

    def delivered_ids(self) -> list[str]:
        with self.lock:
            return [r.message["Message-ID"] for r in [*self.received, *self.unacknowledged]]


async def _misbehave(server: MisbehavingServer, smtp, action: str) -> str:
    """Carry out a fault; returns the reply to send (unheard once the connection is gone)."""
    if action == HANG:
        while not server.released.is_set():
            await asyncio.sleep(0.05)
    if action in (DROP, HANG):
        smtp.transport.close()
        return "421 4.4.2 gone"
    return action


@pytest.fixture
def bad_smtp(settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    server = MisbehavingServer(host="127.0.0.1", port=free_port())

    class Handler:
        async def handle_MAIL(self, smtp, session, envelope, address, options):
            action = server.fault("MAIL")
            if action:
                return await _misbehave(server, smtp, action)
            envelope.mail_from = address
            return "250 OK"

        async def handle_RCPT(self, smtp, session, envelope, address, options):
            action = server.fault("RCPT") or server.refused_recipients.get(address)
            if action:
                return await _misbehave(server, smtp, action)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, smtp, session, envelope):
            mail = ReceivedMail(
                envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
            )
            action = server.fault("END")
            if action in (DROP, HANG):
                with server.lock:
                    server.unacknowledged.append(mail)
            if action:
                return await _misbehave(server, smtp, action)
            with server.lock:
                server.received.append(mail)
            return "250 OK queued"

    class MisbehavingSMTP(SMTP):
        async def smtp_DATA(self, arg: str) -> None:
            action = server.fault("DATA")
            if action:
                await self.push(await _misbehave(server, self, action))
                return
            await super().smtp_DATA(arg)

    class MisbehavingController(Controller):
        def factory(self):
            return MisbehavingSMTP(self.handler, **self.SMTP_kwargs)

    controller = MisbehavingController(Handler(), hostname=server.host, port=server.port)
    controller.start()
    settings.SMTP_HOST, settings.SMTP_PORT = server.host, server.port
    settings.SMTP_STARTTLS, settings.SMTP_USER, settings.SMTP_PASSWORD = False, "", ""
    settings.SMTP_TIMEOUT = 1.0
    try:
        yield server
    finally:
        server.released.set()
        controller.stop()
