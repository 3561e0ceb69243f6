"""Writes of the trade-in domain (docs/tradein.md): a customer's old car submitted, offered
for under four eyes, accepted, inspected at handover and taken into stock as a used car.
Every step emits its event (`trade_in.offered`, `trade_in.inspected`, ...), from which
payments and orders learn of the credit: it is recorded as money only when the car has been
inspected, never on the customer's word."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from common import four_eyes
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.images import RENDITIONS, photo_checked, rendition
from common.queueing import task_queue
from common.types import Actor, Id
from tradein import credit, events, selectors
from tradein.choices import TRADEIN_TRANSITIONS, OfferDecision, TradeInStatus
from tradein.choices import Actor as Role
from tradein.error_codes import TradeInErrorCode
from tradein.models import OfferApproval, TradeIn, TradeInPhoto

DB = "tradein"
logger = logging.getLogger(__name__)
MAX_PHOTOS = 20


def _move(trade_in: TradeIn, target: TradeInStatus, role: Role, **fields: object) -> TradeIn:
    """Through the map's one door, with the fields that change with it, and its event."""
    TRADEIN_TRANSITIONS.apply(trade_in, target, actor=role)
    for name, value in fields.items():
        setattr(trade_in, name, value)
    trade_in.save(using=DB)
    events.trade_in_emit(trade_in)
    return trade_in


def _locked(trade_in_id: Id) -> TradeIn:
    return TradeIn.objects.using(DB).select_for_update().get(pk=trade_in_id)


# SUBMIT
# ------------------------------------------------------------------------------
def trade_in_submit(
    *,
    user: Actor,
    vin_code: str,
    make: str,
    model: str,
    year: int,
    mileage_km: int,
    condition: str,
    owners_count: int,
    accident_history: bool,
    notes: str = "",
    order_id: Id | None = None,
) -> TradeIn:
    """An appraisal request. The VIN must be valid, agree with the make and year it decodes
    to, be in no stock and under no other open appraisal; the order, if named, must be the
    customer's own (another's is a 404, like a missing one)."""
    try:
        checked = catalog_selectors.vin_checked(vin=vin_code)
    except ValidationError as exc:
        raise ApplicationError(
            exc.messages[0], code="validation_error", status=400, details={"vin": exc.messages}
        ) from exc
    catalog_services.vin_agreement_check(checked, make=make, year=year)
    if catalog_selectors.vin_in_stock(vin=checked):
        raise ApplicationError(
            _("A car with this VIN is in the dealership's stock."),
            code=TradeInErrorCode.VIN_IN_STOCK,
            status=409,
        )
    order = credit.own_pending_order(user, order_id) if order_id is not None else None
    customer_id = user.pk
    try:
        with transaction.atomic(using=DB):
            trade_in = TradeIn.objects.using(DB).create(
                customer_id=customer_id,
                order_id=order_id,
                showroom_id=order.showroom_id if order else None,
                vin=checked,
                make=make.strip(),
                model=model.strip(),
                year=year,
                mileage_km=mileage_km,
                condition=condition,
                owners_count=owners_count,
                accident_history=accident_history,
                notes=notes,
            )
            events.trade_in_emit(trade_in)
    except IntegrityError as exc:
        raise ApplicationError(
            _("This car is being appraised already."),
            code=TradeInErrorCode.VIN_UNDER_APPRAISAL,
            status=409,
        ) from exc
    return trade_in


def trade_in_attach(*, user: Actor, trade_in_id: Id, order_id: Id) -> TradeIn:
    """A trade-in asked for on its own (from a car's page), credited to an order the
    customer placed since: before it is inspected, to one of their own `pending` orders
    (another's is a 404, staff's included). Its current status is announced again, with the
    order, so that the order's deal and payments learn of it."""
    order = credit.own_pending_order(user, order_id)
    with transaction.atomic(using=DB):
        trade_in = _locked(trade_in_id)
        if trade_in.customer_id != order.customer_id:
            raise ApplicationError(
                _("This trade-in is not the order's customer's."),
                code=TradeInErrorCode.TRADE_IN_NOT_FOUND,
                status=404,
            )
        if trade_in.order_id is not None or trade_in.status not in selectors.CREDITABLE:
            raise ApplicationError(
                _("Only a trade-in not yet credited or inspected can be credited to an order."),
                code=TradeInErrorCode.NOT_ATTACHABLE,
                status=409,
            )
        trade_in.order_id, trade_in.showroom_id = order.id, order.showroom_id
        trade_in.save(using=DB, update_fields=["order_id", "showroom_id", "updated_at"])
        events.trade_in_emit(trade_in)
    return trade_in


