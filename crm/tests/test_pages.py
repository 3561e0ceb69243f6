"""The admin's client page and the "my clients" page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.tests.factories import UserFactory
from conftest import browser_for
from crm import services
from crm.models import Client
from crm.tests.factories import crm_client_make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_managers_client_page_shows_contacts_and_the_timeline(manager):
    client = crm_client_make(actor=manager, name="Fleet Ltd", type="organization")
    services.contact_add(client_id=client.pk, name="Olga Fleetova", phone="+79161234567")
    services.activity_log(
        client_id=client.pk, author=manager, kind="meeting", summary="Showed the vans"
    )
    theirs = crm_client_make(actor=UserFactory(role="manager"), name="Not mine")
    browser = browser_for(manager)

    page = browser.get(reverse("admin:crm_client_change", args=[client.pk]))
    other = browser.get(reverse("admin:crm_client_change", args=[theirs.pk]))

    assert page.status_code == 200
    assert b"Olga Fleetova" in page.content and b"+79161234567" in page.content
    assert b"Showed the vans" in page.content
    assert other.status_code == 302  # the admin's "does not exist" redirect: not in their list


def test_my_clients_lists_the_latest_activity_first_and_counts_quiet_leads(manager):
    quiet = crm_client_make(actor=manager, name="Quiet lead")
    Client.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=8))
    old = crm_client_make(actor=manager, name="Called last week", status="active")
    services.activity_log(
        client_id=old.pk,
        author=manager,
        kind="call",
        summary="Old call",
        occurred_at=timezone.now() - timedelta(days=6),
    )
    fresh = crm_client_make(actor=manager, name="Fresh lead")
    services.activity_log(client_id=fresh.pk, author=manager, kind="note", summary="Fresh note")
    crm_client_make(actor=UserFactory(role="manager"), name="Someone else's")

    page = browser_for(manager).get(reverse("crm-my-clients"))

    assert page.status_code == 200
    names = [c.name for c in page.context["clients"]]
    assert names == ["Fresh lead", "Called last week", "Quiet lead"]
    assert page.context["stale_leads"] == 1
    assert b"Fresh note" in page.content


def test_my_clients_is_for_staff_only(customer):
    page = browser_for(customer).get(reverse("crm-my-clients"))

    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_tags_are_the_admins_to_change(manager, admin_user):
    crm_client_make(name="Tagged", tags=["vip"])
    tag = Client.objects.get().tags.get()
    change = reverse("admin:crm_tag_change", args=[tag.pk])

    as_manager = browser_for(manager).post(change, {"name": "renamed"})
    as_admin = browser_for(admin_user).post(change, {"name": "renamed"})

    assert as_manager.status_code == 403
    assert as_admin.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "renamed"


def test_a_manager_sees_the_accounts_linked_sign_ins_but_cannot_unlink(manager, customer):
    identity = accounts_services.identity_link(
        user=customer, provider="google", subject="g-42", email="anna@gmail.example"
    )
    client = crm_client_make(actor=manager, name="Anna", user_id=customer.pk)
    browser = browser_for(manager)

    page = browser.get(reverse("admin:crm_client_change", args=[client.pk]))
    unlink = browser.post(
        reverse("admin:accounts_externalidentity_delete", args=[identity.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert b"google anna@gmail.example" in page.content
    assert unlink.status_code == 403
    assert [c.email for c in accounts_selectors.identity_cards(user_id=customer.pk)] == [
        "anna@gmail.example"
    ]
