"""A partner bank's callback secret (docs/financing.md, "The bank's secret"): write-only in
the admin, where no page shows it to anyone; encrypted at rest with the webhook secrets' key,
by the migration too, and sealed again by the re-encryption command; replaced with an overlap
during which the old one still verifies the bank's callbacks, and after which only the new
one does, while our requests are signed with the new one."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from common.api.exceptions import ApplicationError
from common.encryption import secret_decrypt
from conftest import browser_for, client_for
from financing import services
from financing.banks.http import verifying_secrets
from financing.models import Bank, BankCallback, BankOffer
from financing.tests.factories import application_make, offers_url
from financing.tests.stand_in import OFFER, SECRET, StandInBank, callback, http_bank_make
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")

NEW = "the-banks-new-secret-0f3a"
CHANGELIST = reverse("admin:financing_bank_changelist")


@pytest.fixture
def stand_in():
    with StandInBank() as bank:
        yield bank


@pytest.fixture
def bank(stand_in):
    return http_bank_make(stand_in)


def change_url(bank: Bank) -> str:
    return reverse("admin:financing_bank_change", args=[bank.pk])


def secret_shown(page) -> str:
    """What the page's "callback secret" line says."""
    for fieldset in page.context["adminform"]:
        for line in fieldset:
            for field in line:
                if field.is_readonly and field.field["name"] == "secret_state":
                    return str(field.contents())
    raise AssertionError("no callback secret line")


def bank_form(**changes) -> dict:
    return {
        "name": "Form Bank",
        "legal_name": "АО «Форм Банк», ИНН 7700000042",
        "code": "form-bank",
        "adapter": "http",
        "endpoint": "https://bank.example/api",
        "timeout_seconds": "10",
        "answer_within_minutes": "1440",
        "demo_rules": "{}",
        "is_active": "on",
        "position": "0",
        "new_secret": "",
        "programmes-TOTAL_FORMS": "0",
        "programmes-INITIAL_FORMS": "0",
        **changes,
    }


def stored_row(bank: Bank) -> str:
    """Every column of the bank's row as the database holds it."""
    with connections["financing"].cursor() as cursor:
        cursor.execute("SELECT * FROM financing_bank WHERE id = %s", [bank.pk])
        return repr(cursor.fetchone())


# THE ADMIN: WRITE-ONLY
# ------------------------------------------------------------------------------
def test_no_admin_page_shows_the_secret_to_anyone(admin_user, manager, bank):
    admin, staff = browser_for(admin_user), browser_for(manager)
    bank = Bank.objects.get(pk=bank.pk)

    pages = {
        "add": admin.get(reverse("admin:financing_bank_add")),
        "change": admin.get(change_url(bank)),
        "view-only": staff.get(change_url(bank)),
        "changelist": admin.get(CHANGELIST),
        "managers' changelist": staff.get(CHANGELIST),
        "history": admin.get(reverse("admin:financing_bank_history", args=[bank.pk])),
    }

    for name, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert SECRET not in html and bank.secret_encrypted not in html, name
        assert bank.secret_encrypted[:40] not in html, name
    assert 'type="password" name="new_secret"' in pages["add"].content.decode()
    assert 'type="password" name="new_secret"' in pages["change"].content.decode()
    assert 'name="new_secret"' not in pages["view-only"].content.decode()  # managers set none
    assert secret_shown(pages["change"]).startswith("set; last set ")
    assert secret_shown(pages["view-only"]).startswith("set; last set ")
    assert secret_shown(pages["add"]) == "not set"


def test_an_admin_sets_and_replaces_the_secret_and_it_is_never_filled_back_in(admin_user, stand_in):
    admin = browser_for(admin_user)

    added = admin.post(reverse("admin:financing_bank_add"), bank_form(new_secret=SECRET))
    bank = Bank.objects.get(code="form-bank")
    kept = admin.post(change_url(bank), bank_form(name="Renamed"))
    refused = admin.post(change_url(bank), bank_form(name="", new_secret=NEW))
    padded = admin.post(change_url(bank), bank_form(new_secret=f" {NEW} "))

    assert added.status_code == 302 and kept.status_code == 302
    bank.refresh_from_db()
    assert (bank.name, bank.secret, bank.previous_secret_encrypted) == ("Renamed", SECRET, "")
    assert bank.secret_rotated_at is not None
    for page in (refused, padded):  # the form again, with its errors and its input empty
        assert page.status_code == 200 and page.context["adminform"].form.errors
        assert NEW not in page.content.decode() and SECRET not in page.content.decode()
    assert "no spaces at its ends" in padded.content.decode()

    replaced = admin.post(change_url(bank), bank_form(new_secret=NEW))

    assert replaced.status_code == 302
    bank.refresh_from_db()
    assert verifying_secrets(bank, timezone.now()) == [NEW, SECRET]
    assert SECRET not in stored_row(bank) and NEW not in stored_row(bank)


def test_a_manager_sees_a_bank_but_neither_sets_its_secret_nor_reads_it(manager, bank):
    staff = browser_for(manager)
    before = Bank.objects.get(pk=bank.pk)

    changed = staff.post(change_url(bank), bank_form(code=bank.code, new_secret=NEW))

    assert changed.status_code == 403
    after = Bank.objects.get(pk=bank.pk)
    assert after.secret_encrypted == before.secret_encrypted and after.secret == SECRET
    listed = client_for(manager).get("/api/v1/financing/banks/")
    assert listed.status_code == 200 and "secret" not in listed.content.decode()


