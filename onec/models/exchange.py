"""The exchange's own records: the accounts 1C signs in with, each exchange session, the files
it sent (kept in parts in the database, so that any web process can take the next part), and
what an import refused, with its reason (docs/1c.md, "The exchange log")."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from onec.choices import FILE_TRANSITIONS, Encoding, ExchangeType, FileStatus


class ExchangeAccount(TimestampedModel):
    """The login 1C's side exchanges as. Not a user of the site: it signs in to the exchange
    endpoint alone and can do nothing in the API or the admin (docs/1c.md, "The account")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    login = models.CharField(_("login"), max_length=64, unique=True)
    password = models.CharField(_("password"), max_length=200, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    encoding = models.CharField(
        _("encoding of the orders' file"),
        max_length=16,
        choices=Encoding.choices,
        default=Encoding.UTF8,
        help_text=_("Older 1C configurations read Windows-1251."),
    )
    use_zip = models.BooleanField(
        _("files in a ZIP archive"),
        default=False,
        help_text=_("1C packs the files it sends into one archive."),
    )
    overwrite_descriptions = models.BooleanField(
        _("1C's descriptions replace the site's"),
        default=False,
        help_text=_("Off: a description written on the site is never overwritten by 1C's."),
    )
    # The orders 1C has confirmed (`mode=success`): every change up to this moment, and of
    # orders changed at this very moment, those up to this id.
    sale_cursor = models.DateTimeField(_("orders confirmed up to"), null=True, blank=True)
    sale_cursor_id = models.UUIDField(null=True, blank=True, editable=False)
    last_catalog_at = models.DateTimeField(
        _("last goods exchange"), null=True, blank=True, editable=False
    )
    last_sale_at = models.DateTimeField(
        _("last orders exchange"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("1C exchange account")
        verbose_name_plural = _("1C exchange accounts")
        ordering = ["login"]

    def __str__(self):
        return self.login


class ExchangeSession(TimestampedModel):
    """One exchange as 1C runs it: from `checkauth` on, under the cookie it was given."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        ExchangeAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    exchange_type = models.CharField(_("exchange"), max_length=16, choices=ExchangeType.choices)
    cookie_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("cookie expires"))
    client_ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    # The orders `query` handed out and 1C has not yet confirmed: up to this change.
    pending_cursor = models.DateTimeField(null=True, blank=True, editable=False)
    pending_cursor_id = models.UUIDField(null=True, blank=True, editable=False)
    orders_sent = models.PositiveIntegerField(_("orders sent"), default=0)
    succeeded_at = models.DateTimeField(_("confirmed by 1C"), null=True, blank=True)

    class Meta:
        verbose_name = _("1C exchange session")
        verbose_name_plural = _("1C exchange sessions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.account} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ExchangeFile(TimestampedModel):
    """A file 1C sent in a session, and how far its import has gone: the goods applied so far,
    in whole batches (`position`), and what became of them."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        ExchangeSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField(_("file"), max_length=200)
    status = StatusField(
        _("status"), max_length=16, transitions=FILE_TRANSITIONS, default=FileStatus.RECEIVING
    )
    size = models.BigIntegerField(_("bytes"), default=0)
    parts = models.PositiveIntegerField(_("parts received"), default=0)
    checked = models.BooleanField(_("checked whole"), default=False)
    total = models.PositiveIntegerField(_("records"), default=0)
    position = models.PositiveIntegerField(_("records done"), default=0)
    batches_done = models.PositiveIntegerField(default=0, editable=False)
    created = models.PositiveIntegerField(pgettext_lazy("1c count", "created"), default=0)
    changed = models.PositiveIntegerField(pgettext_lazy("1c count", "changed"), default=0)
    unchanged = models.PositiveIntegerField(pgettext_lazy("1c count", "unchanged"), default=0)
    refused = models.PositiveIntegerField(pgettext_lazy("1c count", "refused"), default=0)
    skipped = models.PositiveIntegerField(pgettext_lazy("1c count", "skipped"), default=0)
    failure_reason = models.TextField(_("why it was refused"), blank=True)
    # An import call at work on the file holds it until then: another waits (`progress`).
    busy_until = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("1C exchange file")
        verbose_name_plural = _("1C exchange files")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="onec_file_once_a_session"),
            models.CheckConstraint(
                condition=Q(position__lte=models.F("total")) | Q(total=0),
                name="onec_file_position_within",
            ),
        ]

    def __str__(self):
        return self.name


class FileChunk(models.Model):
    """One part of a file as 1C sent it (`mode=file`), in order."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    file = models.ForeignKey(ExchangeFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="onec_chunk_seq")]

    def __str__(self):
        return f"{self.file_id} #{self.seq}"


class FileBatch(models.Model):
    """A batch of a file's records, read and checked, kept until applied: the file is read
    once, and each import call applies the batches from where the last stopped. Batch 0 holds
    what the rest need (the classifier, the warehouses and price types declared)."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    file = models.ForeignKey(ExchangeFile, on_delete=models.CASCADE, related_name="batches")
    seq = models.PositiveIntegerField()
    records = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="onec_batch_seq")]

    def __str__(self):
        return f"{self.file_id} batch {self.seq}"


class Refusal(models.Model):
    """A record an import refused, and why: what the exchange log shows of it."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    file = models.ForeignKey(
        ExchangeFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="refusals"
    )
    record = models.CharField(_("1C's id"), max_length=100)
    name = models.CharField(_("name"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=1000)

    class Meta:
        verbose_name = _("refused record")
        verbose_name_plural = _("refused records")
        ordering = ["id"]

    def __str__(self):
        return f"{self.record}: {self.reason}"


class OutboxEvent(OutboxEventBase):
    pass


class InboxEvent(InboxEventBase):
    pass
