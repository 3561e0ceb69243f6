"""The work order's papers (docs/service.md, "Papers"): the acceptance act (акт приёма
автомобиля в ремонт) and the work order when the customer signs it, the completion act (акт
выполненных работ) and the work order as it ended when the work is done. The service app
states what they say; the documents app numbers them by the showroom's legal entity, renders
them as PDF and keeps them. Photos of the car taken at acceptance are printed small on the
act, not kept in its facts."""

import base64
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from common.api.exceptions import ApplicationError
from common.images import photo_checked, rendition
from common.types import Actor, Id
from documents import services as documents_services
from documents.choices import DocumentKind
from service.choices import LineKind, LineState, WorkOrderStatus
from service.error_codes import ServiceErrorCode
from service.models import AcceptancePhoto, WorkOrder
from service.services.work_order_lines import DB, staff_locked

# The papers made when the order reaches each status.
PAPERS_AT = {
    WorkOrderStatus.AGREED: (DocumentKind.ACCEPTANCE_ACT, DocumentKind.WORK_ORDER),
    WorkOrderStatus.DONE: (DocumentKind.COMPLETION_ACT, DocumentKind.WORK_ORDER),
}
PHOTOS_MAX = 12
PHOTO_PRINTED_WIDTH = 320  # pixels: 40 mm on the act


def acceptance_photo_add(
    *, user: Actor, work_order_id: Id, data: bytes, caption: str = ""
) -> AcceptancePhoto:
    """A photo of the car as it was accepted (a checked copy of the upload), while the car
    is being taken in: before the work starts."""
    checked = photo_checked(data)
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if work_order.status not in (WorkOrderStatus.DRAFT, WorkOrderStatus.AGREED):
            raise ApplicationError(
                _("Photos of the car are taken when it is accepted, before the work."),
                code=ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE,
                status=409,
            )
        if work_order.photos.count() >= PHOTOS_MAX:
            raise ApplicationError(
                _("An acceptance act holds at most %(count)s photos.") % {"count": PHOTOS_MAX},
                code=ServiceErrorCode.LINE_INVALID,
                status=400,
                details={"file": [_("At most %(count)s photos.") % {"count": PHOTOS_MAX}]},
            )
        photo = AcceptancePhoto(work_order=work_order, caption=caption)
        photo.image.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
        photo.save(using=DB)
    return photo


def papers_issue(*, work_order_id: Id, status: str) -> list[Any]:
    """The papers of the order at `status` (PAPERS_AT), each the one in force while what it
    says is the same: an event delivered twice makes no second paper. None while
    DOCUMENTS_ON_EVENTS is off, as the documents app's own consumers make none (`seed_demo`'s
    history: docs/service.md, "Demo")."""
    if not settings.DOCUMENTS_ON_EVENTS:
        return []
    kinds = PAPERS_AT.get(WorkOrderStatus(status), ())
    work_order = (
        WorkOrder.objects.using(DB)
        .select_related("advisor")
        .prefetch_related("lines", "photos")
        .filter(pk=work_order_id)
        .first()
    )
    if work_order is None or not kinds:
        return []
    with translation.override(_language(work_order)):
        stated = paper_facts(work_order)
    papers = []
    for kind in kinds:
        printed_only = (
            {"photos": _photos(work_order)} if kind == DocumentKind.ACCEPTANCE_ACT else {}
        )
        document, _new = documents_services.paper_issue(
            kind=kind,
            work_order_id=work_order.pk,
            customer_id=work_order.customer_id,
            showroom_id=work_order.showroom_id,
            stated=stated,
            printed_only=printed_only,
        )
        papers.append(document)
    return papers


def _language(work_order: WorkOrder) -> str:
    """The customer's language, which the documents app prints their papers in."""
    card = (
        accounts_selectors.user_card(user_id=work_order.customer_id)
        if work_order.customer_id
        else None
    )
    return (card.language if card else "") or settings.DEALERSHIP_LANGUAGE


def _photos(work_order: WorkOrder) -> list[str]:
    printed = []
    for photo in work_order.photos.all():
        with photo.image.open("rb") as file:
            content, _width, _height = rendition(file.read(), PHOTO_PRINTED_WIDTH)
        printed.append("data:image/webp;base64," + base64.b64encode(content).decode())
    return printed


def _moment(value: Any) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def paper_facts(work_order: WorkOrder) -> dict[str, Any]:
    """What the papers state of the order, in the fields ПП РФ № 780 names (docs/service.md,
    "The work order"): money as strings of two decimals, moments in ISO 8601."""
    lines = [
        line
        for line in work_order.lines.all()
        if line.state in (LineState.AGREED, LineState.APPROVED)
    ]
    totals = work_order.totals()
    signed = ""
    if work_order.signed_at:
        signed = f"{work_order.get_signed_how_display()}, {timezone.localtime(work_order.signed_at):%d.%m.%Y %H:%M}"
    return {
        "buyer": {"name": work_order.customer_name, "phone": work_order.customer_phone},
        "work_order": {
            "number": work_order.number,
            "date": timezone.localtime(work_order.created_at).date().isoformat(),
            "payer": work_order.payer,
            "deadline": _moment(work_order.deadline),
            "accepted_at": _moment(work_order.signed_at or work_order.created_at),
            "completed_at": _moment(work_order.completed_at),
            "instruction": str(work_order.get_instruction_display()),
            "instruction_limit": str(work_order.instruction_limit),
            "works_warranty_months": work_order.works_warranty_months,
            "parts_warranty_months": work_order.parts_warranty_months,
            "advisor": work_order.advisor.name,
            "advisor_position": work_order.advisor.position,
            "signed": signed,
        },
        "customer": {
            "name": work_order.customer_name,
            "phone": work_order.customer_phone,
            "address": work_order.customer_address,
        },
        "car": {
            "make": work_order.make,
            "model": work_order.model,
            "vin": work_order.vin,
            "plate": work_order.plate,
            "year": work_order.year,
            "engine_number": work_order.engine_number,
            "body_number": work_order.body_number,
            "mileage_in": work_order.mileage_in,
            "mileage_out": work_order.mileage_out,
            "value": str(work_order.vehicle_value) if work_order.vehicle_value else "",
        },
        "acceptance": {
            "completeness": work_order.completeness,
            "damage": work_order.damage,
            "fuel": str(work_order.get_fuel_level_display()) if work_order.fuel_level else "",
            "belongings": work_order.belongings,
            "photos_count": len(work_order.photos.all()),
        },
        "works": [_line(line) for line in lines if line.kind == LineKind.LABOUR],
        "parts": [_line(line) for line in lines if line.kind == LineKind.PART],
        "totals": {pay_type: str(amount) for pay_type, amount in totals.items()},
        "paid": str(work_order.amount_paid),
        "balance": str(max(work_order.balance, 0)),
    }


def _line(line: Any) -> dict[str, Any]:
    decided = ""
    if line.decided_at:
        decided = f"{line.get_decided_how_display()}, {timezone.localtime(line.decided_at):%d.%m.%Y %H:%M}"
    return {
        "code": line.code,
        "name": line.name,
        "manufacturer": line.manufacturer,
        "norm_hours": str(line.norm_hours or ""),
        "rate": str(line.rate or ""),
        "quantity": str(line.quantity or ""),
        "unit_price": str(line.unit_price or ""),
        "amount": str(line.amount),
        "supplied_by": str(line.get_supplied_by_display()),
        "pay_type": str(line.get_pay_type_display()),
        "done_by": line.done_by,
        "proposed": line.state == LineState.APPROVED,
        "decided": decided,
    }