def trade_in_photo_add(*, trade_in: TradeIn, data: bytes) -> TradeInPhoto:
    """A photo of the old car, checked and drawn again as a vehicle's is (common/images.py),
    stored privately under a random name; its renditions are drawn by a task after the
    commit (docs/tradein.md, "Photos"). The count is checked before the image is decoded,
    and no lock is held while it is."""
    _photos_room_check(trade_in.pk)
    checked = photo_checked(data)
    photo = TradeInPhoto(trade_in=trade_in, width=checked.width, height=checked.height)
    photo.image.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic(using=DB):
            _locked(trade_in.pk)
            _photos_room_check(trade_in.pk)  # again, under the lock: concurrent uploads
            photo.save(using=DB)
            photo_id = str(photo.pk)
            transaction.on_commit(
                lambda: task_queue("tradein.tasks.trade_in_photo_renditions_task", photo_id),
                using=DB,
                robust=True,
            )
    except BaseException:
        photo.image.storage.delete(str(photo.image.name))
        raise
    return photo


# THE OFFER
# ------------------------------------------------------------------------------
def trade_in_offer(
    *, user: Actor, trade_in_id: Id, amount: Decimal, valid_until: datetime, reason: str = ""
) -> TradeIn:
    """Staff's offer, valid at most TRADEIN_OFFER_MAX_DAYS. When the customer's credit with
    it (`credit.credit_total`: the order's other trade-ins and the customer's open ones) is above
    TRADEIN_SECOND_APPROVAL_ABOVE, the first staff member's offer waits for a second one's
    approval of the same amount (four eyes): the customer sees it only then."""
    now = timezone.now()
    longest = now + timedelta(days=settings.TRADEIN_OFFER_MAX_DAYS)
    if not now < valid_until <= longest:
        message = _("An offer is valid from now to at most %(days)s days ahead.") % {
            "days": settings.TRADEIN_OFFER_MAX_DAYS
        }
        raise ApplicationError(
            message,
            code=TradeInErrorCode.OFFER_TOO_LONG,
            status=400,
            details={"valid_until": [message]},
        )
    with transaction.atomic(using=DB):
        trade_in = _locked(trade_in_id)
        TRADEIN_TRANSITIONS.check(trade_in.status, TradeInStatus.OFFERED, actor=Role.STAFF)
        ruling = four_eyes.decision_take(
            what=_("trade-in offer"),
            owner_id=trade_in.customer_id,
            user=user,
            decision=OfferDecision.APPROVED,
            approve=True,
            reason=reason or _("Appraised."),
            amount=amount,
            total=credit.credit_total(trade_in, amount),
            threshold=settings.TRADEIN_SECOND_APPROVAL_ABOVE,
            earlier=list(trade_in.decisions.using(DB)),
        )
        OfferApproval.objects.using(DB).create(trade_in=trade_in, **ruling.fields)
        if not ruling.final:
            return trade_in
        return _move(
            trade_in,
            TradeInStatus.OFFERED,
            Role.STAFF,
            offer_amount=amount,
            offer_valid_until=valid_until,
            offered_at=now,
        )


def trade_in_accept(*, user: Actor, trade_in_id: Id) -> TradeIn:
    """The customer accepts the offer before it expires; an expired one is refused and
    nothing is written. Accepted, it is a credit the order expects. Only the customer:
    anyone else gets a 404."""
    with transaction.atomic(using=DB):
        trade_in = credit.customers_own(trade_in_id, user)
        TRADEIN_TRANSITIONS.check(trade_in.status, TradeInStatus.ACCEPTED, actor=Role.CUSTOMER)
        if trade_in.offer_valid_until is None or trade_in.offer_valid_until <= timezone.now():
            raise ApplicationError(
                _("The offer has expired; ask for a new one."),
                code=TradeInErrorCode.OFFER_EXPIRED,
                status=409,
            )
        return _move(
            trade_in,
            TradeInStatus.ACCEPTED,
            Role.CUSTOMER,
            accepted_at=timezone.now(),
            accepted_by_id=user.pk,
        )


