"""The clients API: specification 003's body, contacts in E.164, who sees whom, search and
filters, taking leads, archiving and logging activity."""

import queue

import pytest

from accounts.tests.factories import UserFactory
from conftest import client_for, run_concurrently
from crm.models import Activity, Client, Contact, OutboxEvent
from crm.tests.factories import crm_client_make

pytestmark = pytest.mark.django_db(databases="__all__")

CLIENTS = "/api/v1/crm/clients/"


def url(client, tail: str = "") -> str:
    return f"{CLIENTS}{client.pk}/{tail}".rstrip("/") + ("/" if not tail else "")


def test_an_organisation_is_created_with_the_specifications_body(manager, manager_client):
    body = {
        "name": "ООО Пример",
        "type": "organization",
        "industry": "IT",
        "description": "IT-компания",
    }

    response = manager_client.post(CLIENTS, body, format="json")

    assert response.status_code == 201, response.content
    client = Client.objects.get(pk=response.json()["id"])
    assert (client.name, client.type, client.industry, client.description) == (
        "ООО Пример",
        "organization",
        "IT",
        "IT-компания",
    )
    assert (client.status, str(client.manager_id)) == ("lead", str(manager.pk))
    event = OutboxEvent.objects.get(type="client.created")
    assert event.payload["name"] == "ООО Пример" and event.aggregate_id == str(client.pk)


@pytest.mark.parametrize(
    "phone", ["8 (916) 123-45-67", "+7 916 123 45 67", "+7(916)1234567", "89161234567"]
)
def test_a_contact_phone_in_any_common_format_is_stored_in_e164(manager, manager_client, phone):
    client = crm_client_make(actor=manager, type="organization", name="Fleet Ltd")

    response = manager_client.post(
        url(client, "contacts"),
        {"name": "Olga", "role": "Fleet manager", "phone": phone, "preferred_channel": "phone"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+79161234567"
    assert str(Contact.objects.get(client=client).phone) == "+79161234567"
    assert OutboxEvent.objects.filter(type="client.contact.added").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Olga", "phone": "12345"}, "phone"),
        ({"name": "Olga", "phone": "not a phone"}, "phone"),
        ({"name": "Olga"}, "phone"),  # neither phone nor e-mail
        ({"name": "Olga", "email": "olga@"}, "email"),
        (
            {"name": "Olga", "phone": "+79161234567", "preferred_channel": "pigeon"},
            "preferred_channel",
        ),
        ({"name": "x" * 201, "phone": "+79161234567"}, "name"),
        ({"name": ["Olga"], "phone": "+79161234567"}, "name"),
    ],
)
def test_a_bad_contact_gets_400_in_the_envelope_and_nothing_is_stored(
    manager, manager_client, body, field
):
    client = crm_client_make(actor=manager)

    response = manager_client.post(url(client, "contacts"), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]
    assert not Contact.objects.exists()


def test_a_manager_cannot_see_another_managers_clients(manager, manager_client):
    other = UserFactory(role="manager")
    theirs = crm_client_make(actor=other, name="Their client")
    mine = crm_client_make(actor=manager, name="My client")

    listed = manager_client.get(CLIENTS).json()["results"]

    assert [c["name"] for c in listed] == ["My client"]
    for method, tail, body in [
        ("get", "", None),
        ("patch", "", {"industry": "IT"}),
        ("delete", "", None),
        ("get", "contacts", None),
        ("post", "contacts", {"name": "Spy", "phone": "+79161234567"}),
        ("get", "activity", None),
        ("post", "activity", {"kind": "note", "summary": "Spy"}),
        ("post", "take", None),
        ("get", "duplicates", None),
    ]:
        response = getattr(manager_client, method)(url(theirs, tail), body, format="json")
        assert response.status_code == 404, (method, tail)
    merged = manager_client.post(
        url(mine, "merge"), {"duplicate_id": str(theirs.pk)}, format="json"
    )
    assert merged.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.industry, theirs.archived_at, theirs.contacts.count()) == ("", None, 0)
    assert client_for(other).get(url(theirs)).status_code == 200


def test_an_admin_sees_every_client(admin_client, manager):
    crm_client_make(actor=manager, name="A manager's client")

    assert admin_client.get(CLIENTS).json()["count"] == 1


@pytest.mark.parametrize("path", [CLIENTS, f"{CLIENTS}00000000-0000-0000-0000-000000000000/"])
def test_a_client_user_cannot_reach_the_crm_at_all(customer_client, api_client, path):
    crm_client_make(name="Someone")

    assert customer_client.get(path).status_code == 403
    assert customer_client.post(CLIENTS, {"name": "Me"}, format="json").status_code == 403
    assert api_client.get(path).status_code == 401
    assert Client.objects.count() == 1


def test_a_manager_takes_an_unassigned_lead_and_then_no_one_else_can(manager, manager_client):
    lead = crm_client_make(name="Walk-in")  # by an admin, unassigned
    rival = client_for(UserFactory(role="manager"))
    assert rival.get(url(lead)).status_code == 200  # a lead in the pool, for anyone to take

    taken = manager_client.post(url(lead, "take"))

    assert taken.status_code == 200 and taken.json()["manager_id"] == str(manager.pk)
    lead.refresh_from_db()
    assert str(lead.manager_id) == str(manager.pk)
    assert rival.post(url(lead, "take")).status_code == 404  # no longer in the pool
    assert manager_client.post(url(lead, "take")).status_code == 200  # one's own: no change


