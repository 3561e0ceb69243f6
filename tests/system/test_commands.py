from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.choices import ActivityType, Role
from accounts.demo import DEMO_USERS
from accounts.models import ActivityLog, User
from accounts.tests.factories import UserFactory
from catalog import selectors as catalog_selectors
from catalog.demo import ACCESSORIES, vehicle_count
from catalog.models import Product
from common.showrooms import showroom_names
from demo import staff
from documents import selectors as documents_selectors
from financing import selectors as financing_selectors
from orders import selectors as orders_selectors
from showroom.selectors.showrooms import showrooms_for_buyers

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.xdist_group("demo_data")
def test_seed_demo_creates_a_user_of_every_role_and_is_repeatable(demo_data):
    """The demo as seeded once (conftest.py, `demo_data`), then seeded again: nothing added."""
    call_command("seed_demo", no_history=True, stdout=StringIO())
    client = User.objects.get(email="client@autosalon.local")

    assert User.objects.count() == len(DEMO_USERS) + len(staff.MANAGERS)
    assert catalog_selectors.product_list().count() == vehicle_count() + len(ACCESSORIES)
    # Two orders of the orders demo and two that financing's demo finances; the insurance
    # demo insures the car of one of those, which the client then pays in full by card: the
    # loan under review on it is withdrawn, as an order paid otherwise needs none
    # (docs/deal.md, "Never paid past the total").
    assert orders_selectors.order_stats_for_customer(user=client)["total_orders"] == 4
    applications = financing_selectors.application_list(user=client)
    assert sorted(applications.values_list("status", flat=True)) == [
        "approved",
        "rejected",
        "withdrawn",
        "withdrawn",
    ]
    paid_otherwise = applications.filter(reasons__contains=[{"code": "order_paid_otherwise"}])
    assert paid_otherwise.count() == 1
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # Every car stands in one of the three showrooms, each of which has some, in two cities.
    vehicles = Product.objects.filter(kind="vehicle")
    assert not vehicles.filter(showroom_id=None).exists()
    assert vehicles.values("showroom_id").distinct().count() == 3
    assert set(vehicles.values_list("city", flat=True)) == {"Москва", "Екатеринбург"}
    for spec in DEMO_USERS:
        user = User.objects.get(email=spec["email"])
        assert user.check_password(spec["password"])
        assert user.role == spec["role"]
    # Each showroom's manager works in it alone; Yekaterinburg sells under its own company.
    names = dict(showroom_names())
    assert {
        user.email: [names[pk].split(",")[0] for pk in user.showroom_ids]
        for user in User.objects.exclude(showroom_ids=[])
    } == {email: [showroom] for showroom, email, _name in staff.MANAGERS}
    ural = next(card for card in showrooms_for_buyers() if card.name == staff.URAL)
    assert documents_selectors.seller_of(showroom_id=ural.id).name == "ООО «Урал Авто»"


@pytest.mark.parametrize(("role", "superuser"), [("manager", False), ("admin", True)])
def test_create_staff_creates_a_manager_or_an_admin(role, superuser):
    call_command(
        "accounts_create_staff",
        email="Boss@Example.com",
        role=role,
        full_name="Boss",
        password="Sturdy-pass-2026",
        stdout=StringIO(),
    )

    user = User.objects.get(email="boss@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == (role, True, superuser)
    assert user.check_password("Sturdy-pass-2026")


def test_create_staff_promotes_an_existing_user_and_logs_it():
    user = UserFactory(role=Role.CLIENT)

    call_command("accounts_create_staff", email=user.email, role="manager", stdout=StringIO())

    user.refresh_from_db()
    assert user.role == Role.MANAGER and user.is_staff
    activity = ActivityLog.objects.get(user=user, type=ActivityType.ROLE_CHANGED)
    assert activity.details["by"] == "command line"


def test_create_staff_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("accounts_create_staff", email="x@example.com", role="admin", password="123")

    assert not User.objects.exists()


def test_createsuperuser_makes_an_admin():
    User.objects.create_superuser("root@example.com", "Sturdy-pass-2026")

    user = User.objects.get(email="root@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)
