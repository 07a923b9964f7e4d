"""Structured inputs for the parsing fuzzer: mail built from a grammar of the header and MIME
shapes that break parsers, accounting exports built from the columns and cells real packages
write, and mutations that keep that structure while they damage it.

A random byte stream almost never holds a valid encoded-word, a multipart boundary or a header
row an importer recognises; these do, with the damage where parsers get it wrong: CR/LF inside
encoded-words, several From addresses, group syntax, comments, quoted local parts, raw 8-bit
bytes, unknown charsets, IDN domains, missing and duplicate headers, nested and broken
multiparts, huge lines.

Pure: `random.Random` in, bytes out. Nothing here imports the code under test.
"""

from __future__ import annotations

import base64
import random

# The grammar's terminals: one table per kind of value, kept one line per group of values.
# fmt: off
NAMES = ["Luis Moreno", "Ana P\u00e9rez", "Zo\u00eb O'Neil", "\u674e\u96f7",
         "M\u00fcller, J\u00f6rg", 'O"Brien', "", "x", "ivy@acme.example"]
NAME_TAILS = ["", "\r\n", "\n", "\r\nBcc: x@evil.example", "<ceo@acme.example>", "@acme.example",
              '", "', "\x00", "=40acme.example"]
LOCALS = ["hello", "accounts", "no-reply", "mailer-daemon", '"john..doe"', '"a b"@', "j.o+tag",
          '"quoted\\"local"', "j\u00f6rg", "ivy", "a" * 70, "postmaster", ""]
DOMAINS = ["sunrisebakery.example", "acme.example", "sub.acme.example", "b\u00fccher.example",
           "xn--bcher-kva.example", "[127.0.0.1]", "evil.example", "localhost",
           "m\u00fcnchen.de", "a" * 64 + ".example", "", "-bad-.example"]
CHARSETS = ["utf-8", "UTF-8", "iso-8859-1", "windows-1252", "unknown-8bit", "x-unknown", "utf-7",
            "utf-16", "utf-32", "koi8-r", "gb2312", "shift_jis", "iso-2022-jp", "", '"utf-8"',
            "us-ascii", "idna", "rot13", "base64", "hex", "punycode", "utf-8'en'", "gbk",
            "ks_c_5601-1987", "euc-kr", "big5", "iso-8859-9", "tis-620", "x-sjis"]
TYPES = ["text/plain", "text/html", "application/pdf", "application/octet-stream", "text/csv",
         "message/rfc822", "message/delivery-status", "image/png", "text/rfc822-headers",
         "application/ms-tnef", "text", "/", "multipart/mixed"]
ENCODINGS = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode",
             "BASE64", "x-unknown", ""]
BOUNDARIES = ["b1", '"b1"', "", '"', "b1 b2", "x" * 100, "=_", '"b1"; boundary=b2']
SUBJECTS = ["Where is my order?", "Re: Fwd: invoice INV-1001", "Out of office", "FW: WG: RV: hi",
            "Automatic reply: away", "Undeliverable: order", "", "R\u00fcckerstattung bitte",
            "=1+1", "x" * 3000]
DATES_822 = ["Tue, 24 Nov 2026 09:00:00 +0000", "24 Nov 26 09:00 EST",
             "Tue, 24 Nov 2026 09:00:00 -0000", "Tue, 24 Nov 99999 09:00:00 +0000",
             "Tue, 31 Feb 2026 25:61:61 +9999", "sometime last Tuesday", "", "0",
             "Tue, 24 Nov 2026 09:00:00", "Mon, 1 Jan 0001 00:00:00 -2400",
             "Tue, 24 Nov 2026 09:00:00 +0000 (UTC)", "Nov 24 2026", "Tue,,,",
             "Tue, 24 Nov 2026 09:00:00 +0000\r\n\t(folded)", "Sat, 1 Jan 10000 00:00 +0000"]
MESSAGE_IDS = ["<a1@mail.example>", "<a@b> <c@d> <a@b>", "<>", "<", "no-brackets@mail.example",
               "<a b@c>", "<" + "x" * 2000 + "@y>", "", "<f1@evil.example>\r\n\t<f2@evil.example>",
               "<\u00e9@\u00fc.example>"]
DISPOSITIONS = ['attachment; filename="a.csv"', "inline",
                "attachment; filename*=utf-8''%E2%82%AC.csv",
                "attachment; filename*0*=x''a; filename*1=b", "attachment; filename=", "; ;",
                "attach\u00e9", "attachment; filename*=unknown-8bit''%FF%FE.csv",
                "attachment; filename*=''", 'attachment; filename="ci\u00eble.txt"',
                'inline; filename="\u00fc\u00e9\u20ac.pdf"']
