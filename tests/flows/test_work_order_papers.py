"""The work order's papers (docs/service.md, "Papers"): the acceptance act with the car's state
and photos and the work order when the customer signs, the completion act with who did each
job and the warranty when the work is done; numbered PDFs of the showroom's legal entity,
made once however often the event comes, and opened by their customer only."""

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from conftest import client_for
from documents.models import Document
from service import services
from service.choices import Channel
from service.models import AcceptancePhoto, WorkOrder
from service.tests.factories import service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk], full_name="Пётр Мастеров")


@pytest.fixture
def customer():
    return UserFactory(role="client", language="ru")


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 30, 30)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "bumper.jpg"
    return buffer


def papers(work_order) -> dict[str, Document]:
    current = Document.objects.filter(order_id=work_order.pk, superseded_by__isnull=True)
    return {document.kind: document for document in current}


def accepted(advisor, customer, showroom) -> WorkOrder:
    """Taken in with its state written down and a photo of the bumper, then signed."""
    work_order = work_order_make(advisor, customer, showroom)
    api = client_for(advisor)
    answer = api.patch(
        f"/api/v1/service/work-orders/{work_order.pk}/",
        {"completeness": "Два ключа, запаска", "damage": "Скол на бампере", "fuel_level": "half",
         "belongings": "Детское кресло"},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    photo = api.post(
        f"/api/v1/service/work-orders/{work_order.pk}/photos/",
        {"file": jpeg(), "caption": "Бампер"},
        format="multipart",
    )
    assert photo.status_code == 201, photo.content
    services.work_order_sign(
        user=customer, work_order_id=work_order.pk, channel=Channel.SITE, instruction="call"
    )
    return WorkOrder.objects.get(pk=work_order.pk)


def test_signed_the_acceptance_act_and_the_work_order_are_made_once(advisor, customer, showroom):
    work_order = accepted(advisor, customer, showroom)

    made = papers(work_order)

    assert set(made) == {"acceptance_act", "work_order"}
    act = made["acceptance_act"]
    assert act.number.startswith("АПР-") and act.showroom_id == showroom.pk
    assert act.customer_id == customer.pk and act.language == "ru"
    assert act.file.open("rb").read(4) == b"%PDF"
    assert act.facts["acceptance"] == {
        "completeness": "Два ключа, запаска", "damage": "Скол на бампере", "fuel": "Половина",
        "belongings": "Детское кресло", "photos_count": 1,
    }  # fmt: skip
    assert "photos" not in act.facts  # printed, not kept
    paper = made["work_order"].facts
    assert paper["work_order"]["number"] == work_order.number
    assert paper["car"]["vin"] == work_order.vin and paper["car"]["mileage_in"] == 30000
    assert paper["work_order"]["instruction"] and paper["seller"]["inn"] == work_order.executor_inn
    assert {line["code"] for line in paper["parts"]} and paper["works"]

    services.papers_issue(work_order_id=work_order.pk, status="agreed")  # the event again
    assert Document.objects.filter(order_id=work_order.pk).count() == 2


def test_done_the_completion_act_names_who_did_each_job_and_the_work_order_is_replaced(
    advisor, customer, showroom
):
    work_order = accepted(advisor, customer, showroom)
    first_paper = papers(work_order)["work_order"]
    services.work_order_start(user=advisor, work_order_id=work_order.pk)
    job = work_order.lines.filter(kind="labour").first()
    api = client_for(advisor)
    done = api.post(
        f"/api/v1/service/work-orders/{work_order.pk}/lines/{job.pk}/done",
        {"mechanic": "Сидоров А. В."},
        format="json",
    )
    assert done.status_code == 200, done.content
    services.work_order_complete(user=advisor, work_order_id=work_order.pk)

    made = papers(work_order)

    assert set(made) == {"acceptance_act", "work_order", "completion_act"}
    act = made["completion_act"]
    assert act.number.startswith("АВР-")
    works = {line["name"]: line["done_by"] for line in act.facts["works"]}
    assert works[job.name] == "Сидоров А. В."
    assert all(works.values())  # the rest by the one who completed the order
    assert act.facts["work_order"]["works_warranty_months"] == work_order.works_warranty_months
    assert made["work_order"].supersedes_id == first_paper.pk


def test_only_the_customer_opens_the_papers_and_a_photo_must_be_one(advisor, customer, showroom):
    work_order = accepted(advisor, customer, showroom)
    act = papers(work_order)["acceptance_act"]
    page = reverse("storefront:work-order", args=[work_order.pk])
    paper = reverse("storefront:work-order-paper", args=[work_order.pk, act.pk])
    browser = Client()
    browser.force_login(customer)

    assert paper in browser.get(page).content.decode()
    pdf = browser.get(paper)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    stranger = Client()
    stranger.force_login(UserFactory(role="client"))
    assert stranger.get(paper).status_code == 404

    not_a_photo = io.BytesIO(b"not an image")
    not_a_photo.name = "x.jpg"
    refused = client_for(advisor).post(
        f"/api/v1/service/work-orders/{work_order.pk}/photos/",
        {"file": not_a_photo},
        format="multipart",
    )
    assert refused.status_code in (400, 409)
    other = UserFactory(role="manager", showroom_ids=[service_showroom_make().pk])
    theirs = client_for(other).post(
        f"/api/v1/service/work-orders/{work_order.pk}/photos/", {"file": jpeg()}, format="multipart"
    )
    assert theirs.status_code == 404
    assert AcceptancePhoto.objects.filter(work_order=work_order).count() == 1
    assert uuid.UUID(str(act.pk))
