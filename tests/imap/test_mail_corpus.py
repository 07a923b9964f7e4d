"""Real mail is messy. Every message is stored raw and then parsed or quarantined with the error,
and the run always goes on; and what a peer helpdesk gets wrong on the same kind of mailbox is
checked here, one behaviour per test."""

from __future__ import annotations

import pytest

from mailagent.models import Draft, InboundEmail, OutboundEmail, Ticket
from mailagent.services.drafts import draft_approve
from mailagent.services.outbound import draft_send
from tests.imap.conftest import poll_once
from tests.imap.messages import question

pytestmark = pytest.mark.django_db

HEAD = b"To: agent@acme.example\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"

# A staff member forwards a customer's mail as an attachment; the attached message is 8-bit
# Latin-1 with no charset declared anywhere (the message that stopped the peer for good).
FORWARD_8BIT = (
    b"From: Sam Staff <sam@acme.example>\r\n" + HEAD + b"Subject: Fwd: Commande en retard\r\n"
    b"Message-ID: <fwd-8bit@acme.example>\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Can you answer this one? She is waiting.\r\n"
    b"--b1\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: Ren\xe9e Dubois <renee@boulangerie.example>\r\n"
    b"To: sam@acme.example\r\nSubject: Commande en retard\r\n"
    b"Message-ID: <orig-8bit@boulangerie.example>\r\n"
    b"Date: Mon, 23 Nov 2026 17:00:00 +0100\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\n"
    b"Bonjour, ma commande n'est pas arriv\xe9e. O\xf9 en est-elle ?\r\n\r\nRen\xe9e\r\n"
    b"--b1--\r\n"
)
UNKNOWN_8BIT = (
    b"From: Joerg <joerg@werkstatt.example>\r\n" + HEAD + b"Subject: Lieferung\r\n"
    b"Message-ID: <unknown-8bit@werkstatt.example>\r\n"
    b"Content-Type: text/plain; charset=unknown-8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Gr\xfc\xdfe, wann kommt meine Bestellung? \x96 J\xf6rg\r\n"
)
UNKNOWN_CHARSET = (
    b"From: Kim <kim@studio.example>\r\n" + HEAD + b"Subject: Invoice copy\r\n"
    b"Message-ID: <klingon@studio.example>\r\n"
    b"Content-Type: text/plain; charset=x-klingon\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Could you send me a copy of invoice 2291? Caf\xc3\xa9 Kim\r\n"
)
NO_MESSAGE_ID = (
    b"From: Pat <pat@garden.example>\r\n" + HEAD + b"Subject: Opening hours\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nAre you open on Saturday?\r\n"
)
HEADERS_8BIT_UTF8 = (
    "From: Jörg Müller <mueller@schreinerei.example>\r\n".encode()
    + HEAD
    + "Subject: Rückfrage "
    "zur Lieferung\r\nMessage-ID: <utf8-headers@schreinerei.example>\r\nContent-Type: text/plain; "
    "charset=utf-8\r\n\r\nWann kommt die Lieferung?\r\n".encode()
)
TRUNCATED_MULTIPART = (
    b"From: Lee <lee@printshop.example>\r\n" + HEAD + b"Subject: Invoice looks wrong\r\n"
    b"Message-ID: <truncated@printshop.example>\r\n"
    b'Content-Type: multipart/mixed; boundary="cut"\r\n\r\n'
    b"--cut\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Please see the attached invoice, the total looks wrong.\r\n"
    b'--cut\r\nContent-Type: application/pdf; name="invoice.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    b"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURl"
)
# The same, with the attached message labelled charset=unknown-8bit (what Postfix writes when
# it meets undeclared 8-bit text).
FORWARD_UNKNOWN_8BIT = FORWARD_8BIT.replace(
    b"Content-Transfer-Encoding: 8bit\r\n\r\nBonjour",
    b"Content-Type: text/plain; charset=unknown-8bit\r\nContent-Transfer-Encoding: 8bit\r\n"
    b"\r\nBonjour",
).replace(b"<fwd-8bit@", b"<fwd-unknown-8bit@")
NOT_AN_EMAIL = b"\xff\xfe\x81 this is not an email at all \x82\r\n"

CORPUS = {
    "not an email": NOT_AN_EMAIL,
    "8-bit forwarded message/rfc822": FORWARD_8BIT,
    "charset=unknown-8bit": UNKNOWN_8BIT,
    "unknown charset": UNKNOWN_CHARSET,
    "no Message-ID": NO_MESSAGE_ID,
    "8-bit UTF-8 headers": HEADERS_8BIT_UTF8,
    "truncated multipart": TRUNCATED_MULTIPART,
}


def by_uid(uid: int) -> InboundEmail:
    return InboundEmail.objects.get(source_key__endswith=f":{uid}")