def trade_in_decline(*, user: Actor, trade_in_id: Id) -> TradeIn:
    """The customer declines the offer; only the customer."""
    with transaction.atomic(using=DB):
        return _move(credit.customers_own(trade_in_id, user), TradeInStatus.DECLINED, Role.CUSTOMER)


def trade_in_withdraw(*, user: Actor, trade_in_id: Id) -> TradeIn:
    """The customer takes the car back before it is inspected; the order expects no credit.
    Only the customer."""
    with transaction.atomic(using=DB):
        return _move(
            credit.customers_own(trade_in_id, user), TradeInStatus.WITHDRAWN, Role.CUSTOMER
        )


def trade_ins_withdraw_open(*, customer_id: Id) -> int:
    """Withdraw, as the customer, every trade-in of theirs not yet inspected (their consent
    to its processing withdrawn); how many."""
    withdrawn = 0
    open_ones = TradeIn.objects.using(DB).filter(
        customer_id=customer_id, status__in=selectors.CREDITABLE
    )
    for trade_in_id in list(open_ones.values_list("pk", flat=True)):
        with transaction.atomic(using=DB):
            trade_in = _locked(trade_in_id)
            if trade_in.status in selectors.CREDITABLE:
                _move(trade_in, TradeInStatus.WITHDRAWN, Role.CUSTOMER)
                withdrawn += 1
    return withdrawn


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire the offers past their date, as the system; how many."""
    now = now or timezone.now()
    expired = 0
    stale = TradeIn.objects.using(DB).filter(
        status=TradeInStatus.OFFERED, offer_valid_until__lte=now
    )
    for trade_in_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic(using=DB):
            trade_in = _locked(trade_in_id)
            until = trade_in.offer_valid_until
            if trade_in.status == TradeInStatus.OFFERED and until is not None and until <= now:
                _move(trade_in, TradeInStatus.EXPIRED, Role.SYSTEM)
                expired += 1
    return expired


# THE INSPECTION AT HANDOVER
# ------------------------------------------------------------------------------
def trade_in_inspect(
    *,
    user: Actor,
    trade_in_id: Id,
    mileage_km: int,
    findings: str,
    amount: Decimal | None = None,
    reason: str = "",
) -> TradeIn:
    """Staff record the car as they found it, and confirm its amount (`amount` None or the
    offer's) or lower it, with a reason. Confirmed, it is inspected and payments records the
    credit; lowered, the lower amount is offered again and the customer accepts it or takes
    the car back. Raising it needs a new offer, not an inspection. When the customer's
    credit is above TRADEIN_SECOND_APPROVAL_ABOVE, whoever approved the offer does not also
    inspect: a second person sees the car (docs/security.md, "Money only from money")."""
    with transaction.atomic(using=DB):
        trade_in = _locked(trade_in_id)
        TRADEIN_TRANSITIONS.check(trade_in.status, TradeInStatus.INSPECTED, actor=Role.STAFF)
        offered = trade_in.offer_amount or Decimal(0)
        amount = offered if amount is None else amount
        offerers = {row.decided_by_id for row in trade_in.decisions.using(DB)}
        above = credit.credit_total(trade_in, amount) > settings.TRADEIN_SECOND_APPROVAL_ABOVE
        if above and user.pk in offerers:
            raise ApplicationError(
                _(
                    "A credit of more than %(threshold)s is inspected by someone who did not "
                    "approve its offer."
                )
                % {"threshold": settings.TRADEIN_SECOND_APPROVAL_ABOVE},
                code=CommonErrorCode.SECOND_APPROVER_REQUIRED,
                status=403,
            )
        if amount > offered:
            raise ApplicationError(
                _("An inspection cannot raise the amount: make a new offer."),
                code=TradeInErrorCode.INSPECTION_RAISES,
                status=400,
                details={"amount": [_("At most %s.") % offered]},
            )
        if amount < offered and not reason.strip():
            raise ApplicationError(
                _("Say why the amount is lowered."),
                code="validation_error",
                status=400,
                details={"reason": [_("Required when the amount is lowered.")]},
            )
        seen = {
            "inspected_mileage_km": mileage_km,
            "findings": findings,
            "inspected_by_id": user.pk,
            "inspected_at": timezone.now(),
            "reduction_reason": reason if amount < offered else "",
        }
        if amount < offered:
            return _move(
                trade_in,
                TradeInStatus.OFFERED,
                Role.STAFF,
                offer_amount=amount,
                offer_valid_until=timezone.now() + timedelta(days=settings.TRADEIN_OFFER_MAX_DAYS),
                offered_at=timezone.now(),
                **seen,
            )
        credit.owed_check(trade_in, amount)
        return _move(trade_in, TradeInStatus.INSPECTED, Role.STAFF, **seen)


# INTO STOCK
# ------------------------------------------------------------------------------
def trade_ins_stock(*, order_id: Id) -> list[TradeIn]:
    """The order's new car is handed over: each inspected trade-in of it enters the catalog
    as a used vehicle, inactive until a manager sets its sale price, with its photos; once."""
    stocked = []
    for trade_in_id in (
        TradeIn.objects.using(DB)
        .filter(order_id=order_id, status=TradeInStatus.INSPECTED)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic(using=DB):
            trade_in = _locked(trade_in_id)
            if trade_in.status != TradeInStatus.INSPECTED:
                continue
            product = catalog_services.used_vehicle_take_in(
                product_id=trade_in.pk,  # the same id: taking it in twice makes one
                make=trade_in.make,
                model=trade_in.model,
                year=trade_in.year,
                vin=trade_in.vin,
                mileage_km=trade_in.inspected_mileage_km or trade_in.mileage_km,
                owners_count=trade_in.owners_count + 1,
                price=trade_in.offer_amount or Decimal(0),  # what it cost, until priced
                currency=trade_in.currency,
                description=trade_in.findings,
                photos=[_bytes(photo) for photo in trade_in.photos.using(DB).all()],
                showroom_id=trade_in.showroom_id,  # where it was handed over
            )
            stocked.append(
                _move(trade_in, TradeInStatus.COMPLETED, Role.SYSTEM, stock_product_id=product)
            )
    return stocked


def _bytes(photo: TradeInPhoto) -> bytes:
    with photo.image.open("rb") as image:
        data: bytes = image.read()
    return data


# PHOTOS
# ------------------------------------------------------------------------------
def _photos_room_check(trade_in_id: Id) -> None:
    if TradeInPhoto.objects.using(DB).filter(trade_in__pk=trade_in_id).count() >= MAX_PHOTOS:
        message = _("A trade-in has at most %(count)s photos.") % {"count": MAX_PHOTOS}
        raise ApplicationError(
            message, code="photo_refused", status=400, details={"file": [message]}
        )


def trade_in_photo_renditions_make(*, photo_id: Id) -> list[str]:
    """Draw the WebP renditions a photo lacks, off the upload's request (the task); a second
    run draws none. No lock is held while drawing. Returns the names of those it made."""
    photo = TradeInPhoto.objects.using(DB).filter(pk=photo_id).first()
    if photo is None:
        return []  # deleted since
    missing = {name: width for name, width in RENDITIONS.items() if name not in photo.renditions}
    if not missing:
        return []
    storage = photo.image.storage
    with photo.image.open("rb") as original:
        content = original.read()
    stem = str(photo.image.name).rsplit(".", 1)[0]
    made: dict[str, dict[str, str | int]] = {}
    for name, width in missing.items():
        data, rendered_width, rendered_height = rendition(content, width)
        stored = storage.save(f"{stem}-{name}.webp", ContentFile(data))
        made[name] = {"name": stored, "width": rendered_width, "height": rendered_height}
    with transaction.atomic(using=DB):
        current = TradeInPhoto.objects.using(DB).select_for_update().filter(pk=photo_id).first()
        if current is None:
            for made_one in made.values():
                storage.delete(str(made_one["name"]))
            return []
        current.renditions = {**current.renditions, **made}
        current.save(using=DB, update_fields=["renditions", "updated_at"])
    return sorted(made)
