"""Writes of the documents domain (docs/documents.md): template versions, and documents
generated from them with numbers that have no gaps; a document asked for again."""

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.db.transactions import turn_take
from common.types import Actor, Id
from documents import events, facts, payment_qr, rendering
from documents.choices import NUMBER_PREFIXES, DocumentKind
from documents.demo import DEMO_SELLER
from documents.error_codes import DocumentErrorCode
from documents.models import Document, DocumentSequence, DocumentTemplate, LegalEntity
from documents.selectors import document_current, legal_entity_of, sale_city, template_current
from documents.services.service_facts import SERVICE_KINDS, service_sample

DB = "documents"


# TEMPLATES
# ------------------------------------------------------------------------------
def template_version_create(
    *, kind: str, language: str, html: str, css: str = "", note: str = "", user: Actor | None
) -> DocumentTemplate:
    """The next version of a kind's template in a language; the documents made from earlier
    versions keep theirs. A template that does not render the sample facts, or whose CSS
    would fetch anything but a `data:` address, is refused."""
    rendering.css_check(css)
    rendering.html_render(html=html, facts=sample_facts(kind), language=language)
    for _attempt in range(3):  # two editors at once: the second takes the next number
        latest = (
            DocumentTemplate.objects.using(DB)
            .filter(kind=kind, language=language)
            .aggregate(latest=Max("version"))["latest"]
        )
        try:
            with transaction.atomic(using=DB):
                return DocumentTemplate.objects.using(DB).create(
                    kind=kind,
                    language=language,
                    version=(latest or 0) + 1,
                    html=html,
                    css=css,
                    note=note,
                    created_by_id=user.pk if user is not None else None,
                )
        except IntegrityError:
            continue
    raise ApplicationError(
        _("Another version was saved at the same moment; save again."),
        code=DocumentErrorCode.TEMPLATE_INVALID,
        status=409,
    )


def sample_facts(kind: str) -> dict[str, Any]:
    """Facts of an invented deal, for checking and previewing a template."""
    vehicle = {
        "make": "Lada",
        "model": "Vesta",
        "trim": "Comfort",
        "year": "2026",
        "vin": "XTAGFL110SY000001",
        "color": "белый",
        "body_type_label": "седан",
        "fuel_label": "бензин",
        "engine_volume": "1.6",
        "power_hp": "106",
        "transmission_label": "механическая",
        "drive_label": "передний",
        "mileage_km": "12",
        "condition_label": "новый",
        "options": ["Подогрев сидений", "Камера заднего вида"],
        "list_price": "1650000.00",
        "name": "Lada Vesta Comfort",
    }
    sample: dict[str, Any] = {
        "document": {"number": f"{NUMBER_PREFIXES[DocumentKind(kind)]}-2026-000001", "date": "2026-11-26"},
        "seller": DEMO_SELLER,
        "buyer": {"name": "Петрова Анна Сергеевна", "email": "anna@example.ru", "phone": ""},
        "order": {
            "number": "А-2026-000123",
            "total": "1600000.00",
            "total_words": "Один миллион шестьсот тысяч рублей 00 копеек",
            "vat": "288524.59",
            "vat_percent": "22",
            "paid": "160000.00",
            "captured": "160000.00",
            "loan_amount": "1000000.00",
            "own_funds": "600000.00",
            "deposit": "160000.00",
            "currency": "RUB",
            "created_at": "2026-11-20T12:00:00+03:00",
        },
        "vehicle": vehicle,
        "lines": [
            {"name": vehicle["name"], "quantity": 1, "unit_price": "1600000.00",
             "amount": "1600000.00", "vehicle": vehicle},
        ],
        "discount": "50000.00",
        "list_total": "1650000.00",
        "valid_until": "2026-12-03",
        "amount": "1440000.00",
        "amount_words": "Один миллион четыреста сорок тысяч рублей 00 копеек",
        "vat": "259672.13",
        "due_by": "2026-12-01",
        "handed_over_at": "2026-11-26T15:00:00+03:00",
        "trade_ins": [
            {"id": "5f0c1d9e-3c1b-4a53-9d6a-2f0d2c1e7a10", "make": "Kia", "model": "Rio",
             "year": "2017", "vin": "Z94CB41BAHR123456", "mileage_km": "98000",
             "owners_count": "2", "condition_label": "хорошее",
             "findings": "Скол на капоте; резина летняя, 50 %.", "amount": "640000.00",
             "inspected_at": "2026-11-26T14:30:00+03:00"},
        ],
        "loan": {
            "down_payment": "320000.00", "term_months": 2, "loan_amount": "1280000.00",
            "annual_rate": "15.90", "monthly_payment": "648517.35",
            "rate_table_version": "2026-11", "bank": "АО «Демо-банк Столичный», ИНН 7700000001",
            "full_cost_percent": "15.900", "full_cost_amount": "25234.16",
            "schedule": [
                {"number": 1, "due_date": "2026-12-26", "payment": "648517.35",
                 "principal": "631557.35", "interest": "16960.00", "balance": "648442.65"},
                {"number": 2, "due_date": "2027-01-26", "payment": "657034.51",
                 "principal": "648442.65", "interest": "8591.86", "balance": "0.00"},
            ],
        },
    }  # fmt: skip
    if kind in SERVICE_KINDS:
        sample.update(service_sample())
    if kind == DocumentKind.INVOICE:
        sample["qr"] = _invoice_qr(sample, sample["document"]["number"])
    if kind == DocumentKind.TRADE_IN_CONTRACT:
        sample["amount"] = "640000.00"
        sample["amount_words"] = "Шестьсот сорок тысяч рублей 00 копеек"
    return sample


