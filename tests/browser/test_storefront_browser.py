"""The storefront in Chromium, served as production serves it, with a Celery worker behind
it: a buyer finds a car through search and filters, works out the monthly payment, signs up
and verifies the e-mail, reserves and pays in full, and sees the order paid; staff moves it
on and the buyer's page shows it within two seconds, without a reload. Then every page, in
both languages, at a phone's width and a desktop's (saved whole by the screenshot walk:
tests/browser/pages.py, `snap`)."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from accounts import selectors as accounts_selectors
from accounts import services as accounts
from accounts.tests.factories import PASSWORD, UserFactory
from catalog import services as catalog_services
from catalog.tests.factories import VehicleFactory
from common import formatting
from financing import selectors as financing_selectors
from insurance import selectors as insurance_selectors
from orders import selectors as orders
from orders import services as order_services
from orders.tests.factories import order_make
from payments import selectors as payments
from payments import services as payments_services
from showroom import selectors as showroom_selectors
from showroom.tests.factories import YEKATERINBURG, event_make, resource_make, showroom_make
from tests.browser.pages import chromium_browser, chromium_page, outside_the_browser_loop, snap
from tradein import selectors as tradein_selectors
from tradein import services as tradein_services
from tradein.tests.factories import trade_in_make, vin_make

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

PHONE = {"width": 390, "height": 844}
# Words of the storefront's own English: none may reach a Russian page (the cars' makes,
# models and trims are names, and stay as they are).
ENGLISH = re.compile(
    r"\b(Cars|Compare|Sign in|Sign up|Create an account|Filters|Price|Year|months?|Reserve|"
    r"Search|Find|Privacy|Specification|Monthly|Insurance|Similar|Used|Loan|Rate|Colour|"
    r"Gearbox|Drive|Body type|Condition|Fuel|Mileage|Power|Newest|Cheapest|Page|Next|Previous|"
    r"Photos?|Equipment|Call me back|Name|Phone|Password|Skip to content|Buyers|Admin)\b"
)
DESKTOP = {"width": 1366, "height": 900}


# axe-core, pinned in package.json: the accessibility rules every page is checked against.
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


# axe-core checks what is laid out and shown, once a page: at the phone's width, and at the
# desktop's too only where the layout changes what it checks. Elsewhere it checks the same
# elements at both widths and finds the same. The listing's filters are a drawer on a phone
# (hidden, its button shown) and a column of some twenty fields beside the cars on a desktop.
# A signed-in buyer's menu scrolls sideways on a phone, where axe checks the scrolling box but
# cannot tell the contrast of the links out of view, and shows whole on a desktop: the same
# header on every page of the account, so the account page stands for them.
AXE_AT_BOTH_WIDTHS = {"cars", "cars-filtered", "account"}
# And in Russian, whose longer words are the likelier to crowd a control out of view or to
# clash with its colours; in English only the pages above, where the layout changes most.
AXE_LANGUAGE = "ru"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as `rule: target` lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{violation['id']}: {node['target']}"
        for violation in found
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.fixture
def lot():
    return [
        VehicleFactory(make="Kia", model="K5", body_type="sedan", price=Decimal("2900000.00")),
        VehicleFactory(make="Kia", model="Sportage", body_type="crossover"),
        VehicleFactory(make="Haval", model="Jolion", body_type="crossover", color="black"),
        VehicleFactory(make="Lada", model="Vesta", body_type="sedan", price=Decimal("1500000.00")),
    ]


def test_a_buyer_finds_reserves_and_pays_for_a_car_and_watches_the_order_live(
    chromium, server, worker, lot
):
    k5 = lot[0]
    manager = UserFactory(role="manager")
    problems: list[str] = []
    with chromium_page(chromium, viewport=DESKTOP, locale="ru") as page:
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))

        # Search from the home page, then narrow by a facet: the listing swaps in place.
        page.goto(f"{server.url}/")
        page.fill("#hero-search", "Kia")
        page.press("#hero-search", "Enter")
        page.wait_for_url(re.compile(r"/cars/\?search=Kia"))
        page.evaluate("window.stayed = true")
        page.locator("label.check", has_text="Седан").click()
        expect(page.locator("#found")).to_have_text("Найден 1 автомобиль")
        assert "body_type=sedan" in page.url
        assert page.evaluate("window.stayed === true")  # no reload: htmx swapped it

        # The car's page: a longer term lowers the monthly payment, in place.
        page.locator(".card-link").first.click()
        page.wait_for_url(f"**/cars/{k5.pk}/")
        monthly = page.locator(".calc-main dd").first
        before = monthly.inner_text()
        page.select_option("#id_term_months", "84")
        expect(monthly).not_to_have_text(before)
        assert page.evaluate("window.stayed === undefined")  # a page of its own

        # Reserving asks to sign in; a new buyer signs up and comes back to the car.
        page.click("text=Забронировать")
        page.wait_for_url(re.compile(r"/account/sign-in/"))
        page.click("text=Создать аккаунт")
        page.fill("#id_full_name", "Анна Петрова")
        page.fill("#id_email", "anna@example.com")
        page.fill("#id_password", "Sekret-pass-2026")
        page.check("#id_consent")
        page.click("button.wide")
        # Sign-up tells nobody whether an address has an account (docs/security.md,
        # "Account enumeration"): it signs nobody in, and the buyer signs in next.
        page.wait_for_url(re.compile(r"/account/sign-in/"))
        expect(page.locator(".notice-success")).to_contain_text("anna@example.com")
        page.fill("#id_login", "anna@example.com")
        page.fill("#id_password", "Sekret-pass-2026")
        page.click("button.wide")
        page.wait_for_url(f"**/cars/{k5.pk}/")

        # The link the verification e-mail carries, made as the e-mail makes it.
        token = outside_the_browser_loop(
            lambda: accounts.email_verify_token(
                user=accounts_selectors.user_get_by_email(email="anna@example.com")
            )
        )
        page.goto(f"{server.url}/verify-email?token={token}")
        page.click("main button[type=submit]")
        page.wait_for_load_state()

        # Reserve, pay in full through the fake provider, and land on the order.
        page.goto(f"{server.url}/cars/{k5.pk}/")
        page.click("text=Забронировать")
        page.wait_for_url(re.compile(r"/checkout/"))
        page.locator("label.plan", has_text="Вся сумма сейчас").click()
        page.click("text=Перейти к оплате")
        page.wait_for_url(re.compile(r"/account/orders/[0-9a-f-]+/"))
        status = page.locator("#order-status")
        expect(page.locator("#live-state")).to_have_text("Обновляется автоматически")
        expect(status).to_have_text("Оплачен", timeout=20_000)  # the worker charged it

        # Staff moves the order on: the page shows it within two seconds, by itself.
        page.evaluate("window.stayed = true")
        order_id = page.url.rstrip("/").rsplit("/", 1)[1]
        outside_the_browser_loop(
            lambda: order_services.order_status_set(
                order_id=order_id, status="processing", user=manager
            )
        )
        expect(status).to_have_text("Готовится к выдаче", timeout=2_000)
        assert page.evaluate("window.stayed === true")
        snap(page, "storefront-order-live")

    buyer = accounts_selectors.user_get_by_email(email="anna@example.com")
    (order,) = orders.orders_of_buyer(user=buyer)
    (payment,) = payments.payment_list(user=buyer)
    assert order.status == "processing" and order.paid_amount == Decimal("2900000.00")
    assert payment.status == "completed" and payment.amount == Decimal("2900000.00")
    assert accounts_selectors.consent_list(user=buyer).count() == 1
    assert problems == []


def test_a_buyer_applies_for_a_loan_buys_kasko_and_books_a_test_drive(
    chromium, server, worker, lot
):
    buyer = UserFactory(full_name="Борис Смирнов")
    sportage = VehicleFactory(make="Kia", model="Sportage", test_drive_available=True)
    resource_make(name="Demo Sportage", vehicle_id=sportage.pk)
    problems: list[str] = []
    with chromium_page(chromium, viewport=PHONE, locale="ru") as page:
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{server.url}/account/sign-in/")
        page.fill("#id_login", buyer.email)
        page.fill("#id_password", PASSWORD)
        page.click("button.wide")
        page.wait_for_url(f"{server.url}/")

        # A loan with a fifth down, from the car's page through the checkout.
        page.goto(f"{server.url}/cars/{lot[0].pk}/")
        page.click("text=Оформить кредит")
        page.wait_for_url(re.compile(r"/checkout/.*plan=loan"))
        expect(page.locator("input[name=plan][value=loan]")).to_be_checked()
        page.fill("#id_down_payment", "580000")
        page.fill("#id_monthly_income", "250000")
        snap(page, "storefront-ru-phone-loan-checkout")
        page.click("text=Перейти к оплате")
        page.wait_for_url(re.compile(r"/account/orders/[0-9a-f-]+/"))

        # KASKO for it, from the order's page.
        page.locator("label.slot", has_text="КАСКО").click()
        page.fill("#id_driver_age", "40")
        page.fill("#id_driver_experience_years", "18")
        page.click("text=Рассчитать стоимость")
        page.wait_for_url(re.compile(r"\?quote="))
        expect(page.locator(".quote-price")).to_contain_text("КАСКО")
        confirm = page.locator("#quote button")
        expect(confirm).to_contain_text(re.compile(r"Оформить полис и оплатить [\d\s]+,\d\d\s₽"))
        offered = confirm.inner_text()
        confirm.click()
        page.wait_for_load_state()
        expect(page.locator(".notice-success")).to_contain_text("Полис оформлен")
        kinds_left = page.locator("#insure input[name=insurance_type]").evaluate_all(
            "inputs => inputs.map((input) => input.value)"
        )
        snap(page, "storefront-ru-phone-kasko-order")

        # A test drive of another car, in its demo car's first free slot tomorrow.
        page.goto(f"{server.url}/cars/{sportage.pk}/#test-drive")
        page.locator("label.slot").first.click()
        page.check("#drive_consent")
        page.click("text=Записаться на тест-драйв >> nth=-1")
        page.wait_for_url(f"{server.url}/account/")
        expect(page.locator(".notice-success")).to_contain_text("Вы записаны на тест-драйв")
        snap(page, "storefront-ru-phone-test-drive-booked")

    (order,) = orders.orders_of_buyer(user=buyer)
    (application,) = financing_selectors.application_list(user=buyer)
    (policy,) = insurance_selectors.policy_list(user=buyer)
    (drive,) = showroom_selectors.test_drive_list(user=buyer)
    assert application.order_id == order.pk and application.down_payment == Decimal("580000.00")
    assert policy.order_id == order.pk and policy.insurance_type == "kasko"
    with translation.override("ru"):
        assert formatting.money(policy.premium, "RUB") in offered.replace("\u202f", "\xa0")
    assert kinds_left == ["osago"]  # KASKO is not offered a second time
    assert drive.start_time > timezone.now()
    purposes = {c.purpose for c in accounts_selectors.consent_list(user=buyer)}
    assert purposes == {"test_drive"}
    assert problems == []


PHOTO_LOADED = """() => {
    const img = document.querySelector('.trade-in-photos img');
    return img !== null && img.complete && img.naturalWidth > 0;
}"""


def test_a_buyer_trades_in_the_old_car_from_a_cars_page_with_a_photo(
    chromium, server, lot, tmp_path
):
    buyer = UserFactory(full_name="Олег Иванов")
    photo = tmp_path / "priora.jpg"
    Image.new("RGB", (1600, 1200), (120, 40, 40)).save(photo, "JPEG")
    vin = vin_make()
    problems: list[str] = []
    with chromium_page(chromium, viewport=PHONE, locale="ru") as page:
        page.on("pageerror", lambda error: problems.append(str(error)))
        sign_in(page, server, buyer)

        page.goto(f"{server.url}/cars/{lot[0].pk}/")
        page.click("text=Описать свой автомобиль")
        page.fill("#trade_in_vin", vin)
        page.fill("#trade_in_make", "Lada")
        page.fill("#trade_in_model", "Priora")
        page.fill("#trade_in_year", "2012")
        page.fill("#trade_in_mileage_km", "148000")
        page.select_option("#trade_in_condition", "good")
        page.fill("#trade_in_owners_count", "2")
        page.set_input_files("#trade_in_photos", str(photo))
        page.check("#trade_in_consent")
        snap(page, "storefront-ru-phone-trade-in-form")
        page.click("text=Получить предложение")
        page.wait_for_url(re.compile(r"/account/trade-ins/[0-9a-f-]+/"))
        expect(page.locator(".notice-success")).to_contain_text("Оценщик изучит")
        expect(page.locator(".trade-in-photos img")).to_have_count(1)
        # Read once the picture has arrived: a broken one never does, and fails here.
        page.wait_for_function(PHOTO_LOADED)
        loaded = page.locator(".trade-in-photos img").evaluate("img => img.naturalWidth")
        snap(page, "storefront-ru-phone-trade-in-submitted")

    (trade_in,) = tradein_selectors.trade_in_list(user=buyer)
    assert (trade_in.vin, trade_in.make, trade_in.year, trade_in.status) == (
        vin,
        "Lada",
        2012,
        "submitted",
    )
    (kept,) = trade_in.photos.all()
    # Served through the owner's check: its thumbnail once a worker has drawn it, the
    # original until then (no worker runs beside this site).
    assert (kept.width, kept.height) == (1600, 1200) and loaded in (320, 1600)
    assert {c.purpose for c in accounts_selectors.consent_list(user=buyer)} == {"trade_in"}
    assert problems == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_buyer_filters_in_the_phones_drawer_and_compares_two_cars_from_their_pages(
    chromium, server, lot, language
):
    """The drawer's open state once shared the button's class, whose `display: none` then hid
    the whole page; and the header's count of compared cars once took the car page's flag,
    so that a second car could not be added."""
    k5, sportage = lot[0], lot[1]
    with chromium_page(chromium, viewport=PHONE, locale=language) as page:
        # The storefront speaks the dealership's Russian unless the buyer chose another.
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": server.url}]
        )
        page.goto(f"{server.url}/cars/")
        page.click("[data-drawer-open]")
        shown_open = page.evaluate("getComputedStyle(document.documentElement).display")
        expect(page.locator("#filters")).to_be_visible()
        page.locator("#filters label.check", has_text="Kia").click()
        page.wait_for_url(re.compile(r"make=Kia"))  # htmx swapped the listing in place
        page.fill("#f-max-price", "3000000")
        page.click("#filters button[type=submit]")
        page.wait_for_url(re.compile(r"max_price=3000000"))
        expect(page.locator("#filters")).to_be_hidden()  # applying closes the drawer
        expect(page.locator("#found")).to_be_visible()
        found = page.locator("#found").inner_text()
        cards = page.locator(".card-link").count()
        page.click("[data-drawer-open]")
        page.click("[data-drawer-close]")
        expect(page.locator("#filters")).to_be_hidden()
        width = page.evaluate("document.documentElement.scrollWidth")

        # Two cars put aside from their own pages, then compared on a desktop.
        for car in (k5, sportage):
            page.goto(f"{server.url}/cars/{car.pk}/")
            page.click(".compare-form button[aria-pressed=false]")
            expect(page.locator(".compare-form button[aria-pressed=true]")).to_be_visible()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{server.url}/compare/")
        compared = page.locator("table.compare thead th a").all_inner_texts()
        differing = page.locator("tr.differs th").all_inner_texts()
        page.locator("table.compare thead th", has_text="Sportage").locator("button").click()
        page.wait_for_url(re.compile(r"/compare/$"))
        left = page.locator("table.compare thead th a").all_inner_texts()

    assert shown_open != "none"  # the page stays, the drawer over it
    assert found == {"ru": "Найден 1 автомобиль", "en": "1 car found"}[language]
    assert cards == 1  # Kias up to 3,000,000: the K5 (2,900,000), not the Sportage (3,190,000)
    assert width <= PHONE["width"]
    assert compared == ["Kia K5", "Kia Sportage"]
    assert any(("Кузов" if language == "ru" else "Body") in row for row in differing), differing
    assert left == ["Kia K5"]


def test_the_insurance_estimate_keeps_what_is_typed_while_it_recalculates(chromium, server, lot):
    """The age's change asks for the premiums; the buyer types the experience while the
    answer is on its way. Only the result is swapped, so what was typed stays."""
    with chromium_page(chromium, viewport=PHONE, locale="ru") as page:
        page.goto(f"{server.url}/cars/{lot[0].pk}/")
        form = page.locator("#insurance-form")
        form.locator("input[name=driver_age]").fill("30")
        page.evaluate(TYPED_WHILE_THE_ANSWER_COMES)
        expect(form.locator("input[name=driver_experience_years]")).to_have_value("12")
        expect(form.locator("input[name=driver_age]")).to_have_value("30")
        assert "ОСАГО" in form.locator(".calc-result").inner_text()


# The age's change sent; "12" typed in the experience before the answer is swapped in; done
# once the page has settled.
TYPED_WHILE_THE_ANSWER_COMES = """() => new Promise(settled => {
    const form = document.querySelector('#insurance-form');
    document.body.addEventListener('htmx:beforeSwap', () => {
        form.querySelector('input[name=driver_experience_years]').value = '12';
    }, {once: true});
    document.body.addEventListener('htmx:afterSettle', settled, {once: true});
    form.querySelector('input[name=driver_age]').dispatchEvent(new Event('change', {bubbles: true}));
})"""


def test_without_javascript_the_filters_and_the_calculator_still_work(chromium, server, lot):
    k5 = lot[0]
    with chromium_page(chromium, viewport=PHONE, java_script_enabled=False) as page:
        page.goto(f"{server.url}/cars/")
        expect(page.locator("#filters")).to_be_visible()  # no drawer without its script
        page.locator("label.check", has_text="Седан").click()
        page.click("#filters button[type=submit]")
        page.wait_for_url(re.compile(r"body_type=sedan"))
        found = page.locator("#found").inner_text()
        page.goto(f"{server.url}/cars/{k5.pk}/")
        before = page.locator(".calc-main dd").first.inner_text()
        page.select_option("#id_term_months", "84")
        page.click("#calculator-form button[type=submit]")
        page.wait_for_url(re.compile(r"term_months=84"))
        after = page.locator(".calc-main dd").first.inner_text()

    sedans = sum(car.body_type == "sedan" for car in lot)
    assert found == f"Найдено {sedans} автомобиля"
    assert before != after


# How far right the header menu's furthest item reaches, in the page's pixels.
MENU_RIGHT_EDGE = """Math.max(...[...document.querySelectorAll('.top-nav a, .top-nav button')]
    .map(item => item.getBoundingClientRect().right))"""


def storefront_pages(car, event) -> dict[str, str]:
    """Each page a stranger sees, by the name its screenshot takes."""
    return {
        "home": "/",
        "cars": "/cars/",
        "cars-filtered": "/cars/?body_type=crossover&ordering=price",
        "car": f"/cars/{car.pk}/",
        "compare": "/compare/",
        "privacy": "/privacy/",
        "contacts": "/contacts/",
        "event": f"/events/{event.pk}/",
        "sign-in": "/account/sign-in/",
        "sign-up": "/account/sign-up/",
        "password": "/account/password/",
        "car-gone": "/cars/00000000-0000-0000-0000-000000000000/",
        # An e-mail's unsubscribe link, as it opens: nothing is changed before its button.
        "unsubscribe": "/notifications/unsubscribe/a-signed-token/",
    }


def buyer_pages(order, consent, trade_in, payment) -> dict[str, str]:
    """Each page a signed-in buyer sees, by the name its screenshot takes."""
    return {
        "account": "/account/",
        "trade-in-new": f"/trade-in/?car={order.line_items[0].product_id}",
        "trade-in": f"/account/trade-ins/{trade_in.pk}/",
        "orders": "/account/orders/",
        "order": f"/account/orders/{order.pk}/",
        "checkout": f"/checkout/{order.pk}/",
        "consent-withdraw": f"/account/consents/{consent.pk}/withdraw",
        # The payment e-mail's link to its fiscal receipt.
        "receipts": f"/account/payments/{payment.pk}/receipts/",
    }


def sign_in(page, server, user) -> None:
    page.goto(f"{server.url}/account/sign-in/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button.wide")
    page.wait_for_url(f"{server.url}/")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_storefront_page_fits_a_phone_and_a_desktop_with_no_error(
    chromium, server, lot, language
):
    # A long address, as some buyers have: it must not widen the account page.
    buyer = UserFactory(
        full_name="Анна Петрова", email="anna.petrova.konstantinovna.1987@example-mail.ru"
    )
    order = order_make(buyer, (lot[0], 1))
    consent = accounts.consent_give(purpose="account", user=buyer, email=buyer.email)
    pages = storefront_pages(lot[1], event_make())
    # The group's showrooms, as every page's footer and the contacts page show them.
    showroom_make(name="Автосалон на Ленинградке", service_phone="+7 495 123-45-68")
    yekaterinburg = showroom_make(**YEKATERINBURG)
    # The car's page says where it stands (the catalog knows the showroom by its event).
    catalog_services.vehicle_place(product_id=lot[1].pk, showroom_id=yekaterinburg.pk)
    trade_in = trade_in_make(buyer, order)
    tradein_services.trade_in_offer(
        user=UserFactory(role="manager"),
        trade_in_id=trade_in.pk,
        amount=Decimal("640000.00"),
        valid_until=timezone.now() + timedelta(days=7),
    )
    prepayment, _created = payments_services.payment_create(
        user=buyer,
        order_id=order.pk,
        amount=Decimal("100000.00"),
        method="card",
        idempotency_key=f"prepayment-{order.pk}",
    )  # fmt: skip; charged, with its receipt, at commit
    signed_in_pages = buyer_pages(order, consent, trade_in, prepayment)
    assert AXE_AT_BOTH_WIDTHS.issubset(pages.keys() | signed_in_pages.keys())  # none renamed away
    if not AXE.exists():
        pytest.fail("axe-core is missing: `npm ci` (`make test` runs it)")
    widths, problems, titles, texts, violations, menu, dials = {}, [], {}, {}, {}, {}, {}
    with chromium_browser(chromium) as browser:
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            # The CSP is bypassed for axe-core's own script, injected by the test.
            context = browser.new_context(viewport=viewport, locale=language, bypass_csp=True)
            context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            for car in lot[1:]:  # three cars compared: the widest comparison a phone shows
                page.goto(f"{server.url}/cars/{car.pk}/")
                page.click(".compare-form button")
            for batch in (pages, signed_in_pages):
                if batch is signed_in_pages:
                    sign_in(page, server, buyer)
                for slug, path in batch.items():
                    page.goto(f"{server.url}{path}")
                    widths[(name, slug)] = page.evaluate("document.documentElement.scrollWidth")
                    titles[slug] = page.title()
                    texts[slug] = page.locator("body").inner_text()
                    if slug in AXE_AT_BOTH_WIDTHS or (name, language) == ("phone", AXE_LANGUAGE):
                        violations[(name, slug)] = serious_violations(page)
                    snap(page, f"storefront-{language}-{name}-{slug}")
                    # Every item of the menu on the screen, signed in too: none scrolled away.
                    menu[(name, slug)] = page.evaluate(MENU_RIGHT_EDGE)
                    if slug == "contacts":  # each showroom's call button dials it
                        calls = page.locator("a.call")
                        expect(calls).to_have_count(2)
                        dials[(name, calls.nth(1).get_attribute("href"))] = calls.nth(
                            1
                        ).is_visible()
            context.close()

    assert len(titles) == len(pages) + len(signed_in_pages)
    assert dials == {("phone", "tel:+73432223344"): True, ("desktop", "tel:+73432223344"): True}
    assert "Автосалон на Космонавтов" in texts["contacts"] and "+7 343 222-33-44" in texts["home"]
    where = "Где стоит автомобиль" if language == "ru" else "Where the car is"
    assert where in texts["car"] and "проспект Космонавтов, 108" in texts["car"]
    assert {
        key: edge for key, edge in menu.items() if edge > (390 if key[0] == "phone" else 1366)
    } == {}
    assert {
        key: width for key, width in widths.items() if width > (390 if key[0] == "phone" else 1366)
    } == {}
    # The missing car's 404 page is the one that logs its own status; nothing else errs.
    assert [problem for problem in problems if "404" not in problem] == []
    assert all(title for title in titles.values())
    assert {key: found for key, found in violations.items() if found} == {}
    if language == "ru":
        assert "Автосалон" in titles["home"] and "Автомобили" in titles["cars"]
        english = {slug: ENGLISH.findall(text) for slug, text in texts.items()}
        assert {slug: words for slug, words in english.items() if words} == {}
    else:
        assert "Autosalon" in titles["home"] and "Cars for sale" in titles["cars"]