# AT REST
# ------------------------------------------------------------------------------
def test_the_secret_is_stored_only_encrypted_with_the_webhook_secrets_key(bank):
    stored = Bank.objects.get(pk=bank.pk)

    assert SECRET not in stored_row(stored)
    assert secret_decrypt(stored.secret_encrypted) == SECRET
    columns = [f.column for f in Bank._meta.concrete_fields]
    assert "secret" not in columns  # the plain-text column is gone


def test_the_reencrypt_command_seals_the_banks_secrets_with_the_new_key_too(settings, stand_in):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.WEBHOOKS_SECRETS_KEY = [old_key]
    bank = http_bank_make(stand_in)
    services.bank_secret_set(bank_id=bank.pk, secret=NEW)

    settings.WEBHOOKS_SECRETS_KEY = [new_key, old_key]
    out = StringIO()
    call_command("integrations_secrets_reencrypt", stdout=out)  # the old name still covers all
    settings.WEBHOOKS_SECRETS_KEY = [new_key]

    stored = Bank.objects.get(pk=bank.pk)
    assert verifying_secrets(stored, timezone.now()) == [NEW, SECRET]
    assert Fernet(new_key).decrypt(stored.secret_encrypted.encode()).decode() == NEW
    assert Fernet(new_key).decrypt(stored.previous_secret_encrypted.encode()).decode() == SECRET
    assert "Encrypted again: 1 (financing)." in out.getvalue()
    assert "(integrations)" in out.getvalue()


@pytest.mark.django_db(transaction=True, databases=["financing"])
def test_the_migration_encrypts_the_secrets_stored_in_plain_text():
    connection = connections["financing"]
    before = ("financing", "0015_credit_discounts_announced")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old_apps = executor.loader.project_state([before]).apps
        old_apps.get_model("financing", "Bank").objects.using("financing").create(
            name="Legacy", legal_name="Legacy", code="legacy", adapter="http", secret=SECRET
        )
        old_apps.get_model("financing", "Bank").objects.using("financing").create(
            name="Manual", legal_name="Manual", code="manual", adapter="manual"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("financing"))

    legacy, manual = Bank.objects.get(code="legacy"), Bank.objects.get(code="manual")
    assert legacy.secret == SECRET and SECRET not in stored_row(legacy)
    assert (manual.secret_encrypted, manual.secret) == ("", "")


# ROTATION
# ------------------------------------------------------------------------------
def ask(customer, bank, run_on_commit) -> BankOffer:
    order = order_make(customer, (vehicle_make(price="1000000.00", make="Lada", year=2026), 1))
    application = application_make(customer, order)
    with run_on_commit():
        response = client_for(customer).post(
            offers_url(application), {"banks": [str(bank.pk)], "consent": True}, format="json"
        )
    assert response.status_code == 201, response.json()
    return BankOffer.objects.get(application=application)


def test_the_old_secret_verifies_within_the_overlap_and_not_after_it_and_we_sign_with_the_new(
    api_client, customer, bank, stand_in, run_on_commit, settings
):
    settings.FINANCING_BANK_SECRET_OVERLAP_HOURS = 24
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.bank_secret_set(bank_id=bank.pk, secret=NEW)
        stand_in.secret = NEW  # the bank checks our requests with the new one
        offer = ask(customer, bank, run_on_commit)

        def answer(number: int, secret: str):
            body = {**OFFER, "id": f"cb-{number}", "offer_id": str(offer.pk)}
            return callback(api_client, bank, body, secret=secret)

        clock.shift(timedelta(hours=23, minutes=59))
        old_within = answer(1, SECRET)
        new_within = answer(2, NEW)
        clock.shift(timedelta(minutes=2))
        old_after = answer(3, SECRET)
        new_after = answer(4, NEW)

    assert stand_in.received[0][0] == "/applications" and stand_in.received[0][2] is True
    assert [r.status_code for r in (old_within, new_within, new_after)] == [200] * 3
    assert old_after.status_code == 401
    assert old_after.json()["error"]["code"] == "callback_refused"
    offer.refresh_from_db()
    assert offer.status == "offered"
    assert sorted(BankCallback.objects.values_list("callback_id", flat=True)) == [
        "cb-1",
        "cb-2",
        "cb-4",
    ]


def test_only_the_latest_two_verify_and_no_overlap_ends_the_old_one_at_once(bank, settings):
    services.bank_secret_set(bank_id=bank.pk, secret="second")
    third = services.bank_secret_set(bank_id=bank.pk, secret="third")
    settings.FINANCING_BANK_SECRET_OVERLAP_HOURS = 0
    fourth = services.bank_secret_set(bank_id=bank.pk, secret="fourth")

    assert verifying_secrets(third, timezone.now()) == ["third", "second"]
    stored = Bank.objects.get(pk=bank.pk)
    assert verifying_secrets(stored, timezone.now()) == ["fourth"] == [fourth.secret]
    assert (stored.previous_secret_encrypted, stored.previous_secret_expires_at) == ("", None)


def test_an_unusable_secret_is_refused_and_the_current_one_kept(bank):
    with pytest.raises(ApplicationError) as refused:
        services.bank_secret_set(bank_id=bank.pk, secret="  ")

    assert refused.value.code == "bank_secret_invalid"
    assert Bank.objects.get(pk=bank.pk).secret == SECRET