AUTH_RESULTS = ["mx.acme.example; dmarc=pass header.from=acme.example",
                "mx.acme.example; dkim=pass header.d=acme.example header.i=@acme.example",
                "mx.acme.example; spf=pass smtp.mailfrom=ivy@acme.example",
                "mx.acme.example; none", "mx.acme.example;", ";;;", "mx.acme.example; dkim=pass (",
                'mx.acme.example 1; dmarc=pass reason="x" header.from=',
                "(c) mx.acme.example; x=y"]
AUTOMATIC = ["Auto-Submitted: auto-replied", "Auto-Submitted: no (person)", "Precedence: bulk",
             "List-Id: <news.example>", "X-Autoreply: yes", "Return-Path: <>", "Return-Path: < >",
             "List-Unsubscribe: <mailto:x>", "Auto-Submitted: ;", "Precedence: "]
BROKEN_LINES = ["no colon here", " continuation first", ":empty name", "X:", "X :y",
                "Bad Name: spaced", "\x00: nul", "From:", "From :a@b.example",
                "From ivy@customer.example Mon Nov 30 10:00:00 2026", "garbage-without-colon"]
SEPARATORS = ["---------- Forwarded message ---------", "-----Original Message-----",
              "-------- Forwarded Message --------",
              "Begin forwarded message:", "_" * 32, "> -----Original Message-----",
              "-------- Message transf\u00e9r\u00e9 --------"]
OPENINGS = ["Hello,\n\nWhere is my order 1187?", "Please refund INV-1001.", "Thanks!", "", "ok",
            "Our bank details changed: IBAN DE00 0000."]
SIGNATURES = ["\n-- \nLuis", "\nThanks,\nAna", "\nSent from my iPhone", "\n__\n" + "_" * 40]
HTML = ["<p>Hello</p><table><tr><td>a</td><td>b</td></tr></table>", "<style>p{}", "<",
        "<!-- open comment", "<script>x</script><p>hi", "<p>" * 500,
        "<html><head><title>x</head><body>&#xFFFFFFFF; &bogus; hi"]
UUENCODED = ["begin 644 a.txt\n#86)C\n`\nend\n", "begin\n", "begin 644 x\n!!!"]
EXPORT_COLUMNS = ["Num", "Customer", "Due Date", "Open Balance", "Amount", "Date", "Email",
                  "Transaction Type", "Currency", "Status", "Total", "Current", "*ContactName",
                  "*EmailAddress", "Full Name", "Phone Numbers", "Invoice Number", "Balance",
                  "Reference", "FirstName", "LastName", "< 1 Month", "Older", "", "\ufeffNum",
                  "INVOICE_NUMBER", "amount due"]
EXPORT_TITLES = ["A/R Aging Detail", "Aged Receivables Detail Xero", "Acme Supplies"]
EXPORT_AS_OF = ["As of November 24, 2026", "As at 24 November 2026", "As of 31/02/26", "as of",
                ""]
AMOUNTS = ["1,234.50", "$1,234.50", "(250.00)", "-125.00", "125.00-", "1.234,50", "\u20ac 99,00",
           "0", "", "abc", "1e999999", "NaN", "Infinity", "9" * 400, "1,2,3", "--5", "(-5)",
           "\u0661\u0662\u0663", "\uff11\uff12\uff13", "12.", ".5", "USD 10", "1 234,50", "+-1"]
DATES = ["11/24/2026", "24/11/2026", "2026-11-24", "24.11.2026", "24 Nov 2026", "Nov 24, 2026",
         "02/30/2026", "00/00/0000", "13/13/13", "9999-99-99", "", "yesterday", "31-Dec-99",
         "\u0661\u0661/\u0662\u0664/\u0662\u0660\u0662\u0666", "1/1/1", "24-Nov-2026"]
KINDS = ["Invoice", "Credit Memo", "Payment", "Journal", "INV-1", "CN-2", ""]
# fmt: on


def _pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


def encoded_word(rng: random.Random, text: str) -> str:
    charset = _pick(rng, CHARSETS) or "utf-8"
    raw = text.encode("utf-8", "replace")
    if rng.random() < 0.5:
        payload = base64.b64encode(raw).decode()
        if rng.random() < 0.2:
            payload = payload.rstrip("=") + _pick(rng, ["", "=", "!", "==="])
        return f"=?{charset}?{_pick(rng, 'bB')}?{payload}?="
    q = "".join(f"={b:02X}" if not chr(b).isalnum() else chr(b) for b in raw)
    return f"=?{charset}?{_pick(rng, 'qQ')}?{q}?="


