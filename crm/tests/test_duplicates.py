"""Duplicates found by a shared phone or e-mail, and merged with nothing lost."""

import queue

import pytest

from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from crm import services
from crm.models import Activity, Client, Contact
from crm.tests.factories import crm_client_make

pytestmark = pytest.mark.django_db(databases="__all__")


def url(client, tail: str) -> str:
    return f"/api/v1/crm/clients/{client.pk}/{tail}"


@pytest.fixture
def pair(manager):
    """Anna recorded twice: once with her phone, once as a company contact with it, each with
    a contact and an entry of their own."""
    first = crm_client_make(actor=manager, name="Anna Petrova", phone="+79161234567", tags=["vip"])
    second = crm_client_make(
        actor=manager,
        name="A. Petrova",
        email="anna@example.com",
        tax_id="500100732259",
        tags=["fleet"],
    )
    services.contact_add(client_id=first.pk, name="Husband", phone="+79035550000")
    services.contact_add(client_id=second.pk, name="Anna", phone="8 916 123-45-67")
    for client, summary in ((first, "Called about a crossover"), (second, "Met at the launch")):
        services.activity_log(client_id=client.pk, author=manager, kind="call", summary=summary)
    return first, second


def test_two_clients_sharing_a_phone_are_duplicates(pair, manager_client):
    first, second = pair
    crm_client_make(name="Someone else", phone="+79990001122")

    found = manager_client.get(url(first, "duplicates")).json()["results"]
    found_back = manager_client.get(url(second, "duplicates")).json()["results"]

    assert [c["id"] for c in found] == [str(second.pk)]
    assert [c["id"] for c in found_back] == [str(first.pk)]


def test_merging_leaves_one_client_with_everything_of_both(pair, manager, manager_client):
    first, second = pair

    response = manager_client.post(
        url(first, "merge"), {"duplicate_id": str(second.pk)}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["fleet", "vip"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.email, first.tax_id, str(first.phone)) == (
        "anna@example.com",
        "500100732259",
        "+79161234567",
    )
    assert second.archived_at is not None and second.merged_into_id == first.pk
    assert sorted(Contact.objects.filter(client=first).values_list("name", flat=True)) == [
        "Anna",
        "Husband",
    ]
    summaries = set(Activity.objects.filter(client=first).values_list("summary", flat=True))
    assert summaries == {"Called about a crossover", "Met at the launch", "Merged with A. Petrova"}
    assert not Contact.objects.filter(client=second).exists()
    assert not Activity.objects.filter(client=second).exists()
    assert manager_client.get(url(first, "duplicates")).json()["count"] == 0
    assert Client.objects.filter(archived_at__isnull=True).count() == 1


def test_the_duplicates_own_phone_becomes_a_contact_when_the_survivor_has_another(manager):
    first = crm_client_make(actor=manager, name="Anna", phone="+79161234567", email="a@example.com")
    second = crm_client_make(
        actor=manager, name="Anna P.", phone="+79037770000", email="a@example.com"
    )

    services.client_merge(actor=manager, client_id=first.pk, duplicate_id=second.pk)

    kept = Contact.objects.get(client=first)
    assert (kept.name, str(kept.phone), kept.email) == ("Anna P.", "+79037770000", "")


def test_the_account_moves_to_the_survivor_and_two_accounts_do_not_merge(
    manager, customer, other_customer
):
    first = crm_client_make(actor=manager, name="Walk-in", phone="+79161234567")
    second = crm_client_make(
        actor=manager, name="Registered", phone="+79161234567", user_id=customer.pk
    )
    third = crm_client_make(
        actor=manager, name="Other", phone="+79161234567", user_id=other_customer.pk
    )

    services.client_merge(actor=manager, client_id=first.pk, duplicate_id=second.pk)
    refused = client_for(manager).post(
        url(first, "merge"), {"duplicate_id": str(third.pk)}, format="json"
    )

    first.refresh_from_db()
    assert str(first.user_id) == str(customer.pk)
    assert Client.objects.get(pk=second.pk).user_id is None
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "merge_invalid"
    assert Client.objects.get(pk=third.pk).archived_at is None


@pytest.mark.parametrize("same", [True, False])
def test_a_client_cannot_merge_with_itself_or_an_archived_one(manager, manager_client, same):
    client = crm_client_make(actor=manager)
    other = crm_client_make(actor=manager)
    services.client_archive(client_id=other.pk)
    target = client if same else other

    response = manager_client.post(
        url(client, "merge"), {"duplicate_id": str(target.pk)}, format="json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (
        (400, "merge_invalid") if same else (409, "client_archived")
    )
    assert Client.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_merges_of_one_pair_at_once_merge_it_once(manager):
    first = crm_client_make(actor=manager, phone="+79161234567")
    second = crm_client_make(actor=manager, phone="+79161234567")
    services.activity_log(client_id=second.pk, author=manager, kind="note", summary="Kept")

    pairs = queue.SimpleQueue()  # one thread merges second into first, the other the reverse
    pairs.put((first, second))
    pairs.put((second, first))

    def merge():
        survivor, duplicate = pairs.get_nowait()
        try:
            services.client_merge(actor=manager, client_id=survivor.pk, duplicate_id=duplicate.pk)
        except ApplicationError as exc:
            return exc.code
        return "merged"

    outcomes = run_concurrently(2, merge)

    assert sorted(outcomes) == ["client_archived", "merged"]
    assert Client.objects.filter(archived_at__isnull=True).count() == 1
    assert Activity.objects.filter(summary="Kept").count() == 1


def test_a_merge_keeps_the_more_advanced_status_and_only_a_tax_id_that_fits(manager):
    person = crm_client_make(actor=manager, name="Anna", phone="+79161234567")
    company = crm_client_make(
        actor=manager,
        name="Anna's firm",
        type="organization",
        tax_id="7707083893",
        phone="+79161234567",
        status="active",
    )

    services.client_merge(actor=manager, client_id=person.pk, duplicate_id=company.pk)

    person.refresh_from_db()
    assert (person.status, person.tax_id) == ("active", "")
    assert Client.objects.get(pk=company.pk).tax_id == "7707083893"  # kept where it fits
