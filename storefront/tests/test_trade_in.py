"""The old car on the storefront (docs/storefront.md, "Trade-in"): asked to be appraised from
a car's page with photos and its own consent, refused with the form's errors and nothing
written, followed on its own page where the offer is accepted or declined, and credited to
the buyer's order; another buyer's trade-in is a 404."""

import io
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import selectors as accounts
from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from orders import selectors as orders
from orders.tests.factories import order_make
from showroom.tests.factories import showroom_make
from tradein import selectors as tradein
from tradein import services as tradein_services
from tradein.tests.factories import OLD_CAR, trade_in_make, vin_make

pytestmark = pytest.mark.django_db(databases="__all__")

NEW = reverse("storefront:trade-in")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg(name="car.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (140, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def old_car(**changes) -> dict:
    """The form as a buyer fills it in: the old car, a note, the consent."""
    details = {**OLD_CAR, "vin": vin_make(), "notes": "Зимняя резина в комплекте."}
    details.pop("accident_history")  # an unticked box is not sent
    return {**details, "consent": "on", **changes}


def offered(customer, order=None, **fields):
    trade_in = trade_in_make(customer, order, **fields)
    tradein_services.trade_in_offer(
        user=UserFactory(role="manager"),
        trade_in_id=trade_in.pk,
        amount=Decimal("640000.00"),
        valid_until=timezone.now() + timedelta(days=7),
    )
    return trade_in


def test_the_car_page_offers_the_trade_in_and_a_buyer_submits_one_with_photos(
    customer, run_on_commit
):
    car = VehicleFactory()
    page = signed_in(customer).get(reverse("storefront:car", args=[car.pk]))
    assert 'id="trade-in"' in page.content.decode()
    assert f'action="{NEW}?car={car.pk}"' in page.content.decode()
    anonymous = Client().get(reverse("storefront:car", args=[car.pk])).content.decode()
    # Signed out, the panel asks to sign in first, and comes back to it.
    assert f"{reverse('storefront:sign-in')}?next=" in anonymous and "%23trade-in" in anonymous
    assert 'name="vin"' not in anonymous

    sent = old_car()
    with run_on_commit():  # the renditions are drawn by a task after the commit
        answer = signed_in(customer).post(
            f"{NEW}?car={car.pk}", {**sent, "photos": [jpeg("front.jpg"), jpeg("back.jpg")]}
        )

    (trade_in,) = tradein.trade_in_list(user=customer)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("storefront:trade-in-detail", args=[trade_in.pk])
    assert (trade_in.vin, trade_in.make, trade_in.mileage_km, trade_in.status) == (
        sent["vin"],
        "Lada",
        148000,
        "submitted",
    )
    assert trade_in.notes == sent["notes"] and trade_in.order_id is None
    photos = list(trade_in.photos.all())
    assert len(photos) == 2 and all(set(p.renditions) == {"thumb", "card", "large"} for p in photos)
    (consent,) = accounts.consent_list(user=customer).filter(purpose="trade_in")
    assert consent.withdrawn_at is None
    shown = signed_in(customer).get(answer["Location"]).content.decode()
    assert sent["vin"] in shown and shown.count('class="trade-in-photos"') == 1


def test_a_wrong_vin_or_no_consent_is_told_on_the_form_and_nothing_is_written(customer):
    buyer = signed_in(customer)

    wrong = buyer.post(NEW, old_car(make="Toyota"))  # a Lada's VIN
    bare = buyer.post(NEW, {key: value for key, value in old_car().items() if key != "consent"})
    huge = buyer.post(NEW, old_car(mileage_km=10**12, year="двадцатый"))

    assert (wrong.status_code, bare.status_code, huge.status_code) == (400, 400, 400)
    assert "VIN" in wrong.context["trade_in_form"].errors.as_text()
    assert "consent" in bare.context["trade_in_form"].errors
    assert {"mileage_km", "year"} <= set(huge.context["trade_in_form"].errors)
    assert 'value="Toyota"' in wrong.content.decode()  # what was typed is kept
    assert not tradein.trade_in_list(user=customer).exists()
    assert not accounts.consent_list(user=customer).filter(purpose="trade_in").exists()


def test_a_photo_that_is_no_image_is_refused_and_the_appraisal_kept(customer):
    answer = signed_in(customer).post(
        NEW,
        {**old_car(), "photos": [jpeg(), SimpleUploadedFile("virus.jpg", b"MZ\x90\x00not a jpeg")]},
        follow=True,
    )

    (trade_in,) = tradein.trade_in_list(user=customer)
    assert trade_in.photos.count() == 1
    told = [str(message) for message in answer.context["messages"]]
    assert any(message.startswith("virus.jpg:") for message in told)


def test_signed_out_the_form_asks_to_sign_in_and_writes_nothing():
    answer = Client().post(NEW, old_car())

    assert answer.status_code == 302 and reverse("storefront:sign-in") in answer["Location"]
    assert not tradein.trade_in_list(user=UserFactory(role="manager")).exists()


def test_the_buyer_accepts_the_offer_on_its_page_and_an_expired_one_is_refused(customer):
    trade_in = offered(customer)
    buyer = signed_in(customer)
    buyer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = buyer.get(reverse("storefront:trade-in-detail", args=[trade_in.pk])).content.decode()
    assert "640" in page and "accept" in page

    trade_in.__class__.objects.filter(pk=trade_in.pk).update(offer_valid_until=timezone.now())
    late = buyer.post(
        reverse("storefront:trade-in-step", args=[trade_in.pk, "accept"]), follow=True
    )
    assert tradein.trade_in_get(user=customer, trade_in_id=trade_in.pk).status == "offered"
    assert any("expired" in str(m) for m in late.context["messages"])

    trade_in.__class__.objects.filter(pk=trade_in.pk).update(
        offer_valid_until=timezone.now() + timedelta(days=1)
    )
    buyer.post(reverse("storefront:trade-in-step", args=[trade_in.pk, "accept"]))
    assert tradein.trade_in_get(user=customer, trade_in_id=trade_in.pk).status == "accepted"


def test_another_buyers_trade_in_is_a_404_and_stays_as_it_was(customer, other_customer):
    theirs = offered(other_customer)
    me = signed_in(customer)

    page = me.get(reverse("storefront:trade-in-detail", args=[theirs.pk]))
    accept = me.post(reverse("storefront:trade-in-step", args=[theirs.pk, "accept"]))
    photos = me.post(reverse("storefront:trade-in-photos", args=[theirs.pk]), {"photos": jpeg()})
    unknown = me.post(reverse("storefront:trade-in-step", args=[theirs.pk, "steal"]))

    assert [page.status_code, accept.status_code, photos.status_code, unknown.status_code] == [
        404,
        404,
        404,
        404,
    ]
    shown = tradein.trade_in_get(user=other_customer, trade_in_id=theirs.pk)
    assert shown.status == "offered" and shown.photos.count() == 0


def test_the_checkout_takes_a_trade_in_for_its_order_and_credits_an_earlier_one(
    customer, other_customer, run_on_commit
):
    car = VehicleFactory(price=Decimal("2500000.00"))
    order = order_make(customer, (car, 1))
    checkout = signed_in(customer).get(reverse("storefront:checkout", args=[order.pk]))
    assert f'name="order" value="{order.pk}"' in checkout.content.decode()

    # Asked for at the checkout: for its order.
    signed_in(customer).post(NEW, old_car(order=str(order.pk)))
    (for_order,) = tradein.trade_in_list(user=customer)
    assert for_order.order_id == order.pk

    # Asked for on its own earlier, then credited to the order from its page.
    earlier = offered(customer, vin=vin_make())
    theirs = order_make(other_customer, (VehicleFactory(), 1))
    refused = signed_in(customer).post(
        reverse("storefront:trade-in-attach", args=[earlier.pk]), {"order": str(theirs.pk)}
    )
    assert refused.status_code == 404
    with run_on_commit():
        attached = signed_in(customer).post(
            reverse("storefront:trade-in-attach", args=[earlier.pk]), {"order": str(order.pk)}
        )
    assert attached["Location"] == reverse("storefront:order", args=[order.pk])
    assert tradein.trade_in_get(user=customer, trade_in_id=earlier.pk).order_id == order.pk
    with run_on_commit():
        tradein_services.trade_in_accept(user=customer, trade_in_id=earlier.pk)
    deal = orders.deal_of_buyer(user=customer, order_id=order.pk)
    assert deal.trade_in_credit == Decimal("640000.00")
    assert deal.balance_due == Decimal("1860000.00")
    page = signed_in(customer).get(reverse("storefront:order", args=[order.pk])).content.decode()
    assert "640" in page and str(earlier.pk) in page


def test_withdrawing_the_consent_withdraws_the_trade_ins_not_yet_inspected(customer, run_on_commit):
    signed_in(customer).post(NEW, old_car())
    (trade_in,) = tradein.trade_in_list(user=customer)
    (consent,) = accounts.consent_list(user=customer).filter(purpose="trade_in")

    with run_on_commit():
        signed_in(customer).post(reverse("storefront:consent-withdraw", args=[consent.pk]))

    assert tradein.trade_in_get(user=customer, trade_in_id=trade_in.pk).status == "withdrawn"
    assert accounts.consent_list(user=customer).get(pk=consent.pk).withdrawn_at is not None


def test_the_condition_starts_unchosen_must_be_chosen_and_a_lada_in_cyrillic_is_accepted(
    customer,
):
    buyer = signed_in(customer)

    page = buyer.get(NEW).content.decode()
    unchosen = buyer.post(NEW, {k: v for k, v in old_car().items() if k != "condition"})
    cyrillic = buyer.post(NEW, old_car(make="Лада"))  # the VIN is a Lada's

    condition = page.split('name="condition"')[1].split("</select>")[0]
    assert re.search(r'<option value=""[^>]*selected>Выберите…', condition)
    assert not re.search(r'<option value="[a-z]+"[^>]*selected', condition)
    assert unchosen.status_code == 400 and "condition" in unchosen.context["trade_in_form"].errors
    assert cyrillic.status_code == 302
    assert [t.make for t in tradein.trade_in_list(user=customer)] == ["Лада"]


def test_an_accepted_trade_in_says_when_and_where_to_bring_the_car(customer):
    showroom_make(name="Автосалон на Ленинградке", hours=((time(9), time(21)),) * 7)
    trade_in = offered(customer)
    buyer = signed_in(customer)
    page_url = reverse("storefront:trade-in-detail", args=[trade_in.pk])
    assert "Когда и куда привезти автомобиль" not in buyer.get(page_url).content.decode()

    tradein_services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)
    page = buyer.get(page_url).content.decode()

    assert "Когда и куда привезти автомобиль" in page and "когда приедете за новым" in page
    assert "Автосалон на Ленинградке</strong>, Москва, Ленинградское шоссе, 16" in page
    assert 'href="tel:+74951234567"' in page and "сегодня 09:00–21:00" in page


def test_photos_chosen_with_a_refused_form_are_kept_and_go_with_the_next_try(customer):
    buyer = signed_in(customer)

    refused = buyer.post(NEW, {**old_car(make="Toyota"), "photos": [jpeg("front.jpg"), jpeg()]})

    assert refused.status_code == 400
    assert "2 фото из прошлой попытки сохранены" in refused.content.decode()
    assert not tradein.trade_in_list(user=customer).exists()
    # Another buyer's session holds none of them.
    assert "из прошлой попытки" not in signed_in(UserFactory()).get(NEW).content.decode()

    buyer.post(NEW, {**old_car(), "photos": [jpeg("back.jpg")]})

    (trade_in,) = tradein.trade_in_list(user=customer)
    assert trade_in.photos.count() == 3
    assert "из прошлой попытки" not in buyer.get(NEW).content.decode()  # taken, not twice