def test_a_manager_cannot_reassign_but_an_admin_can(manager, manager_client, admin_client):
    client = crm_client_make(actor=manager)
    other = UserFactory(role="manager")

    refused = manager_client.patch(url(client), {"manager_id": str(other.pk)}, format="json")
    moved = admin_client.patch(url(client), {"manager_id": str(other.pk)}, format="json")
    not_staff = admin_client.patch(
        url(client), {"manager_id": str(UserFactory(role="client").pk)}, format="json"
    )

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "assignment_forbidden"
    assert moved.status_code == 200
    assert not_staff.status_code == 400 and not_staff.json()["error"]["code"] == "manager_not_found"
    client.refresh_from_db()
    assert str(client.manager_id) == str(other.pk)


def test_a_manager_may_not_create_a_client_for_someone_else(manager_client):
    other = UserFactory(role="manager")

    response = manager_client.post(
        CLIENTS, {"name": "X", "manager_id": str(other.pk)}, format="json"
    )

    assert response.status_code == 403
    assert not Client.objects.exists()


def test_search_finds_a_name_an_email_or_a_phone_in_any_format(manager, manager_client):
    anna = crm_client_make(actor=manager, name="Anna Petrova", email="Anna@Example.com")
    fleet = crm_client_make(actor=manager, name="Fleet Ltd", type="organization")
    manager_client.post(
        url(fleet, "contacts"), {"name": "Olga", "phone": "+7 916 123-45-67"}, format="json"
    )
    crm_client_make(actor=manager, name="Boris", phone="+79035550000")

    def found(term):
        return sorted(
            c["name"] for c in manager_client.get(CLIENTS, {"search": term}).json()["results"]
        )

    assert found("petrova") == ["Anna Petrova"]
    assert found("anna@example.com") == ["Anna Petrova"]
    assert Client.objects.get(pk=anna.pk).email == "anna@example.com"  # stored lower-case
    assert found("8 (916) 123 45 67") == ["Fleet Ltd"]
    assert found("903 555") == ["Boris"]
    assert found("olga") == ["Fleet Ltd"]


def test_filters_by_type_status_tag_and_manager(manager, manager_client, admin_client):
    crm_client_make(actor=manager, name="Fleet", type="organization", tags=["fleet", "vip"])
    crm_client_make(actor=manager, name="Anna", status="active", tags=["vip"])
    other = UserFactory(role="manager")
    crm_client_make(actor=other, name="Theirs")

    def names(client, **params):
        return sorted(c["name"] for c in client.get(CLIENTS, params).json()["results"])

    assert names(manager_client, type="organization") == ["Fleet"]
    assert names(manager_client, status="active") == ["Anna"]
    assert names(manager_client, tag="vip") == ["Anna", "Fleet"]
    assert names(admin_client, manager=str(other.pk)) == ["Theirs"]
    assert manager_client.get(CLIENTS, {"type": "company"}).status_code == 400


def test_deleting_archives_and_keeps_the_history(manager, manager_client):
    client = crm_client_make(actor=manager, name="Gone quiet")
    manager_client.post(
        url(client, "activity"), {"kind": "call", "summary": "No answer"}, format="json"
    )

    response = manager_client.delete(url(client))

    assert response.status_code == 204
    client.refresh_from_db()
    assert client.archived_at is not None and client.activities.count() == 1
    assert manager_client.get(CLIENTS).json()["count"] == 0
    assert manager_client.get(CLIENTS, {"archived": "true"}).json()["count"] == 1
    edited = manager_client.patch(url(client), {"name": "Back"}, format="json")
    assert edited.status_code == 409 and edited.json()["error"]["code"] == "client_archived"


def test_put_replaces_the_details_and_keeps_the_state(manager, manager_client):
    client = crm_client_make(actor=manager, name="Old", industry="Retail", status="active")

    response = manager_client.put(
        url(client), {"name": "New", "type": "organization"}, format="json"
    )

    assert response.status_code == 200, response.content
    client.refresh_from_db()
    assert (client.name, client.type, client.industry, client.status) == (
        "New",
        "organization",
        "",
        "active",
    )


def test_a_status_change_follows_the_map(manager, manager_client):
    client = crm_client_make(actor=manager, status="active")

    back_to_lead = manager_client.patch(url(client), {"status": "lead"}, format="json")
    lapsed = manager_client.patch(url(client), {"status": "inactive"}, format="json")

    assert back_to_lead.status_code == 409
    assert lapsed.status_code == 200
    client.refresh_from_db()
    assert client.status == "inactive"
    updated = OutboxEvent.objects.get(type="client.updated")
    assert updated.payload["changed"] == ["status"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "organization"}, "name"),
        ({"name": "X", "type": "company"}, "type"),
        ({"name": "X", "tax_id": "12345"}, "tax_id"),
        ({"name": "X", "tax_id": "7707083893"}, "tax_id"),  # an organisation's, for a person
        ({"name": "X", "tags": ["ok", ""]}, "tags"),
        ({"name": "X", "tags": "vip"}, "tags"),
        ({"name": "X", "phone": "+7 000"}, "phone"),
        ({"name": "X", "user_id": "5b0e8a9e-3f4c-4d7a-9c1e-2f6b8d0a4e21"}, "user_id"),
    ],
)
def test_a_bad_client_gets_400_and_nothing_is_stored(manager_client, body, field):
    response = manager_client.post(CLIENTS, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]
    assert not Client.objects.exists()


