"""A job found during the work, told to the customer and answered by the work order's signed
link (docs/service.md, "Messages" and "The work order"): the SMS and e-mail with the job's name,
its price and the link of the storefront's page, sent for a job that waits for the customer's
word and not for one their advance instruction decided, once per event; the page, where the
link's holder reads the order, signs it and approves or declines each job, the word recorded as
given by the link; a bad token, or one of another kind, is a 404. Django's test mailbox stands
for the SMTP server and the console backend's `send` is recorded for SMS, as the notifications
tests do; everything else is the real databases."""

import re
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from accounts.tests.factories import UserFactory
from common.events import delivery, types
from common.events.registry import outbox_model
from notifications import selectors as notifications_selectors
from service import selectors, services
from service.services import links, messages
from service.tests.factories import local_at, service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__")
NOTICE = "work_order.line_proposed"
LINK = re.compile(r"https?://\S+/service/work-order/([^/\s]+)/")


@pytest.fixture(autouse=True)
def daytime(time_machine):
    """Noon in Moscow: outside the quiet hours of SMS."""
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)
    return time_machine


@pytest.fixture
def sms():
    """The texts the SMS backend was given, as (phone, text)."""
    sent: list[tuple[str, str]] = []
    with mock.patch(
        "notifications.sms.ConsoleBackend.send",
        side_effect=lambda *, phone, text: sent.append((phone, text)) or "",
    ):
        yield sent


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk], full_name="Пётр Мастеров")


@pytest.fixture
def customer():
    return UserFactory(
        role="client", language="ru", phone="+79151234567", full_name="Анна Смирнова"
    )


def in_work(advisor, customer, showroom, **terms):
    """The order signed (on the site by a customer with an account, on paper by one without)
    and taken into work."""
    work_order = work_order_make(advisor, customer, showroom, **terms)
    if customer is None:
        services.work_order_sign(user=advisor, work_order_id=work_order.pk, channel="paper")
    else:
        services.work_order_sign(user=customer, work_order_id=work_order.pk, channel="site")
    services.work_order_start(user=advisor, work_order_id=work_order.pk)
    return work_order


def propose(advisor, work_order, run_on_commit, **line):
    """The advisor adds a job found during the work (2 norm hours: 5 000 ₽), its event
    delivered as the commit would."""
    with run_on_commit():
        return services.line_add(
            user=advisor,
            work_order_id=work_order.pk,
            kind="labour",
            **{"name": "Замена сайлентблоков", "norm_hours": Decimal("2.00"), **line},
        )


def told(showroom):
    rows = notifications_selectors.deliveries_about(showroom_id=showroom.pk).filter(notice=NOTICE)
    return sorted(rows.values_list("channel", "recipient", "status"))


def token_in(text):
    return LINK.search(text).group(1)


def line_of(work_order, line):
    """The line as the database keeps it now."""
    return selectors.work_order_of_link(work_order_id=work_order.pk).lines.get(pk=line.pk)


def test_a_job_waiting_for_the_word_is_told_with_its_price_and_the_link_once(
    advisor, customer, showroom, sms, run_on_commit
):
    work_order = in_work(advisor, customer, showroom)

    propose(advisor, work_order, run_on_commit)

    assert told(showroom) == [
        ("email", customer.email, "sent"),
        ("sms", customer.phone, "sent"),
    ]
    [email] = mail.outbox
    assert email.to == [customer.email]
    assert email.subject == "Нужно ваше согласие: Замена сайлентблоков"
    assert "Анна Смирнова" in email.body and work_order.number in email.body
    assert re.search(r"5\s000,00\s₽", email.body)
    token = token_in(email.body)
    assert links.id_of_link(token, salt=links.WORK_ORDER) == str(work_order.pk)
    [(phone, text)] = sms
    assert phone == customer.phone and "Замена сайлентблоков" in text
    assert links.id_of_link(token_in(text), salt=links.WORK_ORDER) == str(work_order.pk)

    # The event delivered again tells no one twice: the inbox, and past it the key.
    row = outbox_model("service").objects.get(type=NOTICE)
    event = {**types.event_from_outbox_row(row, "service").as_dict(), "id": str(row.pk)}
    with run_on_commit():
        assert delivery.deliver("service.notify_line_proposed", event) is False
        line_id = event["payload"]["id"]
        assert messages.line_proposed_send(line_id=line_id, key=str(row.pk)) == 0
    assert len(told(showroom)) == 2 and len(mail.outbox) == 1 and len(sms) == 1