def display_name(rng: random.Random) -> str:
    name = _pick(rng, NAMES)
    roll = rng.random()
    if roll < 0.25:
        return encoded_word(rng, name + _pick(rng, NAME_TAILS))
    if roll < 0.4:
        return f'"{name}"'
    if roll < 0.5:
        return f"{name} (comment (nested) \\) )"
    return name


def address(rng: random.Random) -> str:
    local, domain = _pick(rng, LOCALS), _pick(rng, DOMAINS)
    addr = f"{local}{domain}" if local.endswith("@") else f"{local}@{domain}"
    name = display_name(rng)
    other = f"{_pick(rng, LOCALS)}@{_pick(rng, DOMAINS)}"
    shapes = [
        addr,
        f"{name} <{addr}>",
        f"{addr} ({name})",
        f"<@route.example:{addr}>",
        f"{name} {addr}",  # old clients: no angle brackets
        f"{name} <{addr}",
        "<>",
        f"{name} <{addr}> <{other}>",
        f'"{name}\\" <a@b.example>" <{addr}>',
        f"{name} <{addr}>, {name} <{other}>",
    ]
    return _pick(rng, shapes)


def address_list(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return "undisclosed-recipients:;"
    if roll < 0.2:
        return f"team: {address(rng)}, {address(rng)};"
    if roll < 0.25:
        return f"team: {address(rng)}"  # a group never closed
    count = 1 if roll < 0.7 else rng.randint(2, 4)
    glue = _pick(rng, [", ", ",", "; ", " , ,", ",\r\n\t"])
    return glue.join(address(rng) for _ in range(count))


def header_line(rng: random.Random) -> str:
    """One header of any kind, sometimes damaged."""
    roll = rng.randrange(22)
    if roll < 3:
        return f"{_pick(rng, ['From', 'FROM', 'Sender', 'Reply-To'])}: {address_list(rng)}"
    if roll < 5:
        return f"{_pick(rng, ['To', 'Cc', 'Bcc'])}: {address_list(rng)}"
    if roll < 7:
        subject = _pick(rng, SUBJECTS)
        return f"Subject: {encoded_word(rng, subject) if rng.random() < 0.3 else subject}"
    if roll == 7:
        return f"Date: {_pick(rng, DATES_822)}"
    if roll < 10:
        return f"{_pick(rng, ['Message-ID', 'In-Reply-To', 'References'])}: {message_id(rng)}"
    fixed = {
        10: lambda: f"Content-Type: {content_type(rng, _pick(rng, TYPES))}",
        11: lambda: f"Content-Transfer-Encoding: {_pick(rng, ENCODINGS)}",
        12: lambda: f"Content-Disposition: {_pick(rng, DISPOSITIONS)}",
        13: lambda: f"Authentication-Results: {_pick(rng, AUTH_RESULTS)}",
        14: lambda: _pick(rng, AUTOMATIC),
        15: lambda: f"MIME-Version: {_pick(rng, ['1.0', '2.0', '', '1.0 (produced by x)'])}",
        16: lambda: "X-Long: " + "y" * _pick(rng, [998, 5000, 40000]),
        17: lambda: "Subject: " + "=?utf-8?q?a?= " * rng.randint(1, 400),
        18: lambda: _pick(rng, BROKEN_LINES),
        19: lambda: f"From: {display_name(rng)} <ivy@acme.example>, <ivy@acme.example>",
        20: lambda: f"Received: from x (x [1.2.3.4])\r\n\tby y; {_pick(rng, DATES_822)}",
    }
    return fixed.get(roll, lambda: f"X-Raw: {_pick(rng, NAMES)}")()


def message_id(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"<{rng.getrandbits(32):x}@mail.example>"
    return _pick(rng, MESSAGE_IDS)


def content_type(rng: random.Random, ctype: str) -> str:
    params = []
    if ctype.startswith("text") or rng.random() < 0.2:
        params.append(f"charset={_pick(rng, CHARSETS)}")
    if ctype.startswith("multipart") or rng.random() < 0.05:
        params.append(f"boundary={_pick(rng, BOUNDARIES)}")
    if rng.random() < 0.2:
        params.append(_pick(rng, ['name="a.csv"', "name*=utf-8''%FF.csv", "report-type=x"]))
    return "; ".join([ctype, *params])


def body_text(rng: random.Random) -> str:
    parts = [_pick(rng, OPENINGS)]
    if rng.random() < 0.3:
        parts.append(
            f"\n{_pick(rng, SEPARATORS)}\nFrom: {address(rng)}\nDate: {_pick(rng, DATES_822)}\n"
            f"Subject: {_pick(rng, SUBJECTS)}\nTo: agent@acme.example\n\nOriginal text."
        )
    if rng.random() < 0.3:
        parts.append(f"\nOn Tue, 24 Nov 2026, {address(rng)} wrote:\n> earlier\n> text")
    if rng.random() < 0.2:
        parts.append(_pick(rng, SIGNATURES))
    if rng.random() < 0.1:
        parts.append("\n" + "z" * _pick(rng, [1000, 20000]))
    return "\n".join(parts)


def mime_part(rng: random.Random, depth: int = 0) -> str:
    ctype = _pick(rng, TYPES)
    if depth < 4 and (ctype.startswith("multipart") or rng.random() < 0.15):
        boundary = _pick(rng, ["b1", "b2", "=_x", "b1b", ""])
        children = [mime_part(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        end = _pick(rng, [f"\n--{boundary}--\n", "", f"\n--{boundary}\n", f"--{boundary}--"])
        inner = "".join(f"\n--{boundary}\n{child}" for child in children)
        sub = _pick(rng, ["mixed", "alternative", "report", "related", "digest"])
        return f'Content-Type: multipart/{sub}; boundary="{boundary}"\n\npreamble{inner}{end}'
    head = f"Content-Type: {content_type(rng, ctype)}\n"
    encoding = _pick(rng, ENCODINGS)
    if encoding:
        head += f"Content-Transfer-Encoding: {encoding}\n"
    if rng.random() < 0.3:
        head += header_line(rng) + "\n"
    if ctype == "message/rfc822":
        return head + "\n" + mail_text(rng, depth + 1)
    content = {"text/html": lambda: _pick(rng, HTML), "text/csv": lambda: export_text(rng)}.get(
        ctype, lambda: body_text(rng)
    )()
    if encoding.lower() == "base64":
        content = base64.encodebytes(content.encode("utf-8", "replace")).decode()
        if rng.random() < 0.3:
            content = content[: rng.randrange(len(content) + 1)] + "!!"
    elif encoding.startswith(("x-uu", "uu")):
        content = _pick(rng, UUENCODED)
    return head + "\n" + content


def mail_text(rng: random.Random, depth: int = 0) -> str:
    lines = [header_line(rng) for _ in range(rng.randint(0, 10))]
    if rng.random() < 0.85:
        lines.insert(rng.randint(0, len(lines)), f"From: {address_list(rng)}")
    if rng.random() < 0.15:
        lines.append(f"From: {address_list(rng)}")  # a second From header
    head = "\n".join(lines)
    if depth < 3 and rng.random() < 0.5:
        return head + "\nMIME-Version: 1.0\n" + mime_part(rng, depth)
    return head + "\n\n" + body_text(rng)


def mail(rng: random.Random) -> bytes:
    text = mail_text(rng)
    newline = _pick(rng, ["\n", "\r\n", "\r\n", "\r", "\n\r"])
    if newline != "\n":
        text = text.replace("\n", newline)
    if rng.random() < 0.3:
        return text.encode(
            _pick(rng, ["latin-1", "cp1252", "cp1252", "cp437", "utf-16"]), "replace"
        )
    # surrogatepass writes lone surrogates as the invalid UTF-8 some clients produce
    return text.encode("utf-8", "surrogatepass" if rng.random() < 0.5 else "replace")


def export_text(rng: random.Random, *, huge: bool = False) -> str:
    delimiter = _pick(rng, [",", ",", ";", "\t", "|"])
    columns = [_pick(rng, EXPORT_COLUMNS) for _ in range(rng.randint(1, 9))]
    if rng.random() < 0.7:
        known = ["Num", "Customer", "Due Date", "Open Balance", "Email"]
        count = min(4, len(columns))
        columns[:count] = rng.sample(known, count)
    rows = [[_pick(rng, EXPORT_TITLES)], [_pick(rng, EXPORT_AS_OF)], [], columns]
    for _ in range(rng.randint(0, 12)):
        shape = rng.random()
        if shape < 0.1:
            rows.append([_pick(rng, NAMES)])  # a Xero contact heading
        elif shape < 0.15:
            rows.append(["Total", _pick(rng, AMOUNTS)])
        else:
            rows.append([_cell(rng) for _ in columns])
    if huge:
        rows.append(["INV-9", "x" * 140_000, "11/24/2026", "1.00"])
    quote = _pick(rng, ['"', '"', "'", ""])
    lines = [delimiter.join(f"{quote}{cell}{quote}" for cell in row) for row in rows]
    if rng.random() < 0.1:
        lines.insert(rng.randrange(len(lines)), '"unclosed, quote')
    return "\ufeff" * (rng.random() < 0.4) + "\n".join(lines)


def _cell(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return _pick(rng, AMOUNTS)
    if roll < 0.55:
        return _pick(rng, DATES)
    if roll < 0.7:
        return f"{_pick(rng, LOCALS)}@{_pick(rng, DOMAINS)}; {_pick(rng, LOCALS)}@x.example"
    if roll < 0.8:
        return _pick(rng, KINDS)
    return _pick(rng, NAMES) + _pick(rng, ["", '"', "\n", "\x00", "\r"])


def export(rng: random.Random, *, max_size: int = 1 << 20) -> bytes:
    text = export_text(rng, huge=max_size > 150_000 and rng.random() < 0.05)
    encoding = _pick(rng, ["utf-8", "utf-8", "cp1252", "utf-16", "latin-1"])
    return text.encode(encoding, "replace").replace(b"\n", _pick(rng, [b"\n", b"\r\n", b"\r"]))


def header_value(rng: random.Random) -> bytes:
    """One header value alone, for the header helpers."""
    line = header_line(rng)
    value = line.partition(":")[2].strip() if rng.random() < 0.8 else line
    return value.encode("utf-8", "surrogatepass" if rng.random() < 0.3 else "replace")


def generate(target: str, rng: random.Random, *, max_size: int) -> bytes:
    if target == "export":
        return export(rng, max_size=max_size)[:max_size]
    if target == "headers":
        return header_value(rng)[:max_size]
    if target == "store" and rng.random() < 0.15:
        sender = _pick(rng, ["exports@books.example", "Exports <EXPORTS@books.example>"])
        return export_mail(rng, sender=sender, csv=export(rng, max_size=max_size))[:max_size]
    return mail(rng)[:max_size]


def mutate(data: bytes, rng: random.Random, *, target: str, max_size: int) -> bytes:
    """A structural change: a line from the grammar inserted, a line replaced, dropped or
    repeated, line endings swapped, the message wrapped in a multipart, raw 8-bit bytes spliced
    in."""
    lines = data.split(b"\n")
    fresh = {
        "export": lambda: _cell(rng).encode("utf-8", "replace"),
        "headers": lambda: header_value(rng),
    }.get(target, lambda: header_line(rng).encode("utf-8", "surrogatepass"))
    roll = rng.randrange(8)
    at = rng.randrange(len(lines))
    if roll == 0:
        lines.insert(at, fresh())
    elif roll == 1:
        lines[at] = fresh()
    elif roll == 2 and len(lines) > 1:
        del lines[at]
    elif roll == 3:
        lines.insert(at, lines[rng.randrange(len(lines))] * rng.randint(1, 3))
    elif roll == 4:
        newline = b"\r\n" if rng.random() < 0.5 else b"\n"
        lines = [newline.join(line.rstrip(b"\r") for line in lines)]
    elif roll == 5 and target in ("email", "store"):
        head = f"From: {address(rng)}\nMIME-Version: 1.0\n".encode("utf-8", "replace")
        wrapped = b'Content-Type: multipart/mixed; boundary="w"\n\n--w\n' + data + b"\n--w--\n"
        lines = [head + wrapped]
    elif roll == 6:
        cut = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:cut] + rng.randbytes(rng.randint(1, 6)) + lines[at][cut:]
    else:
        lines.insert(at, bytes([rng.randrange(0x80, 0x100)]) * rng.randint(1, 8))
    return b"\n".join(lines)[:max_size]


def export_mail(rng: random.Random, *, sender: str, csv: bytes) -> bytes:
    """An accounting package's mail: an export attached as CSV, the shape the pipeline imports."""
    body = base64.encodebytes(csv).decode()
    if rng.random() < 0.3:
        body = body[: rng.randrange(len(body) + 1)]
    name = _pick(rng, ["aging.csv", "=?utf-8?q?A=2FR_aging?=.csv", "report", "a.CSV", ""])
    ctype = _pick(rng, ["text/csv", "application/csv", "application/octet-stream", "text/plain"])
    return (
        f"From: Books <{sender}>\nTo: agent@acme.example\nSubject: Your report\n"
        f"Message-ID: <{rng.getrandbits(40):x}@books.example>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="e"\n\n--e\nContent-Type: text/plain\n\n'
        f'Attached.\n--e\nContent-Type: {ctype}; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\n\n{body}\n--e--\n"
    ).encode("utf-8", "replace")
