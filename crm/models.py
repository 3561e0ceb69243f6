"""Clients (people and organisations), their contacts and one activity timeline. It lives in
the `crm` database; users live in accounts, so a client's account and manager are plain ids
(docs/architecture.md, "One database per domain")."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from common.formatting import local_datetime
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from crm.choices import (
    CLIENT_TRANSITIONS,
    ActivityKind,
    Channel,
    ClientSource,
    ClientStatus,
    ClientType,
)


class Tag(TimestampedModel):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Client(TimestampedModel):
    """`email` is stored lower-case and `phone` in E.164, so that duplicates compare equal."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(
        _("type"), max_length=16, choices=ClientType.choices, default=ClientType.INDIVIDUAL
    )
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    tax_id = models.CharField(
        _("tax ID (INN)"),
        max_length=12,
        blank=True,
        help_text=_("10 digits for an organisation, 12 for a person."),
    )
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = PhoneNumberField(
        _("phone"), blank=True, db_index=True, help_text=_("In international format: +7 …")
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="clients")
    status = StatusField(
        _("status"), max_length=16, transitions=CLIENT_TRANSITIONS, default=ClientStatus.LEAD
    )
    source = models.CharField(
        _("source"), max_length=16, choices=ClientSource.choices, default=ClientSource.OTHER
    )
    # Where the client came from, as the dashboard counts leads (docs/feeds.md, "Sources"):
    # a lead a manager records, its source; a buyer from the website, the source of their
    # first order (`orders.choices.source_of`); empty until known.
    lead_source = models.CharField(_("lead source"), max_length=40, blank=True, db_index=True)
    # The client's account, if any.
    user_id = models.UUIDField(_("account"), null=True, blank=True)
    manager_id = models.UUIDField(_("manager"), null=True, blank=True, db_index=True)
    # The showroom whose managers look after the client: the car's they first asked about
    # or ordered (docs/crm.md, "Assignment"). None: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    # When the manager was last given (or took) the client: the round robin's turn.
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    last_activity_at = models.DateTimeField(
        _("last activity"), null=True, blank=True, db_index=True
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user_id"],
                condition=Q(user_id__isnull=False),
                name="crm_client_one_per_user",
            ),
        ]

    def __str__(self):
        return self.name


class Contact(TimestampedModel):
    """A person to reach at a client: the fleet manager at a company, a spouse, an assistant."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="crm_contact_reachable"
            ),
        ]

    def __str__(self):
        return self.name


class Activity(models.Model):
    """One entry of a client's timeline: logged by staff (`author_id`), or written from
    another app's event (`event_id`, at most once), linked to its source by type and id."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"), max_length=10000, blank=True)
    author_id = models.UUIDField(_("author"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred"))
    source_type = models.CharField(_("source type"), max_length=32, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    event_id = models.UUIDField(_("event id"), null=True, blank=True, unique=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["client", "-occurred_at", "-id"])]

    def __str__(self):
        return f"{self.get_kind_display()} {local_datetime(self.occurred_at)}"


class Erasure(models.Model):
    """The audit row of a right-to-be-forgotten request: who asked, when, why, and what of the
    client was kept (counts only)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="erasures"
    )
    requested_by = models.CharField(_("requested by"), max_length=200)
    reason = models.CharField(_("reason"), max_length=500)
    activity_counts = models.JSONField(_("activities kept"), default=dict)
    contacts_removed = models.PositiveIntegerField(_("contacts removed"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Erasure of %(when)s") % {"when": local_datetime(self.created_at)}


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