# DOCUMENTS
# ------------------------------------------------------------------------------
def document_number_take(*, kind: str, year: int, legal_entity: LegalEntity) -> int:
    """The next number of a kind's documents of a legal entity in a year (each legal entity
    numbers its own papers), under the sequence row's lock: the caller's transaction holds
    it until it commits, so numbers have no gaps (a rolled-back document gives its number
    back) and no repeats. Call inside atomic(using=DB)."""
    key: dict[str, Any] = {"kind": kind, "year": year, "legal_entity": legal_entity}
    DocumentSequence.objects.using(DB).get_or_create(**key)
    sequence = DocumentSequence.objects.using(DB).select_for_update().get(**key)
    sequence.last += 1
    sequence.save(using=DB, update_fields=["last"])
    return sequence.last


def document_generate(
    *,
    kind: str,
    order_id: Id,
    user: Actor | None = None,
    amount: Decimal | None = None,
    once: bool = False,
) -> Document | None:
    """Generate a kind's document for an order, in its buyer's language, from the current
    template; it supersedes the order's current one of the kind. With `once` (the events'
    consumers), an order that already has one gets nothing new: None."""
    if once and document_current(kind=kind, order_id=order_id) is not None:
        return None
    stated, template = _stated(kind=kind, order_id=order_id, amount=amount)
    with transaction.atomic(using=DB):
        # One at a time per order and kind: of two consumers at once, the second finds the
        # first one's document (`once`), and a regeneration supersedes the one current.
        turn_take(_turn(kind, order_id), using=DB)
        previous = document_current(kind=kind, order_id=order_id)
        if once and previous is not None:  # another consumer made it meanwhile
            return None
        return _document_make(
            kind=kind, order_id=order_id, stated=stated, template=template, previous=previous,
            user=user,
        )  # fmt: skip


def document_get_or_generate(
    *, kind: str, order_id: Id, user: Actor | None
) -> tuple[Document, bool]:
    """The order's document of `kind`, asked for (docs/documents.md, "Asked for again"): the
    one in force while what it states and its template are the same, else a new one that
    supersedes it; and whether it is new. One at a time per order and kind, so that many
    requests at once make one document. At most `DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR` new
    offers an hour (429 after); staff's requests are rate-limited by the API instead."""
    with transaction.atomic(using=DB):
        turn_take(_turn(kind, order_id), using=DB)
        stated, template = _stated(kind=kind, order_id=order_id)
        previous = document_current(kind=kind, order_id=order_id)
        digest = _facts_digest(stated, template)
        if previous is not None and previous.facts_sha256 == digest:
            return previous, False
        if kind == DocumentKind.OFFER:
            _offers_limit_check(order_id)
        document = _document_make(
            kind=kind, order_id=order_id, stated=stated, template=template, previous=previous,
            user=user,
        )  # fmt: skip
        return document, True


def paper_issue(
    *,
    kind: str,
    work_order_id: Id,
    customer_id: Id | None,
    showroom_id: Id,
    stated: dict[str, Any],
    printed_only: dict[str, Any] | None = None,
) -> tuple[Document, bool]:
    """A service paper of a work order (docs/service.md, "Papers"), from the facts the
    service app states: the one in force while they and its template are the same, else a
    new one that supersedes it; and whether it is new. Numbered by the showroom's legal
    entity and in its customer's language, as an order's papers are; no `document.ready`,
    which the deal's consumers read as an order's."""
    entity = legal_entity_of(showroom_id=showroom_id)
    language = facts.buyer_language(str(customer_id)) if customer_id else "ru"
    stated = {
        **stated,
        "buyer": {**stated.get("buyer", {}), "id": str(customer_id) if customer_id else None},
        "seller": facts.seller_facts(entity),
        "work_order": {**stated.get("work_order", {}), "city": sale_city(showroom_id=showroom_id)},
    }
    template = template_current(kind=kind, language=language)
    with transaction.atomic(using=DB):
        turn_take(_turn(kind, work_order_id), using=DB)
        previous = document_current(kind=kind, order_id=work_order_id)
        if previous is not None and previous.facts_sha256 == _facts_digest(stated, template):
            return previous, False
        stated.update(_legal_entity=entity, _language=language, _showroom_id=showroom_id)
        document = _document_make(
            kind=kind, order_id=work_order_id, stated=stated, template=template,
            previous=previous, user=None, printed_only=printed_only, announce=False,
        )  # fmt: skip
        return document, True


