"""The security review of the documents (docs/documents.md, "Requisites", "Templates",
"When"): the seller's requisites change only under four eyes, by staff allowed to, and an
issued invoice keeps the account it was made with; a template's CSS fetches nothing; an offer
asked for many times at once is made once."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from documents import rendering, selectors, services
from documents.models import Document, DocumentTemplate, LegalEntity, RequisitesChange
from documents.tests.factories import SELLER, legal_entity_make, text_of
from orders.tests.factories import order_make, vehicle_make
from tests.loopback import recording_stylesheet_server

pytestmark = pytest.mark.django_db(databases="__all__")

NEW_ACCOUNT = "40702810538000054321"  # its key over the BIK 044525225 holds
NEW = {
    "inn": SELLER["inn"],
    "kpp": SELLER["kpp"],
    "bank_name": SELLER["bank_name"],
    "bik": SELLER["bik"],
    "account": NEW_ACCOUNT,
    "correspondent_account": SELLER["correspondent_account"],
}


def keeper(**fields):
    """A staff member allowed to change the requisites, without being a superuser."""
    user = UserFactory(role="manager", **fields)
    user.user_permissions.add(Permission.objects.get(codename="change_requisites"))
    return type(user).objects.get(pk=user.pk)  # a fresh one: Django caches permissions


@pytest.fixture
def entity():
    return legal_entity_make()


@pytest.fixture
def order(customer, entity):
    return order_make(customer, (vehicle_make(price="2100000.00"), 1))


# REQUISITES
# ------------------------------------------------------------------------------
def test_managers_do_not_hold_the_requisites_permission_and_admins_do(manager, admin_user):
    assert not manager.has_perm("documents.change_requisites")
    assert admin_user.has_perm("documents.change_requisites")
    assert manager.has_perm("documents.change_legalentity")  # the rest of the entity, still


def test_a_manager_cannot_propose_new_requisites(manager, entity):
    with pytest.raises(ApplicationError) as refused:
        services.requisites_change_propose(legal_entity_id=entity.pk, values=NEW, user=manager)

    assert refused.value.code == "requisites_not_permitted"
    assert refused.value.http_status == 403
    assert RequisitesChange.objects.using("documents").count() == 0


def test_a_change_applies_only_when_a_second_holder_confirms_it_and_every_holder_is_told(
    entity, django_capture_on_commit_callbacks
):
    first, second = keeper(email="first@example.com"), keeper(email="second@example.com")
    UserFactory(role="admin", email="boss@example.com")
    UserFactory(role="manager", email="manager@example.com")

    with django_capture_on_commit_callbacks(using="documents", execute=True):
        change = services.requisites_change_propose(
            legal_entity_id=entity.pk, values=NEW, user=first
        )
    entity.refresh_from_db()
    assert entity.account == SELLER["account"]  # not yet
    proposed = sorted(m.to[0] for m in mail.outbox)
    assert proposed == ["boss@example.com", "first@example.com", "second@example.com"]
    assert all(NEW_ACCOUNT in m.body and SELLER["account"] in m.body for m in mail.outbox)

    with pytest.raises(ApplicationError) as own:
        services.requisites_change_confirm(change_id=change.pk, user=first)
    assert own.value.code == "own_record" and own.value.http_status == 403
    entity.refresh_from_db()
    assert entity.account == SELLER["account"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(using="documents", execute=True):
        services.requisites_change_confirm(change_id=change.pk, user=second, values=NEW)

    entity.refresh_from_db()
    change.refresh_from_db()
    assert entity.account == NEW_ACCOUNT
    assert (change.status, change.proposed_by_id, change.confirmed_by_id) == (
        "applied",
        first.pk,
        second.pk,
    )
    assert change.proposed_at <= change.confirmed_at
    assert sorted(m.to[0] for m in mail.outbox) == proposed
    assert all("changed" in m.subject or "изменены" in m.subject for m in mail.outbox)


def test_a_confirmation_of_other_values_or_of_a_decided_proposal_is_refused(entity):
    first, second = keeper(), keeper()
    change = services.requisites_change_propose(legal_entity_id=entity.pk, values=NEW, user=first)

    with pytest.raises(ApplicationError) as mismatch:
        services.requisites_change_confirm(
            change_id=change.pk, user=second, values={**NEW, "account": SELLER["account"]}
        )
    services.requisites_change_reject(change_id=change.pk, user=second)
    with pytest.raises(ApplicationError) as decided:
        services.requisites_change_confirm(change_id=change.pk, user=second)

    assert mismatch.value.code == "requisites_change_mismatch"
    assert decided.value.code == "requisites_change_decided"
    entity.refresh_from_db()
    assert entity.account == SELLER["account"]


def test_invalid_requisites_and_a_second_pending_proposal_are_refused(entity):
    first = keeper()

    with pytest.raises(ApplicationError) as invalid:
        services.requisites_change_propose(
            legal_entity_id=entity.pk, values={**NEW, "account": "40702810538000054322"}, user=first
        )
    services.requisites_change_propose(legal_entity_id=entity.pk, values=NEW, user=first)
    with pytest.raises(ApplicationError) as pending:
        services.requisites_change_propose(
            legal_entity_id=entity.pk, values={**NEW, "kpp": "770201002"}, user=first
        )

    assert invalid.value.code == "requisites_invalid" and "account" in invalid.value.details
    assert pending.value.code == "requisites_change_pending"
    assert RequisitesChange.objects.using("documents").count() == 1


def test_an_issued_invoice_keeps_the_account_it_was_made_with(order, entity):
    invoice = services.document_generate(kind="invoice", order_id=order.pk)
    first, second = keeper(), keeper()
    change = services.requisites_change_propose(legal_entity_id=entity.pk, values=NEW, user=first)
    services.requisites_change_confirm(change_id=change.pk, user=second)

    issued = Document.objects.using("documents").get(pk=invoice.pk)
    later = services.document_generate(kind="invoice", order_id=order.pk)

    assert issued.facts["seller"]["account"] == SELLER["account"]
    assert f"PersonalAcc={SELLER['account']}|" in issued.facts["qr"]["payload"]
    assert SELLER["account"] in text_of(issued) and NEW_ACCOUNT not in text_of(issued)
    assert f"PersonalAcc={NEW_ACCOUNT}|" in later.facts["qr"]["payload"]


def test_in_the_admin_a_manager_cannot_change_the_account_and_holders_propose_and_confirm(
    manager, entity
):
    browser = Client()
    browser.force_login(manager)
    url = f"/admin/documents/legalentity/{entity.pk}/change/"
    form = {
        field: value
        for field, value in {**SELLER, "is_default": "on"}.items()
        if field not in ("account",)
    }

    edited = browser.post(url, {**form, "account": "40702810538000054321", "is_default": "on"})

    assert edited.status_code in (200, 302)
    entity.refresh_from_db()
    assert entity.account == SELLER["account"]
    assert browser.get("/admin/documents/requisiteschange/add/").status_code == 403

    first, second = Client(), Client()
    first_user, second_user = keeper(), keeper()
    first.force_login(first_user)
    second.force_login(second_user)
    add = "/admin/documents/requisiteschange/add/"
    assert NEW["bik"] in first.get(add, {"legal_entity": entity.pk}).content.decode()
    made = first.post(add, {"legal_entity": entity.pk, **NEW})
    assert made.status_code == 302, made.content.decode()[:3000]
    change = RequisitesChange.objects.using("documents").get()
    listing = "/admin/documents/requisiteschange/"
    own = first.post(
        listing,
        {"action": "confirmed", "_selected_action": [str(change.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "другой сотрудник" in own.content.decode()
    entity.refresh_from_db()
    assert entity.account == SELLER["account"]

    second.post(listing, {"action": "confirmed", "_selected_action": [str(change.pk)]})

    entity.refresh_from_db()
    change.refresh_from_db()
    assert (entity.account, change.status, change.confirmed_by_id) == (
        NEW_ACCOUNT,
        "applied",
        second_user.pk,
    )
    for page in (listing, f"{listing}{change.pk}/change/", url):
        shown = browser.get(page, HTTP_ACCEPT_LANGUAGE="ru")
        assert shown.status_code == 200, page
    assert NEW_ACCOUNT in browser.get(f"{listing}{change.pk}/change/").content.decode()


def _entity_form(**fields) -> dict:
    """The legal entity's admin form as a browser posts it: a second showroom, paid to an
    account of its own."""
    return {
        **SELLER,
        "showroom": "Салон на Ленина",
        "short_name": "ООО «Автосалон Восток»",
        "account": NEW_ACCOUNT,
        **fields,
    }


def test_a_new_legal_entity_signs_nothing_until_a_second_holder_confirms_it(
    entity, django_capture_on_commit_callbacks
):
    """The review's gap: one holder alone added an entity with their account and made it the
    one that signs, so the next invoice's QR code paid them."""
    first_user = keeper(email="first@example.com")
    second_user = keeper(email="second@example.com")
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    listing = "/admin/documents/legalentity/"

    with django_capture_on_commit_callbacks(using="documents", execute=True):
        added = first.post(f"{listing}add/", _entity_form(is_default="on"))

    assert added.status_code == 302, added.content.decode()[:3000]
    new = LegalEntity.objects.using("documents").get(showroom="Салон на Ленина")
    assert (new.is_default, new.added_by_id, new.confirmed_at) == (False, first_user.pk, None)
    assert selectors.legal_entity_default().pk == entity.pk
    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.com", "second@example.com"]
    assert all(NEW_ACCOUNT in m.body for m in mail.outbox)

    # Its adder can neither make it sign (the box is read only) nor confirm it.
    change = f"{listing}{new.pk}/change/"
    first.post(change, {**_entity_form(), "is_default": "on"})
    own = first.post(
        listing,
        {"action": "requisites_confirmed", "_selected_action": [str(new.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "другой сотрудник" in own.content.decode()
    new.refresh_from_db()
    assert (new.is_default, new.confirmed_at) == (False, None)
    new.is_default = True
    with pytest.raises(IntegrityError), transaction.atomic(using="documents"):
        new.save(using="documents", update_fields=["is_default"])  # nor may anything else

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(using="documents", execute=True):
        second.post(listing, {"action": "requisites_confirmed", "_selected_action": [str(new.pk)]})

    new.refresh_from_db()
    assert (new.confirmed_by_id, new.added_by_id) == (second_user.pk, first_user.pk)
    assert new.confirmed_at is not None
    assert all("confirmed" in m.subject or "подтверждены" in m.subject for m in mail.outbox)
    # Confirmed, it may be chosen to sign: the old one let go first (one signs at a time).
    first.post(f"{listing}{entity.pk}/change/", {**SELLER})
    first.post(change, {**_entity_form(), "is_default": "on"})
    assert selectors.legal_entity_default().pk == new.pk
    assert selectors.legal_entity_default().account == NEW_ACCOUNT


def test_a_legal_entity_is_confirmed_once_by_a_holder_only(manager):
    first, second = keeper(), keeper()
    new = services.legal_entity_add(entity=LegalEntity(**_entity_form()), user=first)

    with pytest.raises(ApplicationError) as not_holder:
        services.legal_entity_confirm(legal_entity_id=new.pk, user=manager)
    services.legal_entity_confirm(legal_entity_id=new.pk, user=second)
    with pytest.raises(ApplicationError) as again:
        services.legal_entity_confirm(legal_entity_id=new.pk, user=first)
    with pytest.raises(ApplicationError) as adding:
        services.legal_entity_add(entity=LegalEntity(**_entity_form(showroom="Ещё")), user=manager)

    assert (not_holder.value.code, not_holder.value.http_status) == (
        "requisites_not_permitted",
        403,
    )
    assert again.value.http_status == 409
    assert adding.value.http_status == 403
    assert LegalEntity.objects.using("documents").get(pk=new.pk).confirmed_by_id == second.pk
    assert not LegalEntity.objects.using("documents").filter(showroom="Ещё").exists()


# STYLESHEETS
# ------------------------------------------------------------------------------
@pytest.fixture
def listener():
    """A local HTTP server that records every request it is sent."""
    with recording_stylesheet_server() as recorded:
        yield recorded


def test_a_templates_css_imports_nothing_from_the_disk_or_the_network(tmp_path, listener):
    server, asked = listener
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "TOPSECRET-42" }')
    css = (
        f'@import url("file://{secret}");\n'
        f'@import "http://127.0.0.1:{server.server_port}/steal.css";\n'
        f'p {{ background: url("http://127.0.0.1:{server.server_port}/pixel.png") }}'
    )

    pdf = rendering.pdf_render(
        html="<p>{{ order.total }}</p>", css=css, facts={"order": {"total": "1"}}, language="ru"
    )

    assert pdf.startswith(b"%PDF")
    assert asked == []
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "TOPSECRET" not in text


@pytest.mark.parametrize(
    "css",
    [
        '@import "file:///etc/passwd";',
        "@\\69mport url(http://127.0.0.1:9/x.css);",
        "p { background: url(http://127.0.0.1:9/x.png) }",
        '@font-face { font-family: x; src: url("file:///etc/hostname") }',
    ],
)
def test_a_template_whose_css_names_an_address_is_refused_on_save(css):
    before = DocumentTemplate.objects.using("documents").count()

    with pytest.raises(ApplicationError) as refused:
        services.template_version_create(
            kind="offer", language="ru", html="<p>{{ order.total }}</p>", css=css, user=None
        )

    assert refused.value.code == "document_template_css_refused"
    assert refused.value.http_status == 400
    assert DocumentTemplate.objects.using("documents").count() == before


def test_a_data_address_in_css_is_kept(entity):
    made = services.template_version_create(
        kind="offer",
        language="ru",
        html="<p>{{ order.total }}</p>",
        css="p { background: url(data:image/png;base64,iVBORw0KGgo=) }",
        user=None,
    )
    assert selectors.template_current(kind="offer", language="ru") == made


def test_the_admin_refuses_an_import_in_a_templates_css(admin_user):
    browser = Client()
    browser.force_login(admin_user)
    current = selectors.template_current(kind="offer", language="ru")

    refused = browser.post(
        "/admin/documents/documenttemplate/add/",
        {
            "kind": "offer",
            "language": "ru",
            "html": current.html,
            "css": '@import "file:///etc/passwd";',
            "note": "x",
        },
    )

    assert refused.status_code == 200 and "@import" in refused.content.decode()
    assert selectors.template_current(kind="offer", language="ru") == current


# THE OFFER ASKED FOR AGAIN
# ------------------------------------------------------------------------------
def test_the_offer_asked_again_is_the_same_until_what_it_states_changes(customer, order):
    api = client_for(customer)
    url = f"/api/v1/orders/{order.pk}/documents/"

    first = api.post(url, {"kind": "offer"})
    again = api.post(url, {"kind": "offer"})
    services.template_version_create(
        kind="offer",
        language="ru",
        html=selectors.template_current(kind="offer", language="ru").html + "<p>v2</p>",
        user=None,
    )
    changed = api.post(url, {"kind": "offer"})

    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != changed.json()["id"]
    assert changed.json()["supersedes"] == first.json()["id"]
    assert Document.objects.using("documents").filter(order_id=order.pk).count() == 2


def test_new_offers_of_an_order_are_limited_per_hour(customer, order, settings):
    settings.DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR = 2
    api = client_for(customer)
    url = f"/api/v1/orders/{order.pk}/documents/"
    html = selectors.template_current(kind="offer", language="ru").html
    statuses = []
    for version in range(3):  # a new template each time: each would be a new offer
        services.template_version_create(
            kind="offer", language="ru", html=f"{html}<p>{version}</p>", user=None
        )
        statuses.append(api.post(url, {"kind": "offer"}))

    assert [r.status_code for r in statuses] == [201, 201, 429]
    assert statuses[2].json()["error"]["code"] == "document_offer_limit"
    assert Document.objects.using("documents").filter(order_id=order.pk).count() == 2


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_twenty_requests_for_the_offer_at_once_make_one_document():
    legal_entity_make()
    customer = UserFactory(role="client")
    order = order_make(customer, (vehicle_make(price="1500000.00"), 1))
    url = f"/api/v1/orders/{order.pk}/documents/"

    responses = run_concurrently(20, lambda: client_for(customer).post(url, {"kind": "offer"}))

    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Document.objects.using("documents").filter(order_id=order.pk).count() == 1
    assert Decimal(
        Document.objects.using("documents").get(order_id=order.pk).facts["order"]["total"]
    ) == Decimal("1500000.00")
