"""One seller (docs/showrooms.md, "One seller"): a car sold from each demo showroom is sold by
that showroom's legal entity on every surface of its sale. The car's page and its footer, the
checkout and its footer, the order's page, every e-mail about the order, its papers, its
fiscal receipts and the receipts page name it, and its insurance is priced in its showroom's
city; the two Moscow showrooms sell under the group's «Автосалон», Yekaterinburg's under its
own «Урал Авто», as `seed_demo` sets them up."""

import re
import uuid
from datetime import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from common.formatting import money
from documents import demo as documents_demo
from documents import services as documents_services
from documents.models import Document
from documents.tests.factories import legal_entity_make, text_of
from insurance import services as insurance_services
from insurance.models import Quote
from notifications.models import Delivery
from orders import selectors as orders_selectors
from orders.tests.factories import vehicle_make
from payments.models import Payment, Receipt
from showroom import demo as showroom_demo
from showroom import services as showroom_services
from showroom.tests.factories import showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")

EVERY_DAY = ((time(0), time(23, 59)),) * 7
GROUP = ("ООО «Автосалон»", "7702123454")
URAL = ("ООО «Урал Авто»", "1655012344")
# Each demo showroom: who sells its cars, the OSAGO territory they are insured in, and where
# a page says that is.
SALES = {
    "Автосалон на Ленинградке": (GROUP, "moscow", "в Москве"),
    "Автосалон на Варшавке": (GROUP, "moscow", "в Москве"),
    "Автосалон на Космонавтов": (URAL, "yekaterinburg", "в Екатеринбурге"),
}


@pytest.fixture(autouse=True)
def _instant_provider(settings, provider):
    settings.FAKE_PROVIDER_LATENCY_MS = 0


@pytest.fixture
def demo_group(run_on_commit):
    """The demo's three showrooms, known to the catalog, and their legal entities: the group's
    signs by default, Yekaterinburg's own sells from its showroom (documents/demo.py,
    demo/staff.py)."""
    legal_entity_make(**documents_demo.DEMO_SELLER)
    ural = legal_entity_make(
        **documents_demo.URAL_SELLER, showroom=showroom_demo.SHOWROOMS[2]["name"], is_default=False
    )
    with run_on_commit():  # the catalog hears of each showroom
        showrooms = {
            details["name"]: showroom_make(
                hours=EVERY_DAY, **{k: v for k, v in details.items() if k != "hours"}
            )
            for details in showroom_demo.SHOWROOMS
        }
        kosmonavtov = showrooms["Автосалон на Космонавтов"]
        kosmonavtov.legal_entity_id = ural.pk
        showroom_services.showroom_save(showroom=kosmonavtov)
    return showrooms


