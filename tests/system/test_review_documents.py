"""The documents' security review replayed against the served site, as an attacker would
(docs/documents.md, "Requisites", "Templates", "When"): a manager editing the seller's bank
account in the admin changes nothing; a template's CSS that imports a local file and a local
address fetches neither; twenty requests at once for an order's offer make one document."""

import contextlib
import io
import re

import httpx
import pytest
from pypdf import PdfReader

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import run_concurrently
from documents.defaults import shipped_load
from documents.models import Document, DocumentTemplate, LegalEntity
from documents.tests.factories import SELLER, legal_entity_make
from orders.tests.factories import order_make, vehicle_make
from tests.feeds import bearer
from tests.loopback import recording_stylesheet_server

pytestmark = [
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

ATTACKER_ACCOUNT = "40702810538000054321"


def signed_in(server, user) -> httpx.Client:
    """An admin session of `user`, signed in through the login form as a browser would."""
    http = httpx.Client(base_url=server.url, timeout=60, follow_redirects=True)
    form = http.get("/admin/login/")
    done = http.post(
        "/admin/login/?next=/admin/",
        data={
            "username": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
        headers={"Referer": str(form.url)},
    )
    assert done.url.path == "/admin/", done.text[:2000]
    return http


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:2000]
    return found[1]


def test_a_manager_editing_the_bank_account_in_the_admin_changes_nothing(server):
    entity = legal_entity_make()
    manager = UserFactory(role="manager")
    url = f"/admin/documents/legalentity/{entity.pk}/change/"

    with contextlib.closing(signed_in(server, manager)) as http:
        page = http.get(url)
        assert page.status_code == 200
        posted = http.post(
            url,
            data={
                **SELLER,
                "is_default": "on",
                "account": ATTACKER_ACCOUNT,
                "bik": "044525974",
                "csrfmiddlewaretoken": csrf_of(page),
            },
            headers={"Referer": f"{server.url}{url}"},
        )
        proposal = http.get("/admin/documents/requisiteschange/add/")

    assert posted.status_code == 200
    assert proposal.status_code == 403
    entity.refresh_from_db()
    assert (entity.account, entity.bik) == (SELLER["account"], SELLER["bik"])
    assert 'name="account"' not in page.text  # the account is no input of the form


@pytest.fixture
def listener():
    """A local HTTP server that records every request it is sent."""
    with recording_stylesheet_server() as recorded:
        yield recorded


def test_a_templates_css_importing_a_file_and_a_local_address_fetches_nothing(
    server, tmp_path, listener
):
    local, asked = listener
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "TOPSECRET-FROM-DISK" }')
    css = f'@import url("file://{secret}");\n@import "http://127.0.0.1:{local.server_port}/x.css";'
    legal_entity_make()
    admin = UserFactory(role="admin")
    customer = UserFactory(role="client")
    order = order_make(customer, (vehicle_make(price="1500000.00"), 1))
    add = "/admin/documents/documenttemplate/add/"

    with contextlib.closing(signed_in(server, admin)) as http:
        form = http.get(add, params={"kind": "offer", "language": "ru"})
        current = DocumentTemplate.objects.filter(kind="offer", language="ru").latest("version")
        refused = http.post(
            add,
            data={
                "kind": "offer",
                "language": "ru",
                "html": current.html,
                "css": css,
                "note": "import",
                "csrfmiddlewaretoken": csrf_of(form),
            },
            headers={"Referer": f"{server.url}{add}"},
        )
    assert refused.status_code == 200 and "errornote" in refused.text
    assert DocumentTemplate.objects.filter(kind="offer", language="ru").latest("version") == current

    # A version stored before the check (or written to the database by other means) is
    # rendered by the site with the fetcher that reads data: addresses only.
    shipped_load(DocumentTemplate, using="documents")
    DocumentTemplate.objects.create(
        kind="offer", language="ru", version=current.version + 1, html=current.html, css=css
    )
    made = httpx.post(
        f"{server.url}/api/v1/orders/{order.pk}/documents/",
        json={"kind": "offer"},
        headers=bearer(customer),
        timeout=60,
    )
    assert made.status_code == 201, made.text
    pdf = httpx.get(f"{server.url}{made.json()['url']}", headers=bearer(customer), timeout=60)

    assert asked == []
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "TOPSECRET" not in text and "FETCHED" not in text
    assert Document.objects.get(pk=made.json()["id"]).template.css == css


def test_twenty_requests_at_once_for_the_offer_make_one_document(server):
    legal_entity_make()
    customer = UserFactory(role="client")
    order = order_make(customer, (vehicle_make(price="1500000.00"), 1))
    headers = bearer(customer)

    def ask():
        return httpx.post(
            f"{server.url}/api/v1/orders/{order.pk}/documents/",
            json={"kind": "offer"},
            headers=headers,
            timeout=120,
        )

    responses = run_concurrently(20, ask)

    # Past the document requests' rate limit (THROTTLE_RATE_DOCUMENT) the rest are 429s;
    # of those answered, one made the offer and the others got that one.
    statuses = sorted(r.status_code for r in responses)
    answered = [r for r in responses if r.status_code in (200, 201)]
    assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 429}, [
        r.text[:300] for r in responses if r.status_code not in (200, 201, 429)
    ]
    assert len({r.json()["id"] for r in answered}) == 1
    assert Document.objects.filter(order_id=order.pk, kind="offer").count() == 1
    assert LegalEntity.objects.get().account == SELLER["account"]
