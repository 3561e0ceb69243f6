"""The service department as its customer uses it, in headless Chromium (docs/storefront.md,
"Service"): the customer signs the work order the advisor opened from their booking, giving
"go ahead up to 6 000 ₽" for faults found; the advisor proposes two jobs found during the work;
the customer finds the car in "Мои автомобили", opens the work order, approves one job and
declines the other; the advisor completes the order, and the page shows what was done and what
it costs. On a 390 px phone in Russian and on a desktop in English."""

import re
from decimal import Decimal

import pytest
from django.db import connections
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from service import services
from service.choices import LineKind
from service.models import WorkOrder, WorkOrderLine
from service.tests.factories import service_showroom_make, work_order_make
from tests.browser.pages import chromium_page, outside_the_browser_loop, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WORDS = {
    "ru": {
        "cars": "Мои автомобили",
        "sign": "Подписать своей учётной записью",
        "up_to": "Выполнять без звонка до суммы",
        "signed": "Согласован",
        "approve": "Согласовать",
        "decline": "Отказаться",
        "done": "Выполнен",
        "pay": "18 350,00 ₽",
        "small": "Замена щёток стеклоочистителя",
    },
    "en": {
        "cars": "My cars",
        "sign": "Sign with my account",
        "up_to": "Go ahead up to an amount",
        "signed": "Agreed",
        "approve": "Approve",
        "decline": "Decline",
        "done": "Done",
        "pay": "18,350.00 RUB",
        "small": "Замена щёток стеклоочистителя",
    },
}


def spaced(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def propose(advisor, work_order, name: str, hours: str) -> None:
    services.line_add(
        user=advisor,
        work_order_id=work_order.pk,
        kind=LineKind.LABOUR,
        name=name,
        norm_hours=Decimal(hours),
    )


@pytest.mark.parametrize(
    ("language", "viewport"), [("ru", PHONE), ("en", DESKTOP)], ids=["ru-phone", "en-desktop"]
)
def test_the_customer_signs_answers_each_job_found_and_sees_the_car_done(
    chromium, server, language, viewport
):
    customer = UserFactory(language=language)
    showroom = service_showroom_make()
    advisor = UserFactory(role="manager", showroom_ids=[showroom.pk])
    work_order = work_order_make(advisor, customer, showroom)
    words = WORDS[language]
    name = f"service-{language}-{viewport['width']}"
    connections.close_all()

    with chromium_page(chromium, viewport=viewport, locale=language) as page:
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{server.url}/account/sign-in/")
        page.fill("#id_login", customer.email)
        page.fill("#id_password", PASSWORD)
        page.click("button.wide")
        page.wait_for_url(f"{server.url}/")

        # The car is in "My cars", with the work order the advisor opened.
        page.goto(f"{server.url}/account/")
        page.get_by_role("link", name=re.compile(words["cars"])).click()
        page.wait_for_url(re.compile(r"/account/cars/"))
        snap(page, f"{name}-cars")
        page.get_by_role("link", name=work_order.number).click()
        page.wait_for_url(re.compile(r"/account/service/"))

        # Signed with "go ahead up to" and no amount: refused beside the field, kept.
        page.get_by_label(words["up_to"]).check()
        page.get_by_role("button", name=words["sign"]).click()
        refused = page.locator(".field-invalid", has=page.locator("#id_instruction_limit"))
        expect(refused).to_be_visible()
        still_up_to = page.get_by_label(words["up_to"]).is_checked()
        snap(page, f"{name}-refused")
        page.fill("#id_instruction_limit", "6000")
        page.get_by_role("button", name=words["sign"]).click()
        expect(page.locator(".order-status")).to_contain_text(words["signed"])

        # The work finds three faults: the small one goes ahead within the 6 000 ₽, the other
        # two (10 000 ₽ and 5 500 ₽) wait for the customer's word.
        def in_work():
            services.work_order_start(user=advisor, work_order_id=work_order.pk)
            propose(advisor, work_order, words["small"], "0.40")  # 1 000 ₽
            propose(advisor, work_order, "Замена сайлентблоков", "4.00")  # 10 000 ₽
            propose(advisor, work_order, "Замена колодок", "2.20")  # 5 500 ₽: over the 6 000

        outside_the_browser_loop(in_work)
        page.reload()
        proposals = page.locator(".proposal")
        expect(proposals).to_have_count(2)
        snap(page, f"{name}-proposed")
        proposals.filter(has_text="Замена сайлентблоков").get_by_role(
            "button", name=words["approve"]
        ).click()
        page.wait_for_load_state()
        page.locator(".proposal", has_text="Замена колодок").get_by_role(
            "button", name=words["decline"]
        ).click()
        page.wait_for_load_state()
        expect(page.locator(".proposal")).to_have_count(0)

        outside_the_browser_loop(
            lambda: services.work_order_complete(user=advisor, work_order_id=work_order.pk)
        )
        page.reload()
        status = page.locator(".order-status").inner_text()
        total = page.locator(".calc-main dd").inner_text()
        declined = page.locator(".line-declined").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        snap(page, f"{name}-done")

    assert still_up_to
    assert words["done"] in status
    assert spaced(total) == words["pay"]  # 7 350 + 1 000 + 10 000; the pads not
    assert "Замена колодок" in declined
    assert width <= viewport["width"]
    assert problems == []
    lines = {line.name: line for line in WorkOrderLine.objects.filter(work_order=work_order)}
    assert (lines[words["small"]].state, lines[words["small"]].decided_how) == (
        "approved",
        "instruction",
    )
    assert (lines["Замена сайлентблоков"].state, lines["Замена сайлентблоков"].decided_how) == (
        "approved",
        "site",
    )
    assert lines["Замена колодок"].state == "declined" and lines["Замена колодок"].done_at is None
    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert (stored.status, stored.instruction, stored.instruction_limit) == (
        "done",
        "up_to",
        Decimal("6000.00"),
    )
