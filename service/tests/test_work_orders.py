"""The work order (docs/service.md, "The work order"; docs/state-machines.md, "Work order"):
opened from a booking with the contract's terms, signed by the customer, extra work done only
with the customer's word or within their advance instruction, completed, and handed over with
nothing owed unless a second person allowed it. Through the API, as the advisor and the
customer use it."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from conftest import client_for
from service import services
from service.choices import Channel, LineState, WorkOrderStatus
from service.models import OutboxEvent, WarrantyClaim, WorkOrder, WorkOrderLine
from service.tests.factories import service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/api/v1/service/work-orders/"


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk], full_name="Пётр Мастеров")


@pytest.fixture
def customer():
    return UserFactory(role="client")


def url(work_order, step: str = "") -> str:
    return f"{URL}{work_order.pk}/{step}"


def extra(api, work_order, **line):
    """The advisor adds a job found during the work: 2 norm hours, 5 000 ₽, unless told."""
    body = {"kind": "labour", "name": "Замена сайлентблоков", "norm_hours": "2.00", **line}
    answer = api.post(url(work_order, "lines/"), body, format="json")
    assert answer.status_code == 201, answer.content
    return WorkOrderLine.objects.filter(work_order=work_order).order_by("-created_at").first()


def status_of(work_order) -> str:
    return WorkOrder.objects.get(pk=work_order.pk).status


def test_an_order_opened_from_a_booking_states_what_the_rules_ask(advisor, customer, showroom):
    api = client_for(advisor)
    booking = work_order_make(advisor, customer, showroom).booking
    WorkOrder.objects.all().delete()

    answer = api.post(
        URL,
        {
            "booking_id": str(booking.pk),
            "customer_name": "Иван Петров",
            "customer_phone": "+79161234567",
            "customer_address": "Москва, ул. Тверская, 1",
            "year": 2022,
            "engine_number": "21129 1234567",
            "vehicle_value": "1200000.00",
            "instruction": "up_to",
            "instruction_limit": "3000.00",
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    work_order = WorkOrder.objects.get(pk=body["id"])
    assert work_order.number.startswith("ЗН-") and body["number"] == work_order.number
    assert (work_order.executor_name, work_order.executor_inn) != ("", "")
    assert (work_order.make, work_order.model, work_order.vin) == ("Lada", "Vesta", booking.vin)
    assert work_order.mileage_in == booking.mileage_km and work_order.customer_id == customer.pk
    assert work_order.advisor_id == booking.advisor_id and body["advisor_position"]
    assert (work_order.works_warranty_months, work_order.parts_warranty_months) == (6, 12)
    # The menu's work (1.5 h at 2 500 ₽) and its four litres of oil (900 ₽), both agreed.
    lines = sorted((line.kind, line.amount, line.state) for line in work_order.lines.all())
    assert lines == [
        ("labour", Decimal("3750.00"), "agreed"),
        ("part", Decimal("3600.00"), "agreed"),
    ]
    assert body["totals"] == {"customer": "7350.00", "warranty": "0.00", "internal": "0.00"}
    assert body["link_token"]
    opened = OutboxEvent.objects.get(type="work_order.opened", aggregate_id=work_order.pk)
    assert opened.payload["customer_total"] == "7350.00" and "customer_phone" not in opened.payload

    # One booking, one work order.
    again = api.post(URL, {"booking_id": str(booking.pk)}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "booking_has_work_order"
    assert WorkOrder.objects.count() == 1


def test_a_draft_lacking_the_contracts_terms_is_refused_and_nothing_is_written(advisor, showroom):
    answer = client_for(advisor).post(
        URL, {"showroom_id": str(showroom.pk), "mileage_in": 1000}, format="json"
    )

    assert answer.status_code == 400, answer.content
    details = answer.json()["error"]["details"]
    assert {"customer_name", "customer_phone", "make", "model", "vin"} <= details.keys()
    assert not WorkOrder.objects.exists()


def test_the_deal_of_a_service_signed_extra_work_with_consent_done_and_handed_over_by_four_eyes(
    advisor, customer, showroom
):
    api, own = client_for(advisor), client_for(customer)
    work_order = work_order_make(advisor, customer, showroom)

    # Not signed, the car does not go into work.
    refused = api.post(url(work_order, "start"))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "work_order_not_changeable"

    signed = own.post(url(work_order, "sign"), {"instruction": "call"}, format="json")
    assert signed.status_code == 200, signed.content
    work_order.refresh_from_db()
    assert (work_order.status, work_order.signed_how) == ("agreed", Channel.SITE)
    assert api.post(url(work_order, "start")).status_code == 200
    assert status_of(work_order) == WorkOrderStatus.IN_WORK

    # A job found: proposed, and the order waits for the customer's word.
    arms = extra(api, work_order)
    assert (arms.state, arms.amount) == (LineState.PROPOSED, Decimal("5000.00"))
    assert status_of(work_order) == WorkOrderStatus.WAITING
    pending = api.post(url(work_order, "complete"))
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "approval_pending"
    not_yet = api.post(url(work_order, f"lines/{arms.pk}/done"))
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "line_not_approved"

    # The customer approves it on their phone: the order is back in work.
    approved = own.post(
        url(work_order, f"lines/{arms.pk}/decide"), {"approve": True}, format="json"
    )
    assert approved.status_code == 200, approved.content
    arms.refresh_from_db()
    assert (arms.state, arms.decided_how, arms.decided_by) == ("approved", "site", "Иван Петров")
    assert status_of(work_order) == WorkOrderStatus.IN_WORK
    replay = own.post(url(work_order, f"lines/{arms.pk}/decide"), {"approve": False}, format="json")
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "line_decided"

    # Another, declined on the phone and recorded by the advisor with their name.
    pads = extra(api, work_order, name="Замена колодок", norm_hours="1.00")
    declined = api.post(
        url(work_order, f"lines/{pads.pk}/decide"), {"approve": False}, format="json"
    )
    assert declined.status_code == 200, declined.content
    pads.refresh_from_db()
    assert (pads.state, pads.decided_how) == ("declined", "phone")
    assert "Пётр Мастеров" in pads.decided_by
    assert api.post(url(work_order, f"lines/{pads.pk}/done")).status_code == 409

    done = api.post(url(work_order, "complete"))
    assert done.status_code == 200, done.content
    lines = {line.name: line for line in WorkOrderLine.objects.filter(work_order=work_order)}
    assert lines["Замена колодок"].done_at is None
    assert all(line.done_at for name, line in lines.items() if name != "Замена колодок")
    assert done.json()["totals"]["customer"] == "12350.00"  # 7 350 + 5 000; the pads not

    # Owed, the car is not handed over; one allows the balance, another hands it over.
    owed = api.post(url(work_order, "hand-over"), {"mileage_out": 30010}, format="json")
    assert owed.status_code == 409 and owed.json()["error"]["code"] == "balance_owed"
    assert api.post(url(work_order, "allow-balance")).status_code == 200
    alone = api.post(url(work_order, "hand-over"), {"mileage_out": 30010}, format="json")
    assert alone.status_code == 403 and alone.json()["error"]["code"] == "four_eyes"
    second = client_for(UserFactory(role="manager", showroom_ids=[showroom.pk]))
    backwards = second.post(url(work_order, "hand-over"), {"mileage_out": 10}, format="json")
    assert backwards.status_code == 400
    handed = second.post(url(work_order, "hand-over"), {"mileage_out": 30010}, format="json")
    assert handed.status_code == 200, handed.content
    work_order.refresh_from_db()
    assert (work_order.status, work_order.mileage_out) == ("handed_over", 30010)
    assert api.post(url(work_order, "close")).status_code == 200
    assert status_of(work_order) == WorkOrderStatus.CLOSED

    moves = [
        (row.payload["from_status"], row.payload["status"])
        for row in OutboxEvent.objects.filter(type="work_order.status_changed").order_by(
            "occurred_at"
        )
    ]
    assert moves == [
        ("draft", "agreed"),
        ("agreed", "in_work"),
        ("in_work", "waiting"),
        ("waiting", "in_work"),
        ("in_work", "waiting"),  # the pads, until declined
        ("waiting", "in_work"),
        ("in_work", "done"),
        ("done", "handed_over"),
        ("handed_over", "closed"),
    ]
    assert OutboxEvent.objects.filter(type="work_order.line_decided").count() == 2


def test_the_advance_instruction_decides_what_it_covers_and_no_more(advisor, customer, showroom):
    api = client_for(advisor)
    work_order = work_order_make(
        advisor, customer, showroom, instruction="up_to", instruction_limit=Decimal("6000.00")
    )
    client_for(customer).post(url(work_order, "sign"), {}, format="json")
    api.post(url(work_order, "start"))

    first = extra(api, work_order)  # 5 000 ₽: within 6 000
    warranty = extra(api, work_order, name="Гарантийная замена датчика", pay_type="warranty")
    second = extra(api, work_order, name="Замена колодок", norm_hours="1.00")  # 2 500: over

    assert (first.state, first.decided_how) == ("approved", "instruction")
    assert (warranty.state, warranty.decided_how) == ("approved", "instruction")  # costs them 0
    assert second.state == "proposed"
    assert status_of(work_order) == WorkOrderStatus.WAITING
    totals = WorkOrder.objects.get(pk=work_order.pk).totals()
    assert totals == {
        "customer": Decimal("12350.00"),
        "warranty": Decimal("5000.00"),
        "internal": Decimal("0.00"),
    }


def test_do_no_extra_work_declines_every_job_found(advisor, customer, showroom):
    api = client_for(advisor)
    work_order = work_order_make(advisor, customer, showroom, instruction="nothing")
    client_for(customer).post(url(work_order, "sign"), {}, format="json")
    api.post(url(work_order, "start"))

    line = extra(api, work_order)

    assert (line.state, line.decided_how) == ("declined", "instruction")
    assert status_of(work_order) == WorkOrderStatus.IN_WORK


def test_the_customer_without_an_account_signs_and_answers_by_the_signed_link(advisor, showroom):
    api = client_for(advisor)
    work_order = work_order_make(advisor, None, showroom)
    token = services.work_order_link_token(work_order)
    anonymous = APIClient()

    assert (
        anonymous.post("/api/v1/service/link/work-order", {"token": token + "x"}).status_code == 400
    )
    read = anonymous.post("/api/v1/service/link/work-order", {"token": token})
    assert read.status_code == 200 and read.json()["number"] == work_order.number
    signed = anonymous.post("/api/v1/service/link/work-order/sign", {"token": token}, format="json")
    assert signed.status_code == 200, signed.content
    api.post(url(work_order, "start"))
    line = extra(api, work_order)

    answer = anonymous.post(
        "/api/v1/service/link/work-order/decide",
        {"token": token, "line_id": str(line.pk), "approve": True},
        format="json",
    )

    assert answer.status_code == 200, answer.content
    line.refresh_from_db()
    assert (line.state, line.decided_how) == ("approved", "link")
    assert WorkOrder.objects.get(pk=work_order.pk).signed_how == "link"


def test_others_neither_read_nor_move_the_order(advisor, customer, showroom):
    work_order = work_order_make(advisor, customer, showroom)
    stranger = client_for(UserFactory(role="client"))
    elsewhere = client_for(UserFactory(role="manager", showroom_ids=[service_showroom_make().pk]))

    assert stranger.get(url(work_order)).status_code == 404
    assert stranger.post(url(work_order, "sign"), {}, format="json").status_code == 404
    assert elsewhere.get(url(work_order)).status_code == 404
    assert elsewhere.post(url(work_order, "sign"), {}, format="json").status_code == 404
    assert client_for(customer).post(url(work_order, "start")).status_code == 403
    assert status_of(work_order) == WorkOrderStatus.DRAFT
    assert [row["id"] for row in client_for(customer).get(URL).json()["results"]] == [
        str(work_order.pk)
    ]


def test_a_signed_orders_terms_are_not_changed_and_a_car_in_work_is_not_cancelled(
    advisor, customer, showroom
):
    api = client_for(advisor)
    work_order = work_order_make(advisor, customer, showroom)
    client_for(customer).post(url(work_order, "sign"), {}, format="json")

    changed = api.patch(url(work_order), {"instruction": "nothing"}, format="json")
    assert changed.status_code == 409
    api.post(url(work_order, "start"))
    cancelled = client_for(customer).post(url(work_order, "cancel"))

    assert cancelled.status_code == 409
    assert cancelled.json()["error"]["code"] == "work_order_not_changeable"
    assert WorkOrder.objects.get(pk=work_order.pk).instruction == "call"


def test_a_done_orders_warranty_lines_are_claimed_from_the_manufacturer_and_the_claim_moves(
    advisor, customer, showroom
):
    api = client_for(advisor)
    work_order = work_order_make(advisor, customer, showroom)
    extra(api, work_order, name="Замена датчика по гарантии", pay_type="warranty")  # 5 000
    client_for(customer).post(url(work_order, "sign"), {}, format="json")
    api.post(url(work_order, "start"))
    assert api.post(url(work_order, "complete")).status_code == 200

    claim = WarrantyClaim.objects.get(work_order=work_order)
    assert (claim.manufacturer, claim.amount, claim.status) == ("Lada", Decimal("5000.00"), "open")
    assert WorkOrder.objects.get(pk=work_order.pk).customer_total == Decimal("7350.00")
    listed = api.get("/api/v1/service/warranty-claims/").json()["results"]
    assert [row["work_order_number"] for row in listed] == [work_order.number]

    move = f"/api/v1/service/warranty-claims/{claim.pk}/status"
    skipped = api.post(move, {"status": "paid"}, format="json")
    assert skipped.status_code == 409
    assert skipped.json()["error"]["code"] == "warranty_claim_not_changeable"
    assert api.post(move, {"status": "submitted"}, format="json").status_code == 200
    rejected = api.post(
        move, {"status": "rejected", "note": "Не гарантийный случай"}, format="json"
    )
    assert rejected.status_code == 200, rejected.content
    claim.refresh_from_db()
    assert (claim.status, claim.note) == ("rejected", "Не гарантийный случай")
    changes = OutboxEvent.objects.filter(
        type="warranty_claim.status_changed", aggregate_id=claim.pk
    )
    assert sorted(row.payload["status"] for row in changes) == ["rejected", "submitted"]
    # Another showroom's staff neither see nor move it.
    elsewhere = client_for(UserFactory(role="manager", showroom_ids=[service_showroom_make().pk]))
    assert elsewhere.get("/api/v1/service/warranty-claims/").json()["results"] == []
    assert elsewhere.post(move, {"status": "accepted"}, format="json").status_code == 404


def test_an_order_without_warranty_lines_claims_nothing(advisor, customer, showroom):
    api = client_for(advisor)
    work_order = work_order_make(advisor, customer, showroom)
    client_for(customer).post(url(work_order, "sign"), {}, format="json")
    api.post(url(work_order, "start"))

    assert api.post(url(work_order, "complete")).status_code == 200
    assert not WarrantyClaim.objects.exists()


def test_a_line_with_a_wrong_type_or_a_huge_amount_is_refused_and_nothing_is_added(
    advisor, customer, showroom
):
    api = client_for(advisor)
    work_order = work_order_make(advisor, customer, showroom)
    before = work_order.lines.count()

    wrong = api.post(url(work_order, "lines/"), {"kind": "labour", "norm_hours": "два"})
    huge = api.post(
        url(work_order, "lines/"),
        {"kind": "part", "name": "Двигатель", "quantity": "999999", "unit_price": "99999999"},
        format="json",
    )
    nameless = api.post(url(work_order, "lines/"), {"kind": "labour", "norm_hours": "1"})

    assert (wrong.status_code, huge.status_code, nameless.status_code) == (400, 400, 400)
    assert "norm_hours" in wrong.json()["error"]["details"]
    assert "quantity" in huge.json()["error"]["details"]
    assert "name" in nameless.json()["error"]["details"]
    assert work_order.lines.count() == before


def test_a_job_of_a_kind_the_showroom_prices_apart_takes_that_rate(advisor, customer, showroom):
    services.labour_rate_set(showroom_id=showroom.pk, kind="Кузовной ремонт", rate=Decimal("3500"))
    body = services.operation_create(
        code="BODY-1", name="Рихтовка крыла", norm_hours=Decimal("2"), rate_kind="Кузовной ремонт"
    )
    diagnostics = services.operation_create(
        code="DIAG-1", name="Диагностика", norm_hours=Decimal("1"), rate_kind="Диагностика"
    )
    work_order = work_order_make(advisor, customer, showroom)
    api = client_for(advisor)

    for operation in (body, diagnostics):
        answer = api.post(
            url(work_order, "lines/"),
            {"kind": "labour", "operation_id": str(operation.pk)},
            format="json",
        )
        assert answer.status_code == 201, answer.content

    lines = {line.code: line for line in WorkOrderLine.objects.filter(work_order=work_order)}
    assert (lines["BODY-1"].rate, lines["BODY-1"].amount) == (Decimal("3500"), Decimal("7000"))
    # A kind the showroom has no rate of: its general one.
    assert (lines["DIAG-1"].rate, lines["DIAG-1"].amount) == (Decimal("2500"), Decimal("2500"))
