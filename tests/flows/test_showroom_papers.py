"""A sale's papers under the legal entity of the showroom that sells the car (docs/showrooms.md,
"Documents"): each showroom names the legal entity it sells under, and each legal entity numbers
its own documents; a showroom that names none, or one whose requisites no second person has
confirmed, sells under the group's default one."""

import base64
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import browser_for, client_for
from documents import services as documents_services
from documents.tests.factories import legal_entity_make, text_of
from orders.tests.factories import order_make
from payments.models import Payment, Receipt
from payments.providers import Kind, get_provider
from payments.tests.factories import completed_payment_make
from payments.tests.provider_api import YOOKASSA_API, requests_to, yookassa_payment
from payments.tests.yookassa_flow import REFERENCE, answer_creates, pay
from showroom import services as showroom_services
from tests.flows.test_vehicle_locations import group, placed

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group"]  # the fixture, shared with the cars' locations

# The Yekaterinburg showroom's own company (its INN and OGRN pass their check digits).
URAL = {
    "showroom": "Автосалон на Космонавтов",
    "is_default": False,
    "name": "Общество с ограниченной ответственностью «Урал Авто»",
    "short_name": "ООО «Урал Авто»",
    "inn": "1655012344",
    "ogrn": "1161690012340",
    "address": "620017, г. Екатеринбург, проспект Космонавтов, д. 108",
}


def sells_under(showroom, entity) -> None:
    showroom.legal_entity_id = entity.pk
    showroom_services.showroom_save(showroom=showroom)


def invoice_for(showroom):
    """An invoice for a car of `showroom`'s, sold to a buyer of its own."""
    order = order_make(UserFactory(), (placed(showroom, make="Haval", model="Jolion"), 1))
    return documents_services.document_generate(kind="invoice", order_id=order.pk)


def test_each_showrooms_sale_is_papered_and_numbered_by_its_own_legal_entity(group):
    leningradka, _varshavka, yekaterinburg = group
    group_company = legal_entity_make()
    ural = legal_entity_make(**URAL)
    sells_under(yekaterinburg, ural)
    year = timezone.localdate().year

    moscow = [invoice_for(leningradka), invoice_for(leningradka)]
    urals = invoice_for(yekaterinburg)

    assert [document.legal_entity for document in moscow] == [group_company, group_company]
    assert [document.number for document in moscow] == [f"СЧ-{year}-000001", f"СЧ-{year}-000002"]
    assert urals.legal_entity == ural
    assert urals.number == f"СЧ-{year}-000001"  # Ural Avto's first, whatever Moscow's count
    assert urals.showroom_id == yekaterinburg.pk
    assert urals.facts["seller"]["inn"] == "1655012344"
    assert "ООО «Урал Авто»" in text_of(urals) and "1655012344" in text_of(urals)
    assert "ООО «Урал Авто»" not in text_of(moscow[0])


def test_a_showroom_naming_an_unconfirmed_legal_entity_sells_under_the_default_one(group):
    _leningradka, varshavka, _yekaterinburg = group
    group_company = legal_entity_make()
    unconfirmed = legal_entity_make(
        **{**URAL, "showroom": "Автосалон на Варшавке"}, confirmed_at=None
    )
    sells_under(varshavka, unconfirmed)

    invoice = invoice_for(varshavka)

    assert invoice.legal_entity == group_company
    assert invoice.facts["seller"]["inn"] == group_company.inn


def test_each_showrooms_fiscal_receipts_are_issued_by_its_legal_entity(group, provider):
    leningradka, _varshavka, yekaterinburg = group
    group_company = legal_entity_make()
    sells_under(yekaterinburg, legal_entity_make(**URAL))
    paid, buyers = {}, {}
    for showroom in (leningradka, yekaterinburg):
        buyers[showroom.pk] = buyer = UserFactory()
        order = order_make(buyer, (placed(showroom, make="Haval", model="Jolion"), 1))
        paid[showroom.pk] = completed_payment_make(buyer, order, "100000.00")

    receipts = {pk: Receipt.objects.get(payment=payment) for pk, payment in paid.items()}
    sent = provider.receipts()

    issued = {pk: (r.seller_name, r.seller_inn) for pk, r in receipts.items()}
    assert issued == {
        leningradka.pk: (group_company.short_name, group_company.inn),
        yekaterinburg.pk: ("ООО «Урал Авто»", "1655012344"),
    }
    assert {sent[str(r.pk)]["seller_inn"] for r in receipts.values()} == {
        group_company.inn,
        "1655012344",
    }
    page = browser_for(buyers[yekaterinburg.pk]).get(
        reverse("storefront:receipts", args=[paid[yekaterinburg.pk].pk])
    )
    assert "ООО «Урал Авто»" in page.content.decode() and "1655012344" in page.content.decode()


def test_a_showroom_with_a_shop_of_its_own_is_paid_through_it(
    group, yookassa, run_on_commit, settings
):
    """YooKassa registers a receipt under its shop's legal entity: a legal entity of the group
    with a shop of its own (YOOKASSA_SHOPS) takes its showroom's money through it, and an
    object is looked for in every shop (docs/payments.md, "Providers")."""
    _leningradka, _varshavka, yekaterinburg = group
    legal_entity_make()
    sells_under(yekaterinburg, legal_entity_make(**URAL))
    settings.YOOKASSA_SHOPS = {"1655012344": {"shop_id": "200600", "secret_key": "ural_secret"}}
    buyer = UserFactory()
    order = order_make(buyer, (placed(yekaterinburg, make="Haval", model="Jolion"), 1))
    answer_creates(yookassa)

    with run_on_commit():
        assert pay(client_for(buyer), order, "100000.00").status_code == 201
    (created,) = requests_to(yookassa, "POST", "/v3/payments")
    payment = Payment.objects.get()

    def found_in_urals_shop(request):
        if request.headers["Authorization"] != basic("200600", "ural_secret"):
            return 404, {}, json.dumps({"type": "error", "code": "not_found"})
        return 200, {}, json.dumps(yookassa_payment(payment, id=REFERENCE, status="succeeded"))

    yookassa.add_callback(
        "GET", f"{YOOKASSA_API}/payments/{REFERENCE}", callback=found_in_urals_shop
    )
    fetched = get_provider("yookassa").fetch(Kind.CHARGE, REFERENCE)

    assert created.headers["Authorization"] == basic("200600", "ural_secret")
    assert json.loads(created.body)["amount"]["value"] == "100000.00"
    assert Receipt.objects.get(payment=payment).seller_inn == "1655012344"
    assert fetched.reference == REFERENCE and fetched.state.value == "succeeded"
    asked = [call.request.headers["Authorization"] for call in yookassa.calls[1:]]
    assert asked == [basic("100500", "test_secret"), basic("200600", "ural_secret")]


def basic(shop_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{shop_id}:{secret}".encode()).decode()
