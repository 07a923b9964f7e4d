"""A varied small-business mailbox, generated deterministically: the kind of mail a shared inbox
really gets, in the proportions it gets it.

    from bench.mailgen import varied_mailbox
    messages = varied_mailbox(2000, seed=7)   # list of bytes, CRLF line endings

About a third are plain customer questions; the rest are replies quoting earlier mail, HTML mail
from webmail and Outlook, mail with PDF or photo attachments, newsletters, shipping and payment
notifications, bounces with the original attached, out-of-office replies, staff forwards (inline
and as attached 8-bit messages), complaints and refund or bank-detail requests, and old clients'
Latin-1, cp1252 and `unknown-8bit` text. Sizes follow real mail: most are a few kB, HTML mail tens
of kB, attachments up to a few hundred kB.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

FIRST = [
    "Luis",
    "Amara",
    "Chen",
    "Fatima",
    "Olu",
    "Grace",
    "Mateo",
    "Priya",
    "Sven",
    "Yuki",
    "Hannah",
    "Tomasz",
    "Aisha",
    "Liam",
    "Noor",
    "Elena",
    "Kwame",
    "Sofia",
    "Ravi",
    "Ingrid",
]
LAST = [
    "Moreno",
    "Okafor",
    "Wei",
    "Haddad",
    "Adeyemi",
    "Kim",
    "Rossi",
    "Patel",
    "Larsen",
    "Sato",
    "Becker",
    "Nowak",
    "Bello",
    "Murphy",
    "Rahman",
    "Petrova",
    "Mensah",
    "Costa",
    "Iyer",
    "Berg",
]
SHOPS = [
    "sunrisebakery",
    "greenleaf-cafe",
    "northwind-hardware",
    "bluewave-dental",
    "oakprint",
    "harbor-florist",
    "citybikes",
    "mapleyoga",
    "brightsmile",
    "tinytots-nursery",
]
PRODUCTS = [
    "paper cups",
    "napkins",
    "receipt rolls",
    "cleaning spray",
    "gloves",
    "boxes",
    "labels",
    "toner",
    "coffee filters",
    "bin liners",
    "hand soap",
    "tape",
]
QUESTIONS = [
    "Could you tell me when order {order} will ship? We need the {product} before Friday.",
    "Do you have {product} in stock in the large size? We would need about {qty} packs.",
    "Can you send me a quote for {qty} boxes of {product}, delivered to our shop?",
    "Are you open on the 26th? We would like to pick up order {order} in person.",
    "The delivery for order {order} was missing the {product}. Could you check?",
    "Could you resend invoice {invoice}? Our accountant cannot find it.",
    "We paid invoice {invoice} yesterday by bank transfer, please mark it as paid.",
    "Is there a discount if we order {qty} packs of {product} every month?",
    "What are your delivery days for our area? We are near the station.",
    "Can we change the delivery address for order {order} to our second shop?",
]
ESCALATIONS = [
    "I want a full refund for order {order}, the {product} arrived damaged and unusable.",
    "Please note our bank details have changed. Pay invoice {invoice} to the new account "
    "GB29 NWBK 6016 1331 9268 19 from now on.",
    "This is the third time order {order} is late. If it is not sorted this week we will take "
    "legal action and cancel our contract.",
    "I am very unhappy with your service. The {product} were the wrong size, again. Useless.",
]
FILLER = (
    "Thanks for getting back to us so quickly last time. We have been busy with the season and "
    "the team is growing, so we expect to order more regularly from now on. Let me know if you "
    "need anything else from our side, such as a purchase order number or a delivery window. "
)
SIGNATURE = "\r\n-- \r\n{name}\r\n{shop_name}\r\nTel. +44 20 7946 0{n:03d}\r\n"


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.sent: list[tuple[str, str, str]] = []  # (message-id, subject, sender) to reply to
        self.start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def person(self) -> tuple[str, str, str, str]:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        shop = self.rng.choice(SHOPS)
        return f"{first} {last}", f"{first.lower()}@{shop}.example", shop, first

    def fields(self) -> dict:
        return {
            "order": self.rng.randint(10000, 99999),
            "invoice": f"INV-{self.rng.randint(1000, 9999)}",
            "product": self.rng.choice(PRODUCTS),
            "qty": self.rng.randint(2, 40),
        }

    def head(self, *, sender: str, subject: str, extra: str = "", mid: str = "") -> str:
        """The header section of delivered mail: a Received chain, authentication results and
        signatures (DKIM, ARC) take a few kB before the first header a person reads."""
        self.n += 1
        when = self.start + timedelta(minutes=7 * self.n)
        date = format_datetime(when)
        mid = mid or f"<gen{self.n}.{self.rng.randint(1, 10**9)}@mail.example>"
        address = sender.split("<")[-1].rstrip(">")
        domain = address.rpartition("@")[2]
        hops = "".join(
            f"Received: from mx{hop}.{domain} (mx{hop}.{domain} [198.51.100.{self.n % 250}])\r\n"
            f"\tby mx{hop + 1}.relay.example with ESMTPS id {self.rng.getrandbits(64):x}\r\n"
            f"\tfor <agent@acme.example>; {date}\r\n"
            for hop in range(self.rng.randint(2, 5))
        )
        signature = _b64(self.rng.randbytes(256)).replace("\r\n", "\r\n\t ")
        body_hash = base64.b64encode(self.rng.randbytes(32)).decode()
        return (
            f"Return-Path: <{address}>\r\nDelivered-To: agent@acme.example\r\n{hops}"
            f"Authentication-Results: mx.acme.example; dkim=pass header.d={domain}; spf=pass "
            f"smtp.mailfrom={address}; dmarc=pass (p=NONE) header.from={domain}\r\n"
            f"ARC-Seal: i=1; a=rsa-sha256; t={int(when.timestamp())}; cv=none; d={domain};\r\n"
            f"\t s=arc-20240605; b={signature}\r\n"
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\r\n"
            f"\t h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date;\r\n"
            f"\t bh={body_hash};\r\n\t b={signature}\r\n"
            f"X-Received: by 2002:a05:6512:{self.rng.getrandbits(16):x} with SMTP id "
            f"{self.rng.getrandbits(64):x}; {date}\r\n"
            f"From: {sender}\r\nTo: Acme Supplies <agent@acme.example>\r\n"
            f"Subject: {subject}\r\nDate: {date}\r\nMessage-ID: {mid}\r\n"
            f"MIME-Version: 1.0\r\n{extra}"
        )

    def remember(self, raw: str, subject: str, sender: str) -> None:
        for line in raw.split("\r\n"):
            if line.startswith("Message-ID: "):
                self.sent.append((line[12:], subject, sender))
                return


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\r\n\r\n".join(FILLER[: rng.randint(120, len(FILLER))] for _ in range(count))


def _html(rng: random.Random, text: str, blocks: int) -> str:
    style = "font-family:Calibri,Arial,sans-serif;font-size:11pt;color:#1f1f1f;margin:0 0 12px 0"
    rows = "".join(
        f'<tr><td style="{style}"><p class="MsoNormal" style="{style}">{FILLER}</p></td></tr>'
        for _ in range(blocks)
    )
    return (
        '<html><head><meta charset="utf-8"><style>p.MsoNormal{margin:0} td{padding:4px}'
        '</style></head><body><div dir="ltr">'
        f'<p style="{style}">{text}</p><table role="presentation">{rows}</table>'
        "</div></body></html>"
    )


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def question(w: _Writer) -> str:
    """A customer's question: from webmail (text and a small HTML part, as Gmail sends) or from
    a plain-text client."""
    name, email, shop, _first = w.person()
    text = w.rng.choice(QUESTIONS).format(**w.fields())
    subject = text.split("?")[0].split(".")[0][:60]
    body = f"Hello,\r\n\r\n{text}\r\n\r\n{_paragraphs(w.rng, w.rng.randint(0, 2))}\r\n\r\nThanks,"
    body += SIGNATURE.format(name=name, shop_name=shop.replace("-", " ").title(), n=w.n)
    sender = f"{name} <{email}>"
    if w.rng.random() < 0.4:
        raw = w.head(
            sender=sender,
            subject=subject,
            extra="Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        )
        raw += f"\r\n{body}"
    else:
        html = "".join(f"<div>{line or '<br>'}</div>" for line in body.split("\r\n"))
        raw = w.head(
            sender=sender,
            subject=subject,
            extra='Content-Type: multipart/alternative; boundary="0000gmail"\r\n',
        )
        raw += (
            f"\r\n--0000gmail\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
            f'--0000gmail\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<div dir="ltr">{html}'
            "</div>\r\n--0000gmail--\r\n"
        )
    w.remember(raw, subject, sender)
    return raw


def reply(w: _Writer) -> str:
    if not w.sent:
        return question(w)
    parent, subject, sender = w.rng.choice(w.sent)
    quoted = "\r\n".join(f"> {line}" for line in (FILLER * 2).split(". "))
    body = (
        "Hi again,\r\n\r\nJust following up on this, any news?\r\n\r\n"
        f"On Mon, 23 Nov 2026 at 10:02, {sender} wrote:\r\n{quoted}\r\n"
    )
    return (
        w.head(
            sender=sender,
            subject=f"Re: {subject}",
            extra=f"In-Reply-To: {parent}\r\nReferences: {parent}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n",
        )
        + f"\r\n{body}"
    )


def html_mail(w: _Writer) -> str:
    name, email, _shop, first = w.person()
    text = w.rng.choice(QUESTIONS).format(**w.fields())
    subject = text.split("?")[0].split(".")[0][:60]
    html = _html(w.rng, f"Hello,<br><br>{text}<br><br>Best,<br>{first}", w.rng.randint(4, 30))
    plain = f"Hello,\r\n\r\n{text}\r\n\r\nBest,\r\n{first}\r\n"
    raw = w.head(
        sender=f"{name} <{email}>",
        subject=subject,
        extra='Content-Type: multipart/alternative; boundary="alt"\r\n'
        "X-Mailer: Microsoft Outlook 16.0\r\n",
    )
    raw += (
        f"\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{plain}"
        f"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--alt--\r\n"
    )
    w.remember(raw, subject, f"{name} <{email}>")
    return raw


def with_attachment(w: _Writer) -> str:
    name, email, _shop, first = w.person()
    fields = w.fields()
    kind, ctype, size = w.rng.choice(
        [
            ("invoice.pdf", "application/pdf", w.rng.randint(20_000, 160_000)),
            ("photo.jpg", "image/jpeg", w.rng.randint(60_000, 400_000)),
            ("order.xlsx", "application/vnd.ms-excel", w.rng.randint(8_000, 40_000)),
        ]
    )
    data = w.rng.randbytes(size)
    subject = f"Order {fields['order']}: see attached"
    raw = w.head(
        sender=f"{name} <{email}>",
        subject=subject,
        extra='Content-Type: multipart/mixed; boundary="mix"\r\n',
    )
    raw += (
        f"\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nPlease find "
        f"the {kind} attached for order {fields['order']}. The {fields['product']} line looks "
        f"wrong to us.\r\n\r\n{first}\r\n"
        f'--mix\r\nContent-Type: {ctype}; name="{kind}"\r\nContent-Disposition: attachment; '
        f'filename="{kind}"\r\nContent-Transfer-Encoding: base64\r\n\r\n{_b64(data)}\r\n'
        "--mix--\r\n"
    )
    w.remember(raw, subject, f"{name} <{email}>")
    return raw


def newsletter(w: _Writer) -> str:
    brand = w.rng.choice(["Supplies Weekly", "Cafe Trade News", "Retail Digest"])
    html = _html(
        w.rng, f"This week at {brand}: offers you will not want to miss!", w.rng.randint(30, 90)
    )
    return (
        w.head(
            sender=f"{brand} <news@{brand.lower().replace(' ', '-')}.example>",
            subject=f"{brand}: this week's offers",
            extra="List-Unsubscribe: <mailto:unsubscribe@news.example>\r\nPrecedence: bulk\r\n"
            "Content-Type: text/html; charset=utf-8\r\n",
        )
        + f"\r\n{html}\r\n"
    )


def notification(w: _Writer) -> str:
    what = w.rng.choice(
        ["Your parcel is on its way", "Payment received", "Your statement is ready"]
    )
    html = _html(w.rng, f"{what}. Questions? Reply to this email.", w.rng.randint(3, 12))
    return (
        w.head(
            sender="Notifications <no-reply@notify.example>",
            subject=what,
            extra="Auto-Submitted: auto-generated\r\nContent-Type: text/html; charset=utf-8\r\n",
        )
        + f"\r\n{html}\r\n"
    )


def bounce(w: _Writer) -> str:
    original = question(w)
    return w.head(
        sender="Mail Delivery System <MAILER-DAEMON@mx.example>",
        subject="Undelivered Mail Returned to Sender",
        extra='Content-Type: multipart/report; report-type=delivery-status; boundary="rep"\r\n',
    ) + (
        "\r\n--rep\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could "
        "not be delivered to one or more recipients.\r\n"
        "--rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n"
        "\r\nFinal-Recipient: rfc822; gone@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"--rep\r\nContent-Type: message/rfc822\r\n\r\n{original}\r\n--rep--\r\n"
    )


def out_of_office(w: _Writer) -> str:
    name, email, _, first = w.person()
    return (
        w.head(
            sender=f"{name} <{email}>",
            subject="Out of office: Re: your order",
            extra="Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n",
        )
        + f"\r\nI am out of the office until Monday. {first}\r\n"
    )


def staff_forward(w: _Writer) -> str:
    name, email, shop, first = w.person()
    text = w.rng.choice(QUESTIONS).format(**w.fields())
    if w.rng.random() < 0.5:
        body = (
            f"Can you handle this one?\r\n\r\n---------- Forwarded message ---------\r\nFrom: "
            f"{name} <{email}>\r\nDate: Mon, 23 Nov 2026 at 09:12\r\nSubject: Question\r\nTo: "
            f"Sam <sam@acme.example>\r\n\r\n{text}\r\n\r\n{first}\r\n"
        )
        return (
            w.head(
                sender="Sam Staff <sam@acme.example>",
                subject="Fwd: Question",
                extra="Content-Type: text/plain; charset=utf-8\r\n",
            )
            + f"\r\n{body}"
        )
    inner = (
        f"From: {name} <{email}>\r\nTo: sam@acme.example\r\nSubject: Commande\r\n"
        f"Message-ID: <orig{w.n}@{shop}.example>\r\nDate: Mon, 23 Nov 2026 17:00:00 +0100\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "Bonjour, ma commande n'est pas arriv\u00e9e. O\u00f9 en est-elle ?\r\n"
    )
    return w.head(
        sender="Sam Staff <sam@acme.example>",
        subject="Fwd: Commande",
        extra='Content-Type: multipart/mixed; boundary="fw"\r\n',
    ) + (
        "\r\n--fw\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCustomer below, please "
        f"answer.\r\n--fw\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--fw--\r\n"
    )


def escalation(w: _Writer) -> str:
    name, email, _shop, first = w.person()
    text = w.rng.choice(ESCALATIONS).format(**w.fields())
    return w.head(
        sender=f"{name} <{email}>",
        subject=text[:50],
        extra="Content-Type: text/plain; charset=utf-8\r\n",
    ) + (f"\r\nHello,\r\n\r\n{text}\r\n\r\n{first}\r\n")


# (weight, writer, 8-bit Latin-1 instead of UTF-8?)
_KINDS: list[tuple[int, Callable[[_Writer], str]]] = [
    (30, question),
    (10, reply),
    (14, html_mail),
    (9, with_attachment),
    (9, newsletter),
    (8, notification),
    (4, bounce),
    (3, out_of_office),
    (5, staff_forward),
    (4, escalation),
]


def varied_mailbox(count: int, *, seed: int = 7, legacy_share: float = 0.05) -> list[bytes]:
    """`count` messages as bytes. About `legacy_share` of them are written by old clients:
    Latin-1/cp1252 or `unknown-8bit` bytes, undeclared or mislabelled."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    weights = [weight for weight, _ in _KINDS]
    out = []
    for _ in range(count):
        ((_, kind),) = rng.choices(_KINDS, weights=weights)
        text = kind(writer)
        if rng.random() < legacy_share:
            label = rng.choice(["iso-8859-1", "unknown-8bit", "windows-1252"])
            text = text.replace("charset=utf-8", f"charset={label}", 1)
            text = text.replace("Thanks", "Gr\u00fc\u00dfe \u2013 merci")
            out.append(text.encode("cp1252", errors="replace"))
        else:
            out.append(text.encode("utf-8"))
    return out
