"""The orders' exchange (`type=sale`, docs/1c.md "Orders"): `query` hands 1C the orders changed
since it last confirmed, and they count as sent only once 1C answers `success`; the file 1C
sends back moves orders through the same door and transitions as staff do (refused and logged
where the map forbids it), and its cash desk's payments enter the ledger as payments of their
own kind (payments.services.desk)."""

import re
from datetime import date
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts import selectors as accounts_selectors
from common.api.exceptions import ApplicationError, NotFound
from onec.choices import Outcome
from onec.commerceml import TRUE_WORDS, OrderRecord, number
from onec.models import (
    ExchangeAccount,
    ExchangeSession,
    Good,
    OrderExport,
    StatusMapping,
    WarehouseMapping,
)
from onec.orders_xml import OrderFacts, PaymentLine, orders_document
from onec.services.goods import Counts
from onec.xml import FileRefused
from orders import services as orders_services
from orders.choices import OrderStatus
from orders.selectors import exchange as orders_exchange
from payments.choices import DeskSource
from payments.selectors import exchange as payments_exchange
from payments.services import desk

DB = "onec"
# Bitrix-style status names carry the site's code in brackets: "[F] Выполнен".
_CODE = re.compile(r"^\[[^\]]*\]\s*")


def status_names() -> dict[str, str]:
    """Each order status's name at 1C: the mapping's, else the status's Russian name."""
    mapped: dict[str, str] = {}
    for status, name in (
        StatusMapping.objects.using(DB).order_by("created_at").values_list("status", "onec_name")
    ):
        mapped.setdefault(status, name)
    with translation.override("ru"):
        return {value: mapped.get(value) or str(label) for value, label in OrderStatus.choices}


def orders_query(*, session: ExchangeSession) -> bytes:
    """The orders changed since 1C last confirmed, as its file; noted as sent by this session."""
    account = session.account
    orders = orders_exchange.orders_changed(
        after=account.sale_cursor,
        after_id=account.sale_cursor_id,
        limit=settings.ONEC_ORDERS_PER_QUERY,
    )
    names = status_names()
    phones = {
        card_id: card.phone
        for card_id, card in accounts_selectors.user_cards(
            user_ids=[o.customer_id for o in orders]
        ).items()
    }
    warehouses = dict(
        WarehouseMapping.objects.using(DB).exclude(onec_id="").values_list("showroom_id", "onec_id")
    )
    product_ids = [line.product_id for order in orders for line in order.lines]
    good_ids = {
        str(product_id): onec_id
        for onec_id, product_id in Good.objects.using(DB)
        .filter(product_id__in=product_ids)
        .values_list("onec_id", "product_id")
    }
    payments = payments_exchange.order_payments_for_exchange(
        order_ids=[order.id for order in orders]
    )
    facts = [
        OrderFacts(
            order=order,
            phone=phones.get(str(order.customer_id), ""),
            status_name=names.get(order.status, order.status),
            warehouse_id=warehouses.get(order.showroom_id, "") if order.showroom_id else "",
            good_ids=good_ids,
            payments=tuple(
                PaymentLine(f"{order.number}-{index}", paid.paid_at, paid.amount, cash=False)
                for index, paid in enumerate(payments.get(order.id, ()), start=1)
            ),
        )
        for order in orders
    ]
    data = orders_document(facts, encoding=account.encoding)
    with transaction.atomic(using=DB):
        last = orders[-1] if orders else None
        session.pending_cursor = last.updated_at if last else None
        session.pending_cursor_id = last.id if last else None
        session.orders_sent = len(orders)
        session.save(
            using=DB,
            update_fields=["pending_cursor", "pending_cursor_id", "orders_sent", "updated_at"],
        )
        OrderExport.objects.using(DB).bulk_create(
            [
                OrderExport(order_id=order.id, session=session, sent_version=order.updated_at)
                for order in orders
            ],
            update_conflicts=True,
            unique_fields=["order_id"],
            update_fields=["session", "sent_version", "updated_at"],
        )
    return data


