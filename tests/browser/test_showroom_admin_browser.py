"""A showroom's manager in the admin, in headless Chromium (docs/showrooms.md, "Staff per
showroom"): signed in, they find their showroom's order and loan in the lists and open them;
another showroom's are in no list and their pages are refused; the group's manager sees both.
On a 390 px phone in Russian and on a desktop in English."""

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from financing.tests.factories import application_make
from orders.tests.factories import order_make
from tests.browser.pages import chromium_page, sign_in, snap
from tests.flows.test_vehicle_locations import group, placed

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

__all__ = ["group"]  # the fixture, shared with the cars' locations

SCREENS = {
    "ru": ({"width": 390, "height": 844}, "Выберите заказ", "Салон"),
    "en": ({"width": 1366, "height": 900}, "Select order", "Showroom"),
}


def sold_with_a_loan(showroom):
    """An order of one of `showroom`'s cars, whose buyer applied for a loan."""
    buyer = UserFactory()
    order = order_make(buyer, (placed(showroom, make="Haval", model="Jolion"), 1))
    total = order.total_amount
    application_make(buyer, order, vehicle_price=str(total), down_payment=str(total / 5))
    return order


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_showrooms_manager_finds_its_deals_and_not_anothers_in_the_admin(
    chromium, server, group, language
):
    leningradka, varshavka, _yekaterinburg = group
    own, other = sold_with_a_loan(leningradka), sold_with_a_loan(varshavka)
    manager = UserFactory(role="manager", showroom_ids=[leningradka.pk], language=language)
    group_manager = UserFactory(role="manager", language=language)
    viewport, orders_title, showroom_label = SCREENS[language]
    orders = f"{server.url}{reverse('admin:orders_order_changelist')}"
    loans = f"{server.url}{reverse('admin:financing_loanapplication_changelist')}"
    connections.close_all()

    with chromium_page(chromium, viewport=viewport) as page:
        sign_in(server, page, manager)
        page.goto(orders)
        expect(page.locator("#content h1")).to_contain_text(orders_title)
        listed = page.locator("#result_list tbody").inner_text()
        snap(page, f"showroom-admin-{language}-orders")
        page.get_by_role("link", name=own.number).first.click()
        expect(page.locator("body")).to_contain_text("Автосалон на Ленинградке")
        page_text = page.locator("#content-main").inner_text()
        page.goto(loans)
        loans_listed = page.locator("#result_list tbody").inner_text()
        refused = page.goto(f"{server.url}{reverse('admin:orders_order_change', args=[other.pk])}")
        landed = page.url
        width = page.evaluate("document.documentElement.scrollWidth")

    with chromium_page(chromium, viewport=viewport) as page:
        sign_in(server, page, group_manager)
        page.goto(orders)
        group_listed = page.locator("#result_list tbody").inner_text()

    assert own.number in listed and other.number not in listed
    assert showroom_label in page_text
    assert own.number in loans_listed  # the loan, listed by its order
    assert other.number not in loans_listed
    assert refused.ok and landed.rstrip("/").endswith("/admin")  # not found: the admin's index
    assert own.number in group_listed and other.number in group_listed
    assert width <= viewport["width"]
