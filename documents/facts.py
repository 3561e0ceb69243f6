"""What a document states, gathered from the apps that know it (the order, the car, the loan,
the buyer) through their selectors, as plain JSON: it is rendered into the document and kept
with it (`Document.facts`), so that a document explains itself without its sources."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError, NotFound
from documents.choices import DocumentKind
from documents.error_codes import DocumentErrorCode
from documents.models import LegalEntity
from documents.words import rubles_in_words
from financing import selectors as financing_selectors
from orders import selectors as orders_selectors
from tradein import selectors as tradein_selectors

CENT = Decimal("0.01")
VAT_PERCENT = Decimal(22)  # from 1 January 2026 (Federal Law 425-FZ of 28.11.2025)
OFFER_DOWN_PAYMENT_PERCENT = 20
OFFER_TERM_MONTHS = 60
VEHICLE_FIELDS = (
    "make",
    "model",
    "trim",
    "year",
    "vin",
    "color",
    "body_type",
    "fuel",
    "engine_volume",
    "power_hp",
    "transmission",
    "drive",
    "mileage_km",
    "condition",
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def seller_facts(entity: LegalEntity) -> dict[str, str]:
    return {
        field: _text(getattr(entity, field))
        for field in (
            "name",
            "short_name",
            "inn",
            "kpp",
            "ogrn",
            "address",
            "phone",
            "email",
            "bank_name",
            "bik",
            "account",
            "correspondent_account",
            "signatory_name",
            "signatory_title",
            "represented_by",
            "signatory_authority",
        )
    }


def _vehicle(product_id: Any) -> dict[str, Any]:
    try:
        product = catalog_selectors.product_get(product_id=product_id)
    except NotFound:
        return {}
    facts: dict[str, Any] = {field: _text(getattr(product, field, "")) for field in VEHICLE_FIELDS}
    for field in ("body_type", "fuel", "transmission", "drive", "condition", "color"):
        display = getattr(product, f"get_{field}_display", None)
        facts[f"{field}_label"] = _text(display()) if display and facts[field] else ""
    # A document states the colour in words, as the catalog shows it: its code ("white")
    # reached the contract and the act.
    facts["color"] = facts.pop("color_label") or facts["color"]
    facts["list_price"] = _money(product.price)
    facts["options"] = list(getattr(product, "options", None) or [])
    facts["name"] = product.name
    return facts


def _vat(amount: Decimal) -> str:
    """The VAT inside a price that includes it."""
    return _money(amount * VAT_PERCENT / (100 + VAT_PERCENT))


def order_facts(order_id: Any) -> dict[str, Any]:
    """The order, its buyer and its car, as every document of the deal states them."""
    papers = orders_selectors.order_papers(order_id=order_id)
    if papers is None:
        raise NotFound
    card = accounts_selectors.user_card(user_id=papers.view.customer_id)
    # The car's words (its colour, body, fuel) in the language the document is written in,
    # whatever the process making it speaks.
    with translation.override(buyer_language(str(papers.view.customer_id))):
        lines: list[dict[str, Any]] = [
            {
                "name": line.product_name,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "amount": _money(line.unit_price * line.quantity),
                "vehicle": _vehicle(line.product_id),
            }
            for line in papers.lines
        ]
    total = papers.view.total_amount
    vehicle: dict[str, Any] = next(
        (line["vehicle"] for line in lines if line["vehicle"].get("vin")), {}
    )
    return {
        "order": {
            "id": str(papers.view.id),
            "number": papers.view.number,
            "status": papers.view.status.value,
            "created_at": papers.created_at.isoformat(),
            "currency": papers.view.currency,
            "total": _money(total),
            "total_words": rubles_in_words(total),
            "vat": _vat(total),
            "vat_percent": str(VAT_PERCENT),
            "paid": _money(papers.view.paid_amount),
            "captured": _money(papers.captured),
            "loan_amount": _money(papers.loan_amount),
            "own_funds": _money(max(total - papers.loan_amount, Decimal(0))),
            "deposit": _money(orders_selectors.vehicle_deposit(total=total)),
            # The dealer's credit discount, already out of `total`, held only with the loan
            # through a partner bank (docs/financing.md, "The credit discount").
            "credit_discount": _money(papers.view.credit_discount),
            "credit_discount_name": papers.view.credit_discount_name,
            "price_without_loan": _money(total + papers.view.credit_discount),
        },
        "buyer": {
            "id": str(papers.view.customer_id),
            "name": papers.customer_name or (card.full_name if card else ""),
            "email": papers.customer_email or (card.email if card else ""),
            "phone": card.phone if card else "",
        },
        "lines": lines,
        "vehicle": vehicle,
        # Not stated on paper: the showroom whose staff see the document (docs/showrooms.md).
        "_showroom_id": papers.view.showroom_id,
    }


def kind_facts(kind: str, base: dict[str, Any], *, amount: Decimal | None) -> dict[str, Any]:
    """What a kind adds: the offer's loan estimate, the invoice's amount, the schedule."""
    order = base["order"]
    total = Decimal(order["total"])
    if kind == DocumentKind.OFFER:
        list_total = sum(
            (Decimal(line["vehicle"].get("list_price") or line["unit_price"]) * line["quantity"])
            for line in base["lines"]
        )
        credit_discount = Decimal(order["credit_discount"])
        return {
            "discount": _money(max(list_total - total - credit_discount, Decimal(0))),
            "list_total": _money(list_total),
            "valid_until": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "loan": _loan_estimate(total),
        }
    if kind == DocumentKind.INVOICE:
        due = amount if amount is not None else max(total - Decimal(order["paid"]), Decimal(0))
        if due <= 0:
            raise ApplicationError(
                "Nothing is due on this order: no invoice.",
                code=DocumentErrorCode.NOT_APPLICABLE,
                status=409,
            )
        return {
            "amount": _money(due),
            "amount_words": rubles_in_words(due),
            "vat": _vat(due),
            "due_by": (timezone.localdate() + timedelta(days=5)).isoformat(),
        }
    if kind == DocumentKind.LOAN_SCHEDULE:
        loan = financing_selectors.loan_papers(order_id=order["id"])
        if loan is None:
            raise ApplicationError(
                "The order has no approved loan: no schedule.",
                code=DocumentErrorCode.NOT_APPLICABLE,
                status=409,
            )
        return {"loan": loan}
    if kind == DocumentKind.HANDOVER_ACT:
        return {"handed_over_at": timezone.localtime().isoformat()}
    if kind == DocumentKind.TRADE_IN_CONTRACT:
        return _trade_in_facts(order["id"])
    return {}


def _trade_in_facts(order_id: str) -> dict[str, Any]:
    """The cars bought back under the order, and what they are credited: the buyer is the
    seller here, and the price is paid by setting it off against the new car's."""
    cars = tradein_selectors.contract_cars(order_id=order_id)
    if not cars:
        raise ApplicationError(
            "The order has no inspected trade-in: no buy-back contract.",
            code=DocumentErrorCode.NOT_APPLICABLE,
            status=409,
        )
    amount = sum((Decimal(car["amount"]) for car in cars), Decimal(0))
    return {
        "trade_ins": cars,
        "amount": _money(amount),
        "amount_words": rubles_in_words(amount),
    }


def _loan_estimate(total: Decimal) -> dict[str, Any] | None:
    """A fifth down over 60 months, as the offer shows it; None where the rate table lends
    nothing (an accessory's price)."""
    down = (total * OFFER_DOWN_PAYMENT_PERCENT / 100).quantize(Decimal(1))
    try:
        estimate = financing_selectors.payment_estimate(
            vehicle_price=total, down_payment=down, term_months=OFFER_TERM_MONTHS
        )
    except ApplicationError:
        return None
    return {
        "down_payment": _money(estimate.down_payment),
        "term_months": estimate.term_months,
        "loan_amount": _money(estimate.loan_amount),
        "annual_rate": str(estimate.annual_rate),
        "monthly_payment": _money(estimate.monthly_payment),
        "rate_table_version": estimate.rate_table_version,
    }


def buyer_language(customer_id: str) -> str:
    """The language the buyer chose, else the dealership's (DEALERSHIP_LANGUAGE)."""
    card = accounts_selectors.user_card(user_id=customer_id)
    return (card.language if card else "") or settings.DEALERSHIP_LANGUAGE
