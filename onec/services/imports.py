"""`mode=import`: a file 1C sent applied a step at a time (docs/1c.md, "Importing"). The first
call reads the whole file, once, and refuses it, changing nothing, if anything in it cannot be
applied; it keeps its records in batches. Then each call applies whole batches, each in its
own transactions, keeps how far it got, and after about ONEC_STEP_SECONDS answers `progress`,
so that 1C calls again; the last answers `success`. A call that finds another at work on the
file answers `progress` too."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from onec.choices import FILE_TRANSITIONS, ExchangeType, FileStatus, Outcome
from onec.commerceml import (
    Classifier,
    Offer,
    OrderRecord,
    PriceType,
    Record,
    Warehouse,
    read_import,
    read_offers,
    read_orders,
    records_dump,
    records_load,
)
from onec.models import ExchangeAccount, ExchangeFile, ExchangeSession, FileBatch, Refusal
from onec.services import goods, offers, sale
from onec.services.files import archive_unpack, file_fail, file_stream, is_picture, name_checked
from onec.services.goods import Counts
from onec.xml import FileRefused

DB = "onec"
# The refusals the log keeps of one file; the count goes on past them.
REFUSALS_KEPT = 1000


@dataclass(frozen=True)
class Answer:
    """What 1C is told: `success`, `progress` or `failure`, and why."""

    word: str
    text: str = ""
    cut_off: bool = False  # refused only for ending too soon (onec.xml.FileRefused)


SUCCESS = Answer("success")
PROGRESS = Answer("progress")


def _kind(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    for prefix, kind in (
        ("import", "import"), ("offers", "offers"), ("prices", "offers"), ("rests", "offers"),
        ("orders", "orders"), ("documents", "orders"),
    ):  # fmt: skip
        if base.startswith(prefix) and base.endswith(".xml"):
            return kind
    return ""


def file_import(*, session: ExchangeSession, name: str) -> Answer:
    """Import one step of the session's file `name`."""
    try:
        name = name_checked(name)
        if is_picture(name):
            return SUCCESS
        archive_unpack(session)
    except FileRefused as exc:
        return Answer("failure", str(exc))
    file = ExchangeFile.objects.using(DB).filter(session=session, name=name).first()
    if file is None:
        return Answer("failure", f"Файл {name} не получен: сначала mode=file.")
    if file.status == FileStatus.APPLIED:
        return SUCCESS
    if file.status == FileStatus.FAILED:
        return Answer("failure", file.failure_reason)
    if not _lease(file):
        return PROGRESS
    try:
        # What the log keeps of a refusal is read by 1C's operator and the dealer's staff.
        with translation.override("ru"):
            return _step(file, session.account, _kind(name))
    finally:
        ExchangeFile.objects.using(DB).filter(pk=file.pk).update(busy_until=None)


def _lease(file: ExchangeFile) -> bool:
    now = timezone.now()
    hold = timedelta(seconds=settings.ONEC_STEP_SECONDS * 3 + 60)
    return bool(
        ExchangeFile.objects.using(DB)
        .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now), pk=file.pk)
        .update(busy_until=now + hold)
    )


def _step(file: ExchangeFile, account: ExchangeAccount, kind: str) -> Answer:
    if file.status == FileStatus.RECEIVING:
        FILE_TRANSITIONS.apply(file, FileStatus.IMPORTING)
        file.save(using=DB, update_fields=["status", "updated_at"])
    if not kind:  # a file the exchange has no use for: taken, nothing done
        return _finish(file, account)
    try:
        if not file.checked:
            file.total = _check(file, kind)
            file.checked = True
            file.save(using=DB, update_fields=["total", "checked", "updated_at"])
        done = _apply(file, account, kind)
    except FileRefused as exc:
        file_fail(file, str(exc))
        return Answer("failure", str(exc), cut_off=exc.cut_off)
    return _finish(file, account) if done else PROGRESS


_READERS = {"import": read_import, "offers": read_offers, "orders": read_orders}


