"""Right to be forgotten: the person's data goes, the anonymised counts stay, an audit row
says who asked and why."""

import io

import pytest
from django.core.management import CommandError, call_command

from crm import services
from crm.models import Activity, Client, Contact, Erasure, OutboxEvent
from crm.tests.factories import crm_client_make

pytestmark = pytest.mark.django_db(databases="__all__")


def erase(client_id, reason="Request #42", by="Data protection officer") -> str:
    out = io.StringIO()
    call_command("crm_erase", str(client_id), "--reason", reason, "--requested-by", by, stdout=out)
    return out.getvalue()


def test_erasing_removes_the_personal_data_and_keeps_the_counts(manager, customer):
    client = crm_client_make(
        actor=manager,
        name="Anna Petrova",
        email="anna@example.com",
        phone="+79161234567",
        tax_id="500100732259",
        description="Prefers calls after 6pm",
        tags=["vip"],
        user_id=customer.pk,
    )
    services.contact_add(client_id=client.pk, name="Husband", phone="+79035550000")
    for kind in ("call", "call", "meeting"):
        services.activity_log(client_id=client.pk, author=manager, kind=kind, summary="Anna said…")
    other = crm_client_make(actor=manager, name="Boris")

    report = erase(client.pk)

    client.refresh_from_db()
    assert (
        client.name,
        client.email,
        str(client.phone or ""),
        client.tax_id,
        client.description,
    ) == ("Erased client", "", "", "", "")
    assert (client.user_id, client.status) == (None, "inactive")
    assert client.erased_at is not None and client.archived_at is not None
    assert not Contact.objects.filter(client=client).exists()
    entries = Activity.objects.filter(client=client)
    assert entries.count() == 3 and set(entries.values_list("summary", flat=True)) == {""}
    erasure = Erasure.objects.get()
    assert erasure.activity_counts == {"call": 2, "meeting": 1}
    assert (erasure.requested_by, erasure.reason, erasure.contacts_removed) == (
        "Data protection officer",
        "Request #42",
        1,
    )
    payloads = OutboxEvent.objects.filter(aggregate_id=str(client.pk)).values_list(
        "payload", flat=True
    )
    assert not any("Anna" in str(p) or "Husband" in str(p) for p in payloads)
    assert "Erased client" in report and str(erasure.pk) in report
    assert Client.objects.get(pk=other.pk).name == "Boris"  # nobody else touched


def test_erasing_twice_or_a_missing_client_is_an_error(manager):
    client = crm_client_make(actor=manager)
    erase(client.pk)

    with pytest.raises(CommandError, match="erased already"):
        erase(client.pk)
    with pytest.raises(CommandError, match="No such client"):
        erase("5b0e8a9e-3f4c-4d7a-9c1e-2f6b8d0a4e21")
    with pytest.raises(CommandError, match="not a client id"):
        erase("robert'); drop table")
    assert Erasure.objects.count() == 1


def test_erasing_a_client_erases_the_duplicates_merged_into_it(manager):
    client = crm_client_make(actor=manager, name="Anna Petrova", phone="+79161234567")
    duplicate = crm_client_make(
        actor=manager, name="A. Petrova", email="anna@example.com", phone="+79161234567"
    )
    services.client_merge(actor=manager, client_id=client.pk, duplicate_id=duplicate.pk)

    erase(client.pk)

    duplicate.refresh_from_db()
    assert (duplicate.name, duplicate.email, str(duplicate.phone or "")) == (
        "Erased client",
        "",
        "",
    )
    assert duplicate.erased_at is not None
    payloads = OutboxEvent.objects.filter(aggregate_id=str(duplicate.pk)).values_list(
        "payload", flat=True
    )
    assert not any("Petrova" in str(p) for p in payloads)
