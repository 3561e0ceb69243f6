"""Who may do what in the admin (docs/showrooms.md, "Staff per showroom"): the authorization
matrix's rows for the admin's pages and actions, one column for every kind of caller. The
records of a row belong to the manager's showroom; the other showroom's manager works in
another of the group's, the group's manager holds the grant of the whole group.

Outcomes: `DONE` means the caller's request read or changed the record as asked, `REFUSED`
that it did not (a 403, the record not found, the admin's sign-in page), and nothing
changed. Each caller meets the row's records as they were made (each request rolled back)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import browser_for
from documents.models import LegalEntity
from documents.tests.factories import legal_entity_make
from notifications.models import Delivery
from notifications.tests.factories import order_delivery_make
from orders.models import Order
from orders.tests.factories import order_make, product_make
from service import services as service_services
from service.models import WorkOrder
from service.tests.factories import work_order_make
from showroom import services as showroom_services
from showroom.models import Allocation, Resource, Showroom
from showroom.tests.factories import resource_make, showroom_make, tomorrow_at
from tests.contracts.test_authorization_matrix import rolled_back

pytestmark = pytest.mark.django_db(databases="__all__")

ROLES = ["client", "manager", "other_showroom_manager", "group_manager", "admin"]
DONE, REFUSED = "done", "refused"
# A record of a showroom: its staff's and the group's.
SHOWROOM_STAFF = dict(zip(ROLES, [REFUSED, DONE, REFUSED, DONE, DONE], strict=True))
# A record of the whole group (a showroom's details, a legal entity): every member of staff
# reads it, the group's manager and the admins alone change it.
GROUP_CHANGES = dict(zip(ROLES, [REFUSED, REFUSED, REFUSED, DONE, DONE], strict=True))
STAFF_READ = dict(zip(ROLES, [REFUSED, DONE, DONE, DONE, DONE], strict=True))


@dataclass
class World:
    """The callers, and the records of the manager's showroom."""

    showroom: Showroom
    users: dict

    def resource(self) -> Resource:
        return resource_make(name="Стенд", showroom=self.showroom)

    def booking(self) -> Allocation:
        return showroom_services.allocation_create(
            resource_id=self.resource().pk,
            start_time=tomorrow_at(11),
            end_time=tomorrow_at(12),
            user=self.users["admin"],
        )

    def work_order(self) -> WorkOrder:
        """A car driven into the showroom's service, in work."""
        service_services.labour_rate_set(showroom_id=self.showroom.pk, rate=Decimal("2500.00"))
        service_services.bay_create(showroom_id=self.showroom.pk, name="Пост 1")
        service_services.advisor_create(
            showroom_id=self.showroom.pk, user_id=self.users["manager"].pk, name="Мастер"
        )
        work_order = work_order_make(self.users["admin"], None, self.showroom)
        WorkOrder.objects.filter(pk=work_order.pk).update(status="in_work")
        return work_order

    def delivery(self) -> Delivery:
        customer = UserFactory.create()
        order = order_make(customer, (product_make(), 1))
        Order.objects.filter(pk=order.pk).update(showroom_id=self.showroom.pk)
        return order_delivery_make(customer, order)


def action(browser, model: str, name: str, pk) -> None:
    browser.post(
        reverse(f"admin:{model}_changelist"), {"action": name, "_selected_action": [str(pk)]}
    )


def deletes_a_resource(world: World, browser) -> bool:
    resource = world.resource()
    action(browser, "showroom_resource", "deleted", resource.pk)
    return Resource.objects.get(pk=resource.pk).deleted_at is not None


def releases_a_booking(world: World, browser) -> bool:
    booking = world.booking()
    action(browser, "showroom_allocation", "released", booking.pk)
    return Allocation.objects.get(pk=booking.pk).status == "released"


def opens_a_resource(world: World, browser) -> bool:
    page = browser.get(reverse("admin:showroom_resource_change", args=[world.resource().pk]))
    return page.status_code == 200


def lists_a_delivery(world: World, browser) -> bool:
    delivery = world.delivery()
    page = browser.get(reverse("admin:notifications_delivery_changelist"))
    return page.status_code == 200 and str(delivery.pk) in page.content.decode()


def finds_a_car_in_the_advisors_day(world: World, browser) -> bool:
    work_order = world.work_order()
    page = browser.get(reverse("admin:service_workorder_advisor_day"))
    link = reverse("admin:service_workorder_change", args=[work_order.pk])
    return page.status_code == 200 and link in page.content.decode()


def offers_to_save(browser, page: str) -> bool:
    """The change page offers its form to save (a read-only page, a 403 or the sign-in page
    does not); the flows test posts to it (tests/flows/test_scope_where_records_change.py)."""
    answer = browser.get(page)
    return answer.status_code == 200 and b'name="_save"' in answer.content


def changes_a_showroom(world: World, browser) -> bool:
    return offers_to_save(
        browser, reverse("admin:showroom_showroom_change", args=[world.showroom.pk])
    )


def changes_a_legal_entity(world: World, browser) -> bool:
    entity = LegalEntity.objects.get(short_name="ООО «Матрица»")
    return offers_to_save(browser, reverse("admin:documents_legalentity_change", args=[entity.pk]))


def reads_a_legal_entity(world: World, browser) -> bool:
    entity = LegalEntity.objects.get(short_name="ООО «Матрица»")
    page = browser.get(reverse("admin:documents_legalentity_change", args=[entity.pk]))
    return page.status_code == 200


MATRIX: dict[str, tuple[Callable[[World, object], bool], dict]] = {
    "resource: open its page": (opens_a_resource, SHOWROOM_STAFF),
    "resource: delete (action)": (deletes_a_resource, SHOWROOM_STAFF),
    "booking: release (action)": (releases_a_booking, SHOWROOM_STAFF),
    "delivery: find it in the list": (lists_a_delivery, SHOWROOM_STAFF),
    "work order: find it in the advisor's day": (finds_a_car_in_the_advisors_day, SHOWROOM_STAFF),
    "showroom: change": (changes_a_showroom, GROUP_CHANGES),
    "legal entity: read": (reads_a_legal_entity, STAFF_READ),
    "legal entity: change": (changes_a_legal_entity, GROUP_CHANGES),
}


@pytest.fixture
def world():
    showroom = showroom_make(name="Матрица")
    legal_entity_make(short_name="ООО «Матрица»")
    return World(
        showroom=showroom,
        users={
            "client": UserFactory(role="client"),
            "manager": UserFactory(role="manager", showroom_ids=[showroom.pk]),
            "other_showroom_manager": UserFactory(role="manager", showroom_ids=[uuid.uuid4()]),
            "group_manager": UserFactory(role="manager", whole_group=True),
            "admin": UserFactory(role="admin"),
        },
    )


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_each_caller_gets_what_the_admin_matrix_says(world, operation):
    check, expected = MATRIX[operation]
    got = {}
    for role in ROLES:
        with rolled_back():
            got[role] = DONE if check(world, browser_for(world.users[role])) else REFUSED

    assert got == expected
