"""The service department as its customer uses it, in headless Chromium (docs/storefront.md,
"Service"): the customer books a maintenance by VIN on the site and finds the car in "Мои
автомобили"; signs the work order the advisor opened from the booking, giving "go ahead up to
6 000 ₽" for faults found; the advisor proposes jobs found during the work; the customer
approves one and declines another; the advisor completes the order, the page shows what was
done and what it costs, the customer pays by card, and the receipt and the three papers (the
acceptance act, the work order, the completion act) open. On a 390 px phone in Russian and on
a desktop in English."""

import re
from decimal import Decimal

import pytest
from django.db import connections
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from service import services
from service.choices import LineKind
from service.models import Booking, MaintenanceMenu, WorkOrder, WorkOrderLine
from service.tests.factories import local_at, service_showroom_make, work_order_make
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
        "book": "Записаться на сервис",
        "find": "Показать свободное время",
        "booked": "Записаться",
        "pay_card": "Оплатить картой",
        "receipt": "Чек",
        "papers": ["Акт приёма в ремонт", "Заказ-наряд", "Акт выполненных работ"],
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
        "book": "Book a service visit",
        "find": "Show free times",
        "booked": "Book",
        "pay_card": "Pay by card",
        "receipt": "Receipt",
        "papers": ["Acceptance act", "Work order", "Completion act"],
    },
}
VIN = "XTA21900000000123"


def opened(advisor, showroom, menu) -> WorkOrder:
    """The advisor's work order of the booking made on the site, with the menu's parts on the
    shelf."""
    for menu_part in menu.parts.all():
        services.stock_receive(
            showroom_id=showroom.pk, part_id=menu_part.part_id, quantity=Decimal("10")
        )
    booking = Booking.objects.get(vin=VIN)
    return services.work_order_open(
        user=advisor,
        booking_id=booking.pk,
        customer_name="Иван Петров",
        customer_phone="+79161234567",
    )


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
    chromium, server, worker, language, viewport
):
    customer = UserFactory(language=language)
    showroom = service_showroom_make()
    advisor = UserFactory(role="manager", showroom_ids=[showroom.pk])
    work_order_make(advisor, UserFactory(), showroom, start=local_at(showroom, 15))  # the menu
    menu = MaintenanceMenu.objects.get(name="ТО-1")
    start = local_at(showroom, 10)
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

        # A maintenance booked by VIN, at the day's first free time.
        page.goto(f"{server.url}/account/cars/")
        page.get_by_role("link", name=words["book"]).first.click()
        page.fill("#id_vin", VIN)
        page.fill("#id_mileage_km", "30 000")
        page.select_option("#id_menu", str(menu.pk))
        page.select_option("#id_showroom", str(showroom.pk))
        page.fill("#id_day", start.date().isoformat())
        page.get_by_role("button", name=words["find"]).click()
        page.locator(f"input[name=start][value='{start.isoformat()}']").check()
        snap(page, f"{name}-booking")
        page.get_by_role("button", name=words["booked"], exact=True).click()
        page.wait_for_url(re.compile(r"/service/booking/"))
        snap(page, f"{name}-booked")

        # The car is in "My cars"; the advisor opens the work order from the booking.
        work_order = outside_the_browser_loop(lambda: opened(advisor, showroom, menu))
        page.goto(f"{server.url}/account/")
        page.get_by_role("link", name=re.compile(words["cars"])).click()
        page.wait_for_url(re.compile(r"/account/cars/"))
        cars_text = page.locator("main").inner_text()
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
        total = page.locator(".calc-main dd").first.inner_text()
        declined = page.locator(".line-declined").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        snap(page, f"{name}-done")

        # Paid by card: the receipt and the three papers open.
        page.get_by_role("button", name=words["pay_card"]).click()
        page.wait_for_url(re.compile(r"/account/service/"))
        receipt_link = page.get_by_role("link", name=words["receipt"])
        for _second in range(30):  # the worker charges it and makes the papers: shown once done
            if receipt_link.count() and page.locator(".papers a").count() == 3:
                break
            page.wait_for_timeout(1000)
            page.reload()
        work_order_page = page.url
        receipt_link.click()
        page.wait_for_url(re.compile(r"/receipts"))
        receipt = page.locator("main").inner_text()
        snap(page, f"{name}-receipt")
        page.goto(work_order_page)
        papers = {}
        for paper in words["papers"]:
            link = page.locator(".papers a", has_text=re.compile(f"^{paper}$"))
            answer = page.request.get(server.url + link.get_attribute("href"))
            papers[paper] = (answer.headers["content-type"], answer.body()[:4])
        snap(page, f"{name}-paid")

    assert VIN in cars_text
    assert still_up_to
    assert words["done"] in status
    assert spaced(words["pay"]) in spaced(receipt)
    assert papers == {paper: ("application/pdf", b"%PDF") for paper in words["papers"]}
    assert WorkOrder.objects.get(pk=work_order.pk).balance == 0
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