def html_of(response) -> tuple[str, str]:
    """A page's main part and its footer, as a reader sees their words."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    footer = html.split("<footer", 1)[1]
    return words(main), words(footer)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def names(text: str, seller: tuple[str, str]) -> bool:
    name, inn = seller
    return name in text and f"ИНН {inn}" in text


def buyer_client() -> tuple[Any, Client]:
    buyer: Any = UserFactory(language="ru")
    client = Client()
    client.force_login(buyer)
    return buyer, client


@pytest.mark.parametrize("showroom_name", list(SALES))
def test_a_sale_names_its_showrooms_seller_on_every_surface(
    showroom_name, demo_group, run_on_commit
):
    seller, territory, where = SALES[showroom_name]
    other = GROUP if seller == URAL else URAL
    car = vehicle_make(make="Haval", model="Jolion", year=2026, power_hp=150, price="2500000.00")
    catalog_services.vehicle_place(product_id=car.pk, showroom_id=demo_group[showroom_name].pk)
    buyer, client = buyer_client()

    # The car's page: beside where it stands and in the footer; its insurance where it is sold.
    car_main, car_footer = html_of(client.get(reverse("storefront:car", args=[car.pk])))
    estimate = insurance_services.premium_estimates(
        vehicle_price=car.price,
        vehicle_make="Haval",
        vehicle_year=2026,
        engine_power_hp=150,
        driver_age=35,
        driver_experience_years=10,
        today=timezone.localdate(),
        territory=territory,
    )
    osago = money(estimate["osago"].premium, "RUB").replace("\xa0", " ")

    assert names(car_main, seller) and names(car_footer, seller)
    assert not names(car_main + car_footer, other)
    assert f"Для одного вписанного водителя {where}, первый полис" in car_main
    assert f"ОСАГО на год {osago}" in car_main

    # The checkout: above the payment form and in the footer.
    with run_on_commit():
        checkout = client.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})
    (order,) = orders_selectors.orders_of_buyer(user=buyer)
    checkout_main, checkout_footer = html_of(client.get(checkout["Location"]))

    assert names(checkout_main, seller) and names(checkout_footer, seller)
    assert not names(checkout_main + checkout_footer, other)

    # Paid in full: a receipt, an e-mail, the papers.
    with run_on_commit():
        paid = client.post(
            checkout["Location"], {"plan": "full", "key": uuid.uuid4(), "term_months": 60}
        )
    assert paid.status_code == 302, paid.content.decode()[:2000]
    payment = Payment.objects.get(payable_id=order.pk)
    assert payment.status == "completed"
    with run_on_commit():  # the sale contract, unless its consumer made it already
        documents_services.document_generate(kind="sale_contract", order_id=order.pk, once=True)

    receipts = list(Receipt.objects.filter(payable_id=order.pk))
    assert receipts and {(r.seller_name, r.seller_inn) for r in receipts} == {seller}
    receipts_main, _footer = html_of(client.get(reverse("storefront:receipts", args=[payment.pk])))
    assert names(receipts_main, seller)

    papers = list(Document.objects.filter(order_id=order.pk))
    assert papers
    for paper in papers:
        assert (paper.legal_entity.short_name, paper.legal_entity.inn) == seller
        assert (paper.facts["seller"]["short_name"], paper.facts["seller"]["inn"]) == seller
    assert seller[0] in text_of(papers[0]) and seller[1] in text_of(papers[0])

    # Every e-mail about the order: the text's signature and the HTML's footer.
    sent = [message for message in mail.outbox if message.to == [buyer.email]]
    told = Delivery.objects.filter(user_id=buyer.pk, channel="email")
    assert {"order.created", "payment.completed", "order.document_ready"} <= set(
        told.values_list("notice", flat=True)
    )
    assert set(told.values_list("order_id", flat=True)) == {order.pk}
    assert len(sent) == told.count()
    for message in sent:
        html, _mime = message.alternatives[0]
        assert names(message.body, seller), message.subject
        assert names(words(html), seller), message.subject
        assert not names(message.body + words(html), other), message.subject

    # The order's page: its footer, and its insurance priced where the car is sold.
    order_page = reverse("storefront:order", args=[order.pk])
    order_main, order_footer = html_of(client.get(order_page))
    assert names(order_footer, seller) and not names(order_footer, other)
    assert f"Расчёт для одного водителя {where} с первым полисом" in order_main

    insured = client.post(
        reverse("storefront:order-insure", args=[order.pk]),
        {"insurance_type": "osago", "driver_age": 35, "driver_experience_years": 10},
    )
    quote = Quote.objects.get(order_id=order.pk)
    assert quote.territory == territory
    quoted_main, _footer = html_of(client.get(insured["Location"]))
    assert f"стаж — 10), {where}, первый полис" in quoted_main

    # A page about no one car names the group's.
    _main, listing_footer = html_of(client.get(reverse("storefront:cars")))
    assert names(listing_footer, GROUP)


def test_the_car_page_and_the_e_mails_say_who_sells_it_in_english(demo_group, run_on_commit):
    car = vehicle_make(make="Haval", model="Jolion", year=2026, power_hp=150)
    catalog_services.vehicle_place(
        product_id=car.pk, showroom_id=demo_group["Автосалон на Космонавтов"].pk
    )
    buyer = UserFactory(language="en")
    client = Client()
    client.force_login(buyer)

    main, footer = html_of(client.get(reverse("storefront:car", args=[car.pk])))
    with run_on_commit():
        client.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})

    name, inn = URAL
    assert f"Seller: {name}, INN {inn}" in main and f"INN {inn}" in footer
    assert "For one named driver in Yekaterinburg with a first policy" in main
    (placed,) = [message for message in mail.outbox if message.to == [buyer.email]]
    assert f"{name}, INN {inn}" in placed.body
    assert f"{name}</strong>, INN {inn}" in placed.alternatives[0][0].replace("&nbsp;", " ")