class TestMalformedMail:
    @pytest.fixture
    def corpus_run(self, imap_settings, mailbox):
        for raw in CORPUS.values():
            mailbox.append(raw)
        mailbox.append(question(1))
        return poll_once()

    def test_every_message_is_stored_exactly_as_the_server_had_it(self, corpus_run):
        stored = {by_uid(uid).pk: bytes(by_uid(uid).raw) for uid in range(1, len(CORPUS) + 1)}
        assert sorted(stored.values()) == sorted(CORPUS.values())

    def test_each_is_parsed_or_quarantined_with_its_error_and_the_run_goes_on(self, corpus_run):
        junk = by_uid(1)
        assert junk.status == InboundEmail.Status.QUARANTINED and junk.error
        for uid in range(2, len(CORPUS) + 2):
            email = by_uid(uid)
            assert email.status == InboundEmail.Status.PROCESSED, (email.subject, email.error)
        assert not InboundEmail.objects.filter(status=InboundEmail.Status.RECEIVED).exists()

    def test_8bit_text_is_decoded_not_dropped(self, corpus_run):
        forward = InboundEmail.objects.get(message_id="<fwd-8bit@acme.example>")
        assert forward.customer_email == "renee@boulangerie.example"
        assert "arrivée. Où en est-elle" in forward.body_text
        assert forward.ticket.customer_name == "Renée Dubois"
        assert "Grüße" in InboundEmail.objects.get(subject="Lieferung").body_text
        assert "Café" in InboundEmail.objects.get(subject="Invoice copy").body_text
        utf8 = InboundEmail.objects.get(message_id="<utf8-headers@schreinerei.example>")
        assert (utf8.from_name, utf8.subject) == ("Jörg Müller", "Rückfrage zur Lieferung")

    def test_a_message_without_message_id_still_becomes_a_ticket_once(self, corpus_run):
        email = InboundEmail.objects.get(subject="Opening hours")
        assert email.ticket is not None
        assert "nothing new to do" in poll_once()
        assert InboundEmail.objects.filter(subject="Opening hours").count() == 1

    def test_a_truncated_attachment_does_not_lose_the_text(self, corpus_run):
        email = InboundEmail.objects.get(message_id="<truncated@printshop.example>")
        assert "the total looks wrong" in email.body_text

    def test_an_attached_message_labelled_unknown_8bit_is_parsed(self, imap_settings, mailbox):
        mailbox.append(FORWARD_UNKNOWN_8BIT)
        poll_once()
        email = InboundEmail.objects.get()
        assert bytes(email.raw) == FORWARD_UNKNOWN_8BIT
        assert email.status == InboundEmail.Status.PROCESSED, email.error


class TestWhatThePeerGetsWrong:
    def test_the_run_goes_past_messages_it_cannot_decode(self, imap_settings, mailbox):
        mailbox.append(NOT_AN_EMAIL)
        mailbox.append(FORWARD_8BIT)
        mailbox.append(UNKNOWN_8BIT)
        mailbox.append(question(1))
        poll_once()
        assert Ticket.objects.count() == 3
        assert InboundEmail.objects.filter(status="quarantined").count() == 1

    def test_latin1_and_cp1252_sender_names_are_not_garbled(self, imap_settings, mailbox):
        mailbox.append(
            b"From: Fran\xe7ois L\xe9ger <francois@fromagerie.example>\r\n" + HEAD + b"Subject: "
            b"Commande\r\nMessage-ID: <latin1@fromagerie.example>\r\n\r\nBonjour, une question.\r\n"
        )
        mailbox.append(
            b"From: Zo\xeb O\x92Neill <zoe@pottery.example>\r\n"
            + HEAD
            + b"Subject: Glaze order\r\n"
            b"Message-ID: <cp1252@pottery.example>\r\n\r\nHi, is the blue glaze back in stock?\r\n"
        )
        poll_once()
        names = dict(Ticket.objects.values_list("customer_email", "customer_name"))
        assert names == {
            "francois@fromagerie.example": "François Léger",
            "zoe@pottery.example": "Zoë O\u2019Neill",
        }

    def test_bounces_newsletters_and_notifications_never_become_tickets_or_get_answers(
        self, imap_settings, mailbox
    ):
        bounce = (
            b"From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n" + HEAD + b"Subject: "
            b"Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce@mx.example>\r\n"
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
            b"--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            b"--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n"
        )
        newsletter = (
            b"From: Supplies Weekly <news@supplies-weekly.example>\r\n" + HEAD + b"Subject: This "
            b"week's offers\r\nMessage-ID: <news@supplies-weekly.example>\r\n"
            b"List-Unsubscribe: <mailto:unsubscribe@supplies-weekly.example>\r\n"
            b"Precedence: bulk\r\n\r\nCan you believe these prices? Reply to order!\r\n"
        )
        notification = (
            b"From: Parcel Tracker <no-reply@parcels.example>\r\n" + HEAD + b"Subject: Your "
            b"parcel is on its way\r\nMessage-ID: <notice@parcels.example>\r\n"
            b"Auto-Submitted: auto-generated\r\n\r\nQuestions? Just ask.\r\n"
        )
        out_of_office = (
            b"From: Dana <dana@client.example>\r\n" + HEAD + b"Subject: Out of office: Re: order"
            b"\r\nMessage-ID: <ooo@client.example>\r\nX-Autoreply: yes\r\n\r\nI am away.\r\n"
        )
        for raw in (bounce, newsletter, notification, out_of_office):
            mailbox.append(raw)

        poll_once()

        assert set(InboundEmail.objects.values_list("status", flat=True)) == {"automatic"}
        assert Ticket.objects.count() == Draft.objects.count() == 0
        assert not OutboundEmail.objects.exclude(kind=OutboundEmail.Kind.APPROVAL_REQUEST).exists()

    def test_a_reply_to_our_own_sent_mail_joins_its_ticket(self, imap_settings, mailbox):
        mailbox.append(question(1))
        poll_once()
        ticket = Ticket.objects.get()
        draft = Draft.objects.get(ticket=ticket)
        draft_approve(draft_id=draft.pk, approver="owner@acme.example")
        sent = draft_send(draft_id=draft.pk)
        assert sent.message_id

        # The customer answers our reply; their client keeps only our Message-ID, and they
        # changed the subject.
        mailbox.append(
            question(
                2,
                sender="customer1@shop1.example",
                subject="One more thing",
                extra_headers=f"In-Reply-To: {sent.message_id}\r\nReferences: {sent.message_id}"
                "\r\n",
            )
        )
        poll_once()

        assert Ticket.objects.count() == 1
        reply = InboundEmail.objects.get(subject="One more thing")
        assert reply.ticket == ticket