def _check(file: ExchangeFile, kind: str) -> int:
    """Read the whole file once; refuse it if anything in it could not be applied, or keep its
    records in batches of about ONEC_BATCH for the calls that apply them: batch 0 what the
    rest need (the classifier, the warehouses and price types declared), then the records, an
    offers' batch ending between goods, never between a good's characteristics. How many
    records it has."""
    mapping = offers.offers_map() if kind == "offers" else None
    head: list[Record] = []
    batch: list[Record] = []
    seq, count = 1, 0
    with transaction.atomic(using=DB), file_stream(file) as stream:
        FileBatch.objects.using(DB).filter(file=file).delete()
        for record in _READERS[kind](stream):
            if isinstance(record, Classifier | PriceType | Warehouse):
                if mapping is not None and not isinstance(record, Classifier):
                    offers.declared(record, mapping, save=False)
                head.append(record)
                continue
            if isinstance(record, Offer):
                assert mapping is not None
                offers.offer_check(record, mapping)
                previous = batch[-1] if batch else None
                ends_a_good = not isinstance(previous, Offer) or record.good_id != previous.good_id
            else:
                ends_a_good = True
                if isinstance(record, OrderRecord):
                    sale.document_check(record)
            if len(batch) >= settings.ONEC_BATCH and ends_a_good:
                _keep(file, seq, batch)
                seq, batch = seq + 1, []
            batch.append(record)
            count += 1
        if batch:
            _keep(file, seq, batch)
        _keep(file, 0, head)
    return count


def _keep(file: ExchangeFile, seq: int, records: list[Record]) -> None:
    FileBatch.objects.using(DB).create(
        file=file, seq=seq, records=len(records), data=records_dump(records)
    )


def _apply(file: ExchangeFile, account: ExchangeAccount, kind: str) -> bool:
    """Apply whole batches from where the last call stopped, for about ONEC_STEP_SECONDS;
    whether the file is done."""
    started = time.monotonic()
    kept = FileBatch.objects.using(DB).filter(file=file)
    head = records_load(bytes(kept.values_list("data", flat=True).get(seq=0)))
    apply = _applier(kind, account, head)
    seqs = kept.filter(seq__gt=file.batches_done).order_by("seq").values_list("seq", flat=True)
    for seq in list(seqs):
        batch = records_load(bytes(kept.values_list("data", flat=True).get(seq=seq)))
        counts = Counts()
        apply(batch, counts)
        _progress(file, len(batch), counts)
        if time.monotonic() - started > settings.ONEC_STEP_SECONDS:
            return file.position >= file.total
    return True


Apply = Callable[[list[Any], Counts], None]


def _applier(kind: str, account: ExchangeAccount, head: list[Record]) -> Apply:
    """What applies a batch of the file, given its batch 0."""
    if kind == "import":
        classifier = next((record for record in head if isinstance(record, Classifier)), None)
        mapping = goods.catalog_map(classifier, account)
        return lambda batch, counts: goods.goods_apply(batch, mapping, counts)
    if kind == "offers":
        offers_mapping = offers.offers_map()
        for record in head:
            assert isinstance(record, PriceType | Warehouse)
            offers.declared(record, offers_mapping, save=True)
        return lambda batch, counts: offers.offers_apply(batch, offers_mapping, account, counts)
    return lambda batch, counts: sale.documents_apply(batch, account, counts)


def _progress(file: ExchangeFile, applied: int, counts: Counts) -> None:
    """Keep how far the file got and what its batch did, in one transaction."""
    with transaction.atomic(using=DB):
        kept = Refusal.objects.using(DB).filter(file=file).count()
        Refusal.objects.using(DB).bulk_create(
            Refusal(file=file, record=record[:100], name=name[:300], reason=reason[:1000])
            for record, name, reason in counts.refusals[: max(REFUSALS_KEPT - kept, 0)]
        )
        said = {outcome.value: counts.counts.get(outcome.value, 0) for outcome in Outcome}
        ExchangeFile.objects.using(DB).filter(pk=file.pk).update(
            position=F("position") + applied,
            batches_done=F("batches_done") + 1,
            **{name: F(name) + times for name, times in said.items() if times},
            updated_at=timezone.now(),
        )
    file.refresh_from_db(using=DB)


def _finish(file: ExchangeFile, account: ExchangeAccount) -> Answer:
    now = timezone.now()
    with transaction.atomic(using=DB):
        FILE_TRANSITIONS.apply(file, FileStatus.APPLIED)
        file.finished_at = now
        file.save(using=DB, update_fields=["status", "finished_at", "updated_at"])
        field = (
            "last_catalog_at"
            if file.session.exchange_type == ExchangeType.CATALOG
            else "last_sale_at"
        )
        ExchangeAccount.objects.using(DB).filter(pk=account.pk).update(**{field: now})
    return SUCCESS