def test_a_customer_without_an_account_gets_the_sms_with_the_link(
    advisor, showroom, sms, run_on_commit
):
    work_order = in_work(advisor, None, showroom)

    propose(advisor, work_order, run_on_commit, pay_type="warranty")

    assert told(showroom) == [("sms", "+79161234567", "sent")]
    [(_phone, text)] = sms
    assert "бесплатно для вас" in text  # a warranty job costs them nothing
    assert links.id_of_link(token_in(text), salt=links.WORK_ORDER) == str(work_order.pk)


def test_nothing_is_told_of_a_job_the_advance_instruction_decided(
    advisor, customer, showroom, sms, run_on_commit
):
    work_order = in_work(
        advisor, customer, showroom, instruction="up_to", instruction_limit=Decimal("6000.00")
    )

    covered = propose(advisor, work_order, run_on_commit)  # 5 000 ₽: within 6 000
    assert (covered.state, covered.decided_how) == ("approved", "instruction")
    assert told(showroom) == [] and sms == [] and mail.outbox == []

    over = propose(advisor, work_order, run_on_commit, name="Замена колодок")  # 5 000 more
    assert over.state == "proposed"
    assert told(showroom) == [
        ("email", customer.email, "sent"),
        ("sms", customer.phone, "sent"),
    ]
    [email] = mail.outbox
    assert "Замена колодок" in email.subject


def test_the_link_page_shows_the_job_and_takes_the_word_as_given_by_the_link(
    advisor, customer, showroom, sms, run_on_commit
):
    work_order = in_work(advisor, customer, showroom)
    first = propose(advisor, work_order, run_on_commit)
    second = propose(advisor, work_order, run_on_commit, name="Замена колодок")
    token = token_in(mail.outbox[0].body)
    page = f"/service/work-order/{token}/"
    holder = Client()  # nobody signed in

    shown = holder.get(page)

    assert shown.status_code == 200
    content = shown.content.decode()
    assert "Замена сайлентблоков" in content and "Замена колодок" in content
    assert re.search(r"5\s000,00\s₽", content) and work_order.number in content
    assert f"{page}lines/{first.pk}/approve" in content
    assert "/account/service/" not in content  # no papers nor payment by the link

    approved = holder.post(f"{page}lines/{first.pk}/approve")
    declined = holder.post(f"{page}lines/{second.pk}/decline")

    assert approved.status_code == declined.status_code == 302
    assert approved["Location"] == page
    first, second = line_of(work_order, first), line_of(work_order, second)
    assert (first.state, first.decided_how, first.decided_by) == (
        "approved",
        "link",
        "Иван Петров",
    )
    assert (second.state, second.decided_how) == ("declined", "link")
    assert selectors.work_order_of_link(work_order_id=work_order.pk).status == "in_work"
    again = holder.post(f"{page}lines/{first.pk}/decline", follow=True)
    assert line_of(work_order, first).state == "approved"  # the word is given once
    assert "Замена сайлентблоков" in again.content.decode()


def test_a_draft_is_signed_by_the_link_page(advisor, showroom):
    work_order = work_order_make(advisor, None, showroom)
    page = f"/service/work-order/{services.work_order_link_token(work_order)}/"
    holder = Client()

    assert "Подписать заказ-наряд" in holder.get(page).content.decode()
    signed = holder.post(f"{page}sign", {"instruction": "nothing"})

    assert signed.status_code == 302
    read = selectors.work_order_of_link(work_order_id=work_order.pk)
    assert (read.status, read.signed_how, read.instruction) == ("agreed", "link", "nothing")


def test_a_bad_token_another_kinds_or_another_orders_line_is_a_404(
    advisor, customer, showroom, run_on_commit
):
    work_order = in_work(advisor, customer, showroom)
    line = propose(advisor, work_order, run_on_commit)
    other = in_work(advisor, UserFactory(role="client"), showroom, start=local_at(showroom, 14))
    token = services.work_order_link_token(other)
    holder = Client()
    bad = [
        token + "x",
        services.booking_link_token(work_order.booking),  # a booking's link, not the order's
        links.link_token(uuid.uuid4(), salt=links.WORK_ORDER),  # an order that is not there
    ]

    for wrong in bad:
        assert holder.get(f"/service/work-order/{wrong}/").status_code == 404
        assert holder.post(f"/service/work-order/{wrong}/sign").status_code == 404
        answer = holder.post(f"/service/work-order/{wrong}/lines/{line.pk}/approve")
        assert answer.status_code == 404
    # Another order's link answers no line of this one.
    answer = holder.post(f"/service/work-order/{token}/lines/{line.pk}/approve")
    assert answer.status_code == 404
    assert holder.post(f"/service/work-order/{token}/lines/{line.pk}/maybe").status_code == 404
    assert line_of(work_order, line).state == "proposed"
