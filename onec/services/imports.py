"""`mode=import`: a file 1C sent applied a step at a time (docs/1c.md, "Importing"). The first
call reads the whole file and refuses it, changing nothing, if anything in it cannot be
applied; then each call applies whole batches, each in its own transactions, keeps how far it
got, and after about ONEC_STEP_SECONDS answers `progress`, so that 1C calls again; the last
answers `success`. A call that finds another at work on the file answers `progress` too."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from onec.choices import FILE_TRANSITIONS, ExchangeType, FileStatus, Outcome
from onec.commerceml import Classifier, Offer, read_import, read_offers, read_orders
from onec.models import ExchangeAccount, ExchangeFile, ExchangeSession, Refusal
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


SUCCESS = Answer("success")
PROGRESS = Answer("progress")


def cut_off(reason: str) -> bool:
    """Whether a file was refused only for ending too soon: more of it may be on its way."""
    return "файл оборван" in reason


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
        return Answer("failure", str(exc))
    return _finish(file, account) if done else PROGRESS


def _check(file: ExchangeFile, kind: str) -> int:
    """Read the whole file; refuse it if anything in it could not be applied. How many records
    it has."""
    count = 0
    with file_stream(file) as stream:
        if kind == "import":
            for record in read_import(stream):
                count += not isinstance(record, Classifier)
        elif kind == "offers":
            mapping = offers.offers_map()
            for item in read_offers(stream):
                if isinstance(item, Offer):
                    offers.offer_check(item, mapping)
                    count += 1
                else:
                    offers.declared(item, mapping, save=False)
        else:
            for document in read_orders(stream):
                sale.document_check(document)
                count += 1
    return count


def _apply(file: ExchangeFile, account: ExchangeAccount, kind: str) -> bool:
    """Apply whole batches from where the last call stopped, for about ONEC_STEP_SECONDS;
    whether the file is done."""
    started = time.monotonic()
    with file_stream(file) as stream:
        batches = _batches(stream, kind, account, file.position)
        for apply, batch in batches:
            counts = Counts()
            apply(batch, counts)
            _progress(file, len(batch), counts)
            if time.monotonic() - started > settings.ONEC_STEP_SECONDS:
                return file.position >= file.total
    return True


Apply = Callable[[list[Any], Counts], None]


def _batches(
    stream: Any, kind: str, account: ExchangeAccount, skip: int
) -> Iterator[tuple[Apply, list[Any]]]:
    """The file's records past the first `skip`, in batches of ONEC_BATCH, each with what
    applies it. An offers' batch ends between goods, never between a good's characteristics."""
    size = settings.ONEC_BATCH
    batch: list[Any] = []
    apply: Apply
    if kind == "import":
        mapping = None
        for record in read_import(stream):
            if isinstance(record, Classifier):
                mapping = goods.catalog_map(record, account)
                continue
            mapping = mapping or goods.catalog_map(None, account)
            if skip:
                skip -= 1
                continue
            batch.append(record)
            if len(batch) >= size:
                yield _bound(goods.goods_apply, mapping), batch
                batch = []
        if batch:
            yield _bound(goods.goods_apply, mapping or goods.catalog_map(None, account)), batch
        return
    if kind == "offers":
        offers_mapping = offers.offers_map()
        apply = _bound(offers.offers_apply, offers_mapping, account)
        for item in read_offers(stream):
            if not isinstance(item, Offer):
                offers.declared(item, offers_mapping, save=True)
                continue
            if skip:
                skip -= 1
                continue
            if len(batch) >= size and item.good_id != batch[-1].good_id:
                yield apply, batch
                batch = []
            batch.append(item)
        if batch:
            yield apply, batch
        return
    apply = _bound(sale.documents_apply, account)
    for document in read_orders(stream):
        if skip:
            skip -= 1
            continue
        batch.append(document)
        if len(batch) >= size:
            yield apply, batch
            batch = []
    if batch:
        yield apply, batch


def _bound(function: Callable[..., None], *context: Any) -> Apply:
    """`function(batch, *context, counts)`, as a batch's apply."""

    def apply(batch: list[Any], counts: Counts) -> None:
        function(batch, *context, counts)

    return apply


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
