"""What the business says next for a kind of message, whatever the message asks
(`TriageContext.procedures`): what returning goods that came wrong costs, and the volume
discounts for an amount bought every month. The passages are the folder's own, found by
heading or by the business's own question (`knowledge.procedures_for`)."""

from __future__ import annotations

from mailagent.agents.replies import reply_for
from mailagent.types import Address, Category, Passage, Tone, TriageContext

RETURN_SHIPPING = Passage(
    id="returns.md#3",
    file="returns.md",
    heading="Returns and refunds \u203a Return shipping",
    text="Returning a faulty or wrong item costs you nothing: we collect it or pay for the label.",
    language="en",
)
VOLUME = Passage(
    id="prices.md#3",
    file="prices.md",
    heading="Prices \u203a Volume discounts",
    text="Orders of $1,000 or more get 5% off.",
    language="en",
)
PRICE_LIST = Passage(
    id="prices.md#6",
    file="prices.md",
    heading="Prices \u203a Popular items",
    text="- Multifold paper towels, case of 4,000 sheets: $42.00",
    language="en",
    score=3.0,
)


def _reply(category: Category, text: str, *, passages=()):
    context = TriageContext(
        subject="Hello",
        text=text,
        customer=Address("ben@lighthouse.example", "Ben Carter"),
        business_name="Acme Supplies",
        passages=passages,
        procedures=(RETURN_SHIPPING, VOLUME),
    )
    return reply_for(category, Tone.FRUSTRATED, context)


def test_a_complaint_about_wrong_goods_says_first_what_sending_them_back_costs():
    reply = _reply(Category.COMPLAINT, "The lids you sent don't fit the cups. Third time.")
    assert "costs you nothing" in reply.body
    assert "5% off" not in reply.body
    assert reply.passages[0] == RETURN_SHIPPING


def test_a_complaint_about_something_else_gets_no_returns_passage():
    reply = _reply(Category.COMPLAINT, "Your driver was rude to my staff this morning.")
    assert "costs you nothing" not in reply.body and reply.passages == ()


def test_a_price_asked_for_an_amount_every_month_gets_the_volume_discounts():
    reply = _reply(
        Category.SALES_INQUIRY,
        "What would 40 cases of paper towels a month cost?",
        passages=(PRICE_LIST,),
    )
    assert "$42.00" in reply.body and "5% off" in reply.body
    assert reply.passages == (PRICE_LIST, VOLUME)


def test_a_price_asked_once_gets_no_discount_it_did_not_ask_about():
    reply = _reply(
        Category.SALES_INQUIRY, "What do 3 cases of paper towels cost?", passages=(PRICE_LIST,)
    )
    assert "$42.00" in reply.body and "5% off" not in reply.body