def _offers_limit_check(order_id: Id) -> None:
    hour_ago = timezone.now() - timedelta(hours=1)
    made = Document.objects.using(DB).filter(
        kind=DocumentKind.OFFER, order_id=order_id, created_at__gte=hour_ago
    )
    limit = settings.DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR
    if made.count() >= limit:
        raise ApplicationError(
            _("The offer of this order was made %(count)s times this hour; ask again later.")
            % {"count": limit},
            code=DocumentErrorCode.OFFER_LIMIT,
            status=429,
            retry_after=3600,
        )


def _turn(kind: str, order_id: Id) -> str:
    return f"documents.generate:{kind}:{order_id}"


def _stated(
    *, kind: str, order_id: Id, amount: Decimal | None = None
) -> tuple[dict[str, Any], DocumentTemplate]:
    """What a kind's document of the order states now, and the template it is made with."""
    stated = facts.order_facts(order_id)
    # The showroom that sells the car sells under its own legal entity (docs/showrooms.md).
    entity = legal_entity_of(showroom_id=stated["_showroom_id"])
    stated.update(facts.kind_facts(kind, stated, amount=amount))
    stated["seller"] = facts.seller_facts(entity)
    stated["_legal_entity"] = entity
    stated["_language"] = facts.buyer_language(stated["buyer"]["id"])
    return stated, template_current(kind=kind, language=stated["_language"])


# What a document states of the moment it is made, not of the order: asked for again, a
# handover act is the one made, whatever the clock says now.
_MOMENTS = frozenset({"handed_over_at"})


def _facts_digest(stated: dict[str, Any], template: DocumentTemplate) -> str:
    """The SHA-256 of what a document states (not its number, its date nor the moment it was
    made) and its template."""
    content = {
        key: value
        for key, value in stated.items()
        if not key.startswith("_") and key not in _MOMENTS
    }
    content["template"] = str(template.pk)
    text = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _document_make(
    *,
    kind: str,
    order_id: Id,
    stated: dict[str, Any],
    template: DocumentTemplate,
    previous: Document | None,
    user: Actor | None,
    printed_only: dict[str, Any] | None = None,
    announce: bool = True,
) -> Document:
    """Number, render and store the document, superseding `previous`. Call inside
    atomic(using=DB), holding the order's turn for the kind. The seller's requisites are
    kept in its facts as they were: a later change of them alters no issued document.
    `printed_only` is rendered but not kept in the facts (photos); `announce` emits
    `document.ready`, which the deal's consumers read as an order's paper."""
    digest = _facts_digest(stated, template)
    entity, language = stated.pop("_legal_entity"), stated.pop("_language")
    showroom_id = stated.pop("_showroom_id")
    now = timezone.localtime()
    sequence = document_number_take(kind=kind, year=now.year, legal_entity=entity)
    number = f"{NUMBER_PREFIXES[DocumentKind(kind)]}-{now.year}-{sequence:06d}"
    stated["document"] = {"number": number, "date": now.date().isoformat()}
    if previous is not None:  # the paper says which one it replaces (docs/documents.md)
        replaced_on = timezone.localtime(previous.created_at).date()
        stated["replaces"] = {"number": previous.number, "date": replaced_on.isoformat()}
    if kind == DocumentKind.INVOICE:
        stated["qr"] = _invoice_qr(stated, number)
    pdf = rendering.pdf_render(
        html=template.html,
        css=template.css,
        facts={**stated, **(printed_only or {})},
        language=language,
    )
    document = Document(
        kind=kind,
        number=number,
        year=now.year,
        sequence=sequence,
        order_id=order_id,
        customer_id=stated["buyer"].get("id"),  # none: a walk-in of the service
        showroom_id=showroom_id,
        language=language,
        template=template,
        legal_entity=entity,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        supersedes=previous,
        facts={key: value for key, value in stated.items() if key != "qr"}
        | {"qr": {"payload": stated.get("qr", {}).get("payload", "")}},
        facts_sha256=digest,
        created_by_id=user.pk if user is not None else None,
    )
    document.file.save(f"{now.year}/{kind}/{number}.pdf", ContentFile(pdf), save=False)
    document.save(using=DB, force_insert=True)
    if announce:
        events.DOCUMENT_READY.emit(
            aggregate_id=document.pk, payload=events.document_payload(document)
        )
    return document


def _invoice_qr(stated: dict[str, Any], number: str) -> dict[str, str]:
    seller, vehicle = stated["seller"], stated.get("vehicle") or {}
    vat = stated["vat"]
    day = date.fromisoformat(stated["document"]["date"])
    purpose = (
        f"Оплата по счёту {number} от {day:%d.%m.%Y}"
        f"{', VIN ' + vehicle['vin'] if vehicle.get('vin') else ''}. "
        f"В т. ч. НДС {stated['order']['vat_percent']}% {vat.replace('.', ',')} руб."
    )
    text = payment_qr.payload(
        name=seller["short_name"],
        account=seller["account"],
        bank_name=seller["bank_name"],
        bik=seller["bik"],
        correspondent_account=seller["correspondent_account"],
        inn=seller["inn"],
        kpp=seller["kpp"],
        amount=Decimal(stated["amount"]),
        purpose=purpose,
    )
    return {"payload": text, "image": payment_qr.png_data_uri(text), "purpose": purpose}