def orders_confirm(*, session: ExchangeSession) -> None:
    """1C's `success`: what this session's query sent counts as exported."""
    now = timezone.now()
    with transaction.atomic(using=DB):
        account = ExchangeAccount.objects.using(DB).select_for_update().get(pk=session.account_id)
        pending = (session.pending_cursor, session.pending_cursor_id)
        if session.pending_cursor and (
            account.sale_cursor is None
            or pending > (account.sale_cursor, account.sale_cursor_id or UUID(int=0))
        ):
            account.sale_cursor, account.sale_cursor_id = pending
        account.last_sale_at = now
        account.save(
            using=DB, update_fields=["sale_cursor", "sale_cursor_id", "last_sale_at", "updated_at"]
        )
        OrderExport.objects.using(DB).filter(session=session, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        session.succeeded_at = now
        session.save(using=DB, update_fields=["succeeded_at", "updated_at"])


# WHAT 1C SENDS BACK
# ------------------------------------------------------------------------------
def document_check(document: OrderRecord) -> None:
    if not document.onec_id and not document.number:
        raise FileRefused("Документ без Ид и без номера.")


def _is_payment(document: OrderRecord) -> bool:
    operation = document.operation.lower()
    return "выплата" in operation or "оплата" in operation or "поступление" in operation


def _order_of(document: OrderRecord) -> UUID | None:
    """The order a document is of: a payment's by its basis, the order's number; an order's
    by its id, or its number."""
    if _is_payment(document):
        return orders_exchange.order_id_of_number(number=document.basis) if document.basis else None
    try:
        candidate = UUID(document.onec_id)
    except ValueError:
        candidate = None
    if candidate is not None and orders_exchange.order_for_exchange(order_id=candidate):
        return candidate
    return orders_exchange.order_id_of_number(number=document.number) if document.number else None


def _paid_on(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def documents_apply(documents: list[OrderRecord], account: ExchangeAccount, counts: Counts) -> None:
    """One batch of 1C's documents: payments first, then each order's status."""
    targets = {
        _CODE.sub("", name).strip().lower(): status for status, name in status_names().items()
    } | {
        name.strip().lower(): status
        for status, name in StatusMapping.objects.using(DB).values_list("status", "onec_name")
    }
    for document in documents:
        order_id = _order_of(document)
        if order_id is None:
            said = document.basis if _is_payment(document) else document.number
            counts.refuse(
                document.onec_id or document.number,
                document.number,
                f"Заказ {said} не найден на сайте.",
            )
            continue
        try:
            outcomes = _payment_take(document, order_id)
            if not _is_payment(document):
                outcomes.append(_status_take(document, order_id, targets))
        except (ApplicationError, NotFound, FileRefused) as exc:
            counts.refuse(document.onec_id or document.number, document.number, _reason(exc))
            continue
        changed = Outcome.CHANGED in outcomes or Outcome.CREATED in outcomes
        counts.add(Outcome.CHANGED if changed else Outcome.UNCHANGED)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        return str(exc.message)
    if isinstance(exc, NotFound):
        return "Заказ не найден на сайте."
    return str(exc)


def _payment_take(document: OrderRecord, order_id: UUID) -> list[str]:
    """A payment the document records: a payment's own document, or an order's requisites
    «Номер оплаты по 1С» with «Сумма оплаты по 1С»."""
    if _is_payment(document):
        document_number, amount, paid_on = document.number, document.sum, None
    else:
        document_number = document.requisites.get("Номер оплаты по 1С", "").strip()
        said = document.requisites.get("Сумма оплаты по 1С", "")
        amount = number(said, f"Документ {document.number}, сумма оплаты") if said else None
        paid_on = _paid_on(document.requisites.get("Дата оплаты по 1С", ""))
    if not document_number:
        return []
    if amount is None or amount <= 0:
        raise FileRefused(f"Оплата {document_number}: нет суммы.")
    _payment, created = desk.desk_payment_record(
        source=DeskSource.ONEC, document_number=document_number, order_id=order_id,
        amount=amount, paid_on=paid_on,
    )  # fmt: skip
    return [Outcome.CREATED if created else Outcome.UNCHANGED]


def _status_take(document: OrderRecord, order_id: UUID, targets: dict[str, str]) -> str:
    requisites = document.requisites
    if requisites.get("Отменен", "").strip().lower() in TRUE_WORDS:
        target, said = OrderStatus.CANCELLED.value, "Отменен"
    else:
        said = _CODE.sub("", requisites.get("Статус заказа", "")).strip()
        if not said:
            return Outcome.UNCHANGED
        found = targets.get(said.lower())
        if found is None:
            raise FileRefused(f"Статус «{said}» не сопоставлен со статусом заказа сайта.")
        target = found
    current = orders_exchange.order_for_exchange(order_id=order_id)
    if current is None:
        raise NotFound
    if current.status == target:
        return Outcome.UNCHANGED
    orders_services.order_status_set(
        order_id=order_id, status=target, reason=f"1С: {said}", by_accounting=True
    )
    return Outcome.CHANGED
