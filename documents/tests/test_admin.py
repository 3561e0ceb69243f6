"""The admin's side of the documents: a template's new version is written from the current
one, checked, previewed as a PDF, and used by the next document while the earlier documents
keep theirs; a document is generated again from its list."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from documents import rendering, selectors, services
from documents.tests.factories import legal_entity_make
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")

ADD = "/admin/documents/documenttemplate/add/"


@pytest.fixture
def admin_browser():
    browser = Client()
    browser.force_login(UserFactory(role="admin"))
    return browser


@pytest.fixture
def order(customer):
    legal_entity_make()
    return order_make(customer, (vehicle_make(price="2100000.00"), 1))


def test_a_new_template_version_is_previewed_and_used_by_the_next_document_only(
    admin_browser, order
):
    before = services.document_generate(kind="sale_contract", order_id=order.pk)
    current = selectors.template_current(kind="sale_contract", language="ru")
    form = admin_browser.get(ADD, {"kind": "sale_contract", "language": "ru"})
    assert "Договор купли-продажи" in form.content.decode()  # prefilled from the current one

    saved = admin_browser.post(
        ADD,
        {
            "kind": "sale_contract",
            "language": "ru",
            "html": current.html.replace("1. Предмет договора", "1. Предмет настоящего договора"),
            "css": current.css,
            "note": "Раздел 1 переименован",
        },
    )

    assert saved.status_code == 302, saved.content.decode()[:2000]
    new = selectors.template_current(kind="sale_contract", language="ru")
    assert new.version == current.version + 1
    preview = admin_browser.get(f"/admin/documents/documenttemplate/{new.pk}/preview/")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    after = services.document_generate(kind="sale_contract", order_id=order.pk)
    before.refresh_from_db()
    assert (before.template_id, after.template_id) == (current.pk, new.pk)


def test_a_template_that_does_not_render_is_refused_and_no_version_is_made(admin_browser):
    current = selectors.template_current(kind="invoice", language="ru")

    refused = admin_browser.post(
        ADD,
        {"kind": "invoice", "language": "ru", "html": "{% if order %}unclosed", "note": "broken"},
    )

    assert refused.status_code == 200
    assert "errornote" in refused.content.decode() or "errorlist" in refused.content.decode()
    assert selectors.template_current(kind="invoice", language="ru") == current


def test_a_template_fetches_nothing_from_the_network_or_the_disk(order):
    services.template_version_create(
        kind="offer",
        language="ru",
        html='<img src="file:///etc/passwd"><img src="http://169.254.169.254/">{{ order.total }}',
        user=None,
    )
    document = services.document_generate(kind="offer", order_id=order.pk)

    with document.file.open("rb") as file:
        pages = PdfReader(io.BytesIO(file.read())).pages
    assert [image for page in pages for image in page.images] == []
    with pytest.raises(ValueError, match="disallowed protocol"):
        rendering.data_only_fetcher().fetch("file:///etc/passwd")


def test_staff_generate_a_document_again_from_its_list(admin_browser, order):
    first = services.document_generate(kind="offer", order_id=order.pk)

    admin_browser.post(
        "/admin/documents/document/",
        {"action": "generated_again", "_selected_action": [str(first.pk)]},
    )

    current = selectors.document_current(kind="offer", order_id=order.pk)
    assert current.supersedes_id == first.pk
