"""The CRM in the admin: clients and contacts created and edited there emit the API's events,
what the services refuse is a form error, the client list finds, narrows and exports, and a
CSV file is imported after a preview of its rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import browser_for, chose_english
from crm import services
from crm.choices import ClientStatus
from crm.models import Client, Contact, OutboxEvent
from crm.tests.factories import crm_client_make

pytestmark = pytest.mark.django_db(databases="__all__")


def _outbox(type_: str, client: Client) -> list[dict]:
    rows = OutboxEvent.objects.filter(type=type_, aggregate_id=str(client.pk))
    return [row.payload for row in rows]


def _client_form(**changes) -> dict:
    form = {
        "type": "individual",
        "name": "Irina Volkova",
        "status": ClientStatus.LEAD,
        "source": "walk_in",
        "user_id": "",
        "industry": "",
        "description": "",
        "tax_id": "",
        "email": "Irina@Example.com",
        "phone": "+79167770011",
        # The contacts inline, empty.
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def test_a_manager_records_a_lead_in_the_admin_and_client_created_goes_out(manager):
    response = browser_for(manager).post(
        reverse("admin:crm_client_add"), _client_form(manager_id=str(manager.pk))
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    client = Client.objects.get(name="Irina Volkova")
    assert client.manager_id == manager.pk
    assert client.email == "irina@example.com"  # normalised as through the API
    assert [p["source"] for p in _outbox("client.created", client)] == ["walk_in"]
    assert Client.objects.filter(name="Irina Volkova").count() == 1  # the dry run kept none


def test_an_edit_in_the_admin_emits_client_updated_with_what_changed(manager):
    client = crm_client_make(actor=manager, name="Irina Volkova", phone="+79167770011")
    form = _client_form(
        manager_id=str(manager.pk),
        status=ClientStatus.ACTIVE,
        email="",
        **{"contacts-INITIAL_FORMS": "0"},
    )

    response = browser_for(manager).post(reverse("admin:crm_client_change", args=[client.pk]), form)

    assert response.status_code == 302, response.content.decode()[:3000]
    client.refresh_from_db()
    assert (client.status, client.source) == (ClientStatus.ACTIVE, "walk_in")
    [payload] = _outbox("client.updated", client)
    assert set(payload["changed"]) == {"status", "source"}


def test_what_the_service_refuses_is_a_form_error_and_nothing_is_saved(manager):
    """Only an admin assigns a client to someone else (the API's rule)."""
    colleague = UserFactory(role="manager", full_name="Pavel Smirnov")

    response = browser_for(manager).post(
        reverse("admin:crm_client_add"), _client_form(manager_id=str(colleague.pk))
    )

    assert response.status_code == 200
    assert "Only an admin assigns a client to someone else." in response.content.decode()
    assert not Client.objects.filter(name="Irina Volkova").exists()
    assert not OutboxEvent.objects.filter(type="client.created").exists()


def test_the_api_validation_applies_in_the_admin(admin_user):
    response = browser_for(admin_user).post(
        reverse("admin:crm_client_add"), _client_form(manager_id="", tax_id="7707083893")
    )

    assert response.status_code == 200
    assert "A person&#x27;s tax id has 12 digits." in response.content.decode()
    assert not Client.objects.filter(name="Irina Volkova").exists()


def test_a_contact_added_in_the_admin_emits_contact_added(admin_user):
    client = crm_client_make(name="Fleet Ltd", type="organization")

    response = browser_for(admin_user).post(
        reverse("admin:crm_contact_add"),
        {
            "client": str(client.pk),
            "name": "Olga",
            "role": "Fleet manager",
            "phone": "",
            "email": "olga@fleet.example",
            "preferred_channel": "email",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(client=client)
    assert contact.email == "olga@fleet.example"
    [payload] = _outbox("client.contact.added", client)
    assert payload["id"] == str(contact.pk)


def test_the_client_list_finds_by_contact_phone_and_narrows_by_date(admin_user):
    fleet = crm_client_make(name="Fleet Ltd", type="organization")
    crm_client_make(name="Walk-in Ivanov")
    services.contact_add(client_id=fleet.pk, name="Olga", phone="+79161234567")
    old = crm_client_make(name="Old lead")
    Client.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    url = reverse("admin:crm_client_changelist")
    pages = browser_for(admin_user)

    found = pages.get(url, {"q": "+79161234567"}).content.decode()
    assert "Fleet Ltd" in found and "Walk-in Ivanov" not in found

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = pages.get(url, {"created_at__range__gte": since}).content.decode()
    assert "Fleet Ltd" in recent and "Old lead" not in recent


def test_the_client_list_exports_its_filtered_rows_as_csv_and_xlsx(admin_user, manager):
    chose_english(admin_user)  # the columns below are read in English
    crm_client_make(actor=manager, name="Irina Volkova", status="active", tags=["fleet"])
    crm_client_make(name="Walk-in Ivanov")
    pages = browser_for(admin_user)
    url = f"{reverse('admin:crm_client_export')}?status__exact=active"
    fields = ("name", "status", "manager", "tags")
    form = {f"clientresource_{name}": "on" for name in fields}

    export = pages.post(url, {**form, "format": "0"})

    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "status", "manager", "tags"],
        ["Irina Volkova", "Active", manager.full_name, "fleet"],
    ]
    xlsx = pages.post(url, {**form, "format": "1"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"  # a zip: an XLSX workbook


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("clients.csv", text.encode(), content_type="text/csv")


def test_the_import_previews_the_rows_then_imports_them_once_confirmed(admin_user):
    crm_client_make(name="Known", email="known@example.com")
    text = (
        "name,email,phone,tags\n"
        "Anna Petrova,anna@example.com,+79160000001,import;fleet\n"
        "Again known,known@example.com,,\n"
        "Bad phone,,12345,\n"
        "Sergey Lebedev,sergey@example.com,,\n"
    )
    pages = browser_for(admin_user)
    url = reverse("admin:crm_client_import")

    preview = pages.post(url, {"file": _upload(text), "manager_id": ""})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Anna Petrova" in page and "Sergey Lebedev" in page
    assert "has a client with it already" in page  # line 3
    assert not Client.objects.filter(name="Anna Petrova").exists()  # nothing yet

    confirmed = pages.post(url, {"confirm": "1", "text": text, "manager_id": ""})

    assert confirmed.status_code == 302
    anna = Client.objects.get(name="Anna Petrova")
    assert anna.source == "import"
    assert sorted(tag.name for tag in anna.tags.all()) == ["fleet", "import"]
    assert Client.objects.filter(name="Sergey Lebedev").exists()
    assert not Client.objects.filter(name__in=["Again known", "Bad phone"]).exists()
    assert len(_outbox("client.created", anna)) == 1


def test_a_managers_import_is_their_own(manager):
    text = "name,email\nAnna Petrova,anna@example.com\n"

    response = browser_for(manager).post(
        reverse("admin:crm_client_import"), {"confirm": "1", "text": text, "manager_id": ""}
    )

    assert response.status_code == 302
    assert Client.objects.get(name="Anna Petrova").manager_id == manager.pk


def test_a_person_link_from_another_app_opens_their_crm_record(admin_user, customer):
    client = crm_client_make(name="Linked customer", user_id=customer.pk)
    crm_client_make(name="Someone else")

    page = browser_for(admin_user).get(
        reverse("admin:crm_client_changelist"), {"user_id": str(customer.pk)}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert client.name in html and "Someone else" not in html


def test_a_contact_edited_in_the_admin_emits_contact_updated_naming_what_changed(admin_user):
    client = crm_client_make(name="Fleet Ltd", type="organization")
    contact = services.contact_add(client_id=client.pk, name="Olga", phone="+79161234567")
    form = {
        "name": "Olga Smirnova",
        "role": "",
        "phone": "+79161234567",
        "email": "olga@fleet.example",
        "preferred_channel": "phone",
    }

    response = browser_for(admin_user).post(
        reverse("admin:crm_contact_change", args=[contact.pk]), form
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Olga Smirnova", "olga@fleet.example")
    [payload] = _outbox("client.contact.updated", client)
    assert set(payload["changed"]) == {"name", "email"}
    assert "olga@fleet.example" not in str(payload)  # how to reach them stays in the CRM


def test_a_contact_left_unreachable_is_refused_as_through_the_api(admin_user):
    client = crm_client_make(name="Fleet Ltd", type="organization")
    contact = services.contact_add(client_id=client.pk, name="Olga", phone="+79161234567")
    form = {"name": "Olga", "role": "", "phone": "", "email": "", "preferred_channel": "phone"}

    response = browser_for(admin_user).post(
        reverse("admin:crm_contact_change", args=[contact.pk]), form
    )

    assert response.status_code == 200
    assert "a contact must be reachable" in response.content.decode()
    contact.refresh_from_db()
    assert str(contact.phone) == "+79161234567"
    assert not _outbox("client.contact.updated", client)