def test_one_account_has_one_client_record(manager_client, customer):
    first = manager_client.post(CLIENTS, {"name": "A", "user_id": str(customer.pk)}, format="json")
    second = manager_client.post(CLIENTS, {"name": "B", "user_id": str(customer.pk)}, format="json")

    assert first.status_code == 201 and second.status_code == 400
    assert Client.objects.filter(user_id=customer.pk).count() == 1


def test_the_timeline_is_newest_first_and_a_cursor_pages_through_it(manager, manager_client):
    client = crm_client_make(actor=manager)
    for n in range(5):
        response = manager_client.post(
            url(client, "activity"),
            {"kind": "note", "summary": f"Note {n}", "occurred_at": f"2026-01-0{n + 1}T10:00:00Z"},
            format="json",
        )
        assert response.status_code == 201
    activity = Activity.objects.get(summary="Note 0")
    assert str(activity.author_id) == str(manager.pk)

    first = manager_client.get(url(client, "activity"), {"page_size": 3}).json()
    second = manager_client.get(first["next"]).json()

    assert [a["summary"] for a in first["results"]] == ["Note 4", "Note 3", "Note 2"]
    assert [a["summary"] for a in second["results"]] == ["Note 1", "Note 0"]
    assert second["next"] is None
    client.refresh_from_db()
    assert client.last_activity_at.isoformat() == "2026-01-05T10:00:00+00:00"
    assert OutboxEvent.objects.filter(type="client.activity.logged").count() == 5


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "order_placed", "summary": "Forged"},  # only events write those
        {"kind": "note"},
        {"kind": "note", "summary": "Later", "occurred_at": "2999-01-01T00:00:00Z"},
        {"kind": "note", "summary": "x" * 501},
    ],
)
def test_a_bad_activity_gets_400(manager, manager_client, body):
    client = crm_client_make(actor=manager)

    response = manager_client.post(url(client, "activity"), body, format="json")

    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_a_bad_cursor_gets_404_in_the_envelope(manager, manager_client):
    client = crm_client_make(actor=manager)

    response = manager_client.get(url(client, "activity"), {"cursor": "garbage"})

    assert response.status_code == 404
    assert response.json()["success"] is False


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_managers_taking_one_lead_at_once_one_gets_it():
    lead = crm_client_make(name="Hot lead")
    managers = [UserFactory(role="manager") for _ in range(2)]
    callers = queue.SimpleQueue()  # one API client a thread
    for manager in managers:
        callers.put(client_for(manager))

    outcomes = run_concurrently(2, lambda: callers.get_nowait().post(url(lead, "take")).status_code)

    assert sorted(outcomes) in ([200, 404], [200, 409])
    lead.refresh_from_db()
    assert str(lead.manager_id) in {str(m.pk) for m in managers}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_records_for_one_account_at_once_make_one(customer):
    admin = UserFactory(role="admin")

    def create():
        body = {"name": "Twin", "user_id": str(customer.pk)}
        return client_for(admin).post(CLIENTS, body, format="json").status_code

    outcomes = sorted(run_concurrently(4, create))

    assert outcomes == [201, 400, 400, 400]
    assert Client.objects.filter(user_id=customer.pk).count() == 1


def test_a_manager_neither_leaves_a_client_unassigned_nor_moves_a_lead_they_have_not_taken(
    manager, manager_client
):
    lead = crm_client_make(name="Pool lead")  # unassigned

    unassigned = manager_client.post(
        CLIENTS, {"name": "X", "status": "active", "manager_id": None}, format="json"
    )
    moved = manager_client.patch(url(lead), {"status": "active"}, format="json")

    assert unassigned.status_code == 403 and moved.status_code == 403
    assert not Client.objects.filter(name="X").exists()
    lead.refresh_from_db()
    assert lead.status == "lead"
    assert manager_client.patch(url(lead), {"industry": "IT"}, format="json").status_code == 200


def test_my_clients_by_latest_activity_puts_the_untouched_last(manager, manager_client):
    quiet = crm_client_make(actor=manager, name="Quiet")
    for name in ("Called", "Met"):
        client = crm_client_make(actor=manager, name=name)
        manager_client.post(
            url(client, "activity"), {"kind": "call", "summary": name}, format="json"
        )

    listed = manager_client.get(CLIENTS, {"mine": "true", "ordering": "-last_activity_at"})

    assert [c["name"] for c in listed.json()["results"]] == ["Met", "Called", "Quiet"]
    assert quiet.last_activity_at is None
