"""A business whose records drifted: real-shaped QuickBooks exports (a customer contact list and
an A/R aging detail as of Tuesday 1 December 2026), tickets, and a reminder that bounced."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mailagent.models import Customer, OutboundEmail, Ticket
from mailagent.services.invoices import export_import

TODAY = date(2026, 12, 1)

CONTACTS = (
    '\ufeff"Customer Contact List"\n"Bright Line Plumbing LLC"\n""\n'
    '"","Customer","Phone Numbers","Email","Full Name","Billing Address"\n'
    '"","Blue Harbor Marina","(207) 555-0143","dana.whitfield@blueharbormarina.example",'
    '"Dana Whitfield","14 Wharf Rd"\n'
    '"","Blue Harbour Marina Inc","","d.whitfield@blueharbormarina.example","Dana Whitfeld",""\n'
    '"","Harbor Dental Group","(207) 555-0190","billing@harbordental.example","Mark Ellison",""\n'
    '"","Harbor Dental","","sarah@harbordental.example","Sarah Ellison",""\n'
    '"","Miller & Sons Hardware","(207) 555-0102","","Tom Miller","3 Forest Ave"\n'
    '"","Sunrise Bakery","","ana@sunrisebakery.example","Ana Lopez",""\n'
    '"","Pine Studio","","","Ola Berg",""\n'
)
AGING = (
    '\ufeff"A/R Aging Detail"\n"Bright Line Plumbing LLC"\n"As of December 1, 2026"\n""\n'
    '"","Date","Transaction Type","Num","Customer","Due Date","Past Due","Amount","Open Balance"\n'
    '"","10/02/2026","Invoice","1051","Sunrise Bakery","11/01/2026","30","860.00","860.00"\n'
    '"","10/05/2026","Invoice","1052","Miller & Sons Hardware","11/04/2026","27",'
    '"410.00","410.00"\n'
    '"","11/10/2026","Invoice","1061","Blue Harbour Marina Inc","12/10/2026","-9","95.00","95.00"\n'
    '"","11/12/2026","Invoice","1062","Blue Harbor Marina","12/12/2026","-11","300.00","300.00"\n'
    '"","11/13/2026","Invoice","1063","Blue Harbor Marina","12/13/2026","-12","120.00","120.00"\n'
)


@pytest.fixture
def crm(settings, db):
    settings.TIME_ZONE = "America/New_York"
    settings.CRM_CLEANUP_MODE = "draft"
    for name, text in (("contacts.csv", CONTACTS), ("aging.csv", AGING)):
        export_import(data=text.encode("utf-8"), file_name=name, today=TODAY)
    inc = Customer.objects.get(name="Blue Harbour Marina Inc")
    Ticket.objects.create(
        subject="Slip 14 invoice",
        customer_email="d.whitfield@blueharbormarina.example",
        customer_name="Dana Whitfeld",
        customer=inc,
    )
    for subject in ("Quote for a bathroom", "Following up on the quote"):
        Ticket.objects.create(
            subject=subject, customer_email="lee@newco.example", customer_name="Lee Chen"
        )
    Ticket.objects.create(
        subject="Appointment", customer_email="office@harbordental.example", customer_name="Office"
    )
    Ticket.objects.create(subject="Hello", customer_email="ola@gmail.com", customer_name="Ola Berg")
    OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.REMINDER,
        message_id="<r1@brightline.example>",
        recipients=["ana@sunrisebakery.example"],
        subject="Invoice 1051 is overdue",
        raw=b"",
        transport="smtp",
        status=OutboundEmail.Status.FAILED,
        error="SMTP refused recipient(s), nothing sent: ana@sunrisebakery.example: "
        "550 5.1.1 mailbox unavailable",
    )
    return settings


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user(
        "owner", email="owner@brightline.example", password="pw", is_staff=True
    )
    client.force_login(user)
    return client
