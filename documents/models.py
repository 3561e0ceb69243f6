"""Models of the documents domain, in the `documents` database: the dealership's legal
entity, the document templates and the documents made from them (docs/documents.md). Orders
and users belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from documents.choices import (
    REQUISITES_CHANGE_TRANSITIONS,
    TEMPLATE_LANGUAGES,
    DocumentKind,
    RequisitesChangeStatus,
    VoidReason,
)
from documents.requisites import (
    validate_account,
    validate_bik,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)
from documents.storage import documents_storage

# The requisites the customers' money goes to: they are changed only by a proposal that a
# second holder of `documents.change_requisites` confirms (docs/documents.md, "Requisites").
REQUISITE_FIELDS = ("inn", "kpp", "bank_name", "bik", "account", "correspondent_account")


class LegalEntity(TimestampedModel):
    """Who sells: the dealership's legal entity as its papers name it, one per showroom. The
    default one signs every document (`is_default`). One added in the admin signs nothing
    until a second holder of `documents.change_requisites`, not the one who added it, confirms
    its requisites (docs/documents.md, "Requisites")."""

    showroom = models.CharField(
        _("showroom"), max_length=200, unique=True, help_text=_("The showroom it sells from.")
    )
    is_default = models.BooleanField(_("signs the documents"), default=False)
    name = models.CharField(
        _("full name"), max_length=300, help_text=_("Общество с ограниченной ответственностью «…»")
    )
    short_name = models.CharField(_("short name"), max_length=200, help_text=_("ООО «…»"))
    inn = models.CharField(_("INN"), max_length=12, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN"), max_length=15, validators=[validate_ogrn])
    address = models.CharField(_("legal address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=300)
    bik = models.CharField(_("BIK"), max_length=9, validators=[validate_bik])
    account = models.CharField(
        _("settlement account"), max_length=20, validators=[validate_account]
    )
    correspondent_account = models.CharField(
        _("correspondent account"), max_length=20, validators=[validate_account]
    )
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's position"), max_length=200)
    represented_by = models.CharField(
        _("represented by"),
        max_length=300,
        help_text=_(
            "The signatory as «в лице …» reads: генерального директора Иванова Ивана Ивановича"
        ),
    )
    signatory_authority = models.CharField(
        _("acting on the basis of"),
        max_length=200,
        help_text=_("Устава; доверенности № … от …"),
    )

    added_by_id = models.UUIDField(_("added by"), null=True, blank=True, editable=False)
    confirmed_by_id = models.UUIDField(
        _("requisites confirmed by"), null=True, blank=True, editable=False
    )
    confirmed_at = models.DateTimeField(
        _("requisites confirmed"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")
        ordering = ["showroom"]
        permissions = [("change_requisites", _("Can propose and confirm the bank requisites"))]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="documents_one_default_legal_entity",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(confirmed_at__isnull=False),
                name="documents_default_legal_entity_confirmed",
                violation_error_message=_(
                    "Only a legal entity whose requisites a second staff member confirmed "
                    "signs the documents."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.showroom})"


class RequisitesChange(TimestampedModel):
    """A proposal to change a legal entity's requisites: it takes effect only when a second
    holder of `documents.change_requisites`, not the proposer, confirms these same values
    (docs/documents.md, "Requisites"). Its values never change once proposed."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    legal_entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="requisites_changes",
    )
    status = StatusField(
        _("status"),
        transitions=REQUISITES_CHANGE_TRANSITIONS,
        max_length=10,
        default=RequisitesChangeStatus.PENDING,
    )
    inn = models.CharField(_("INN"), max_length=12, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    bank_name = models.CharField(_("bank"), max_length=300)
    bik = models.CharField(_("BIK"), max_length=9, validators=[validate_bik])
    account = models.CharField(
        _("settlement account"), max_length=20, validators=[validate_account]
    )
    correspondent_account = models.CharField(
        _("correspondent account"), max_length=20, validators=[validate_account]
    )
    # The requisites in force when it was proposed: what the confirmer sees it replace.
    previous = models.JSONField(_("requisites before"), default=dict)
    proposed_by_id = models.UUIDField(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"))
    confirmed_by_id = models.UUIDField(_("confirmed by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rejected_by_id = models.UUIDField(_("rejected by"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)

    class Meta:
        verbose_name = _("requisites change")
        verbose_name_plural = _("requisites changes")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity"],
                condition=Q(status="pending"),
                name="documents_one_pending_requisites_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} ({self.get_status_display()})"

    def values(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in REQUISITE_FIELDS}


class DocumentTemplate(models.Model):
    """One version of a kind's template in one language: HTML for Django's template engine
    and its CSS. A version is never changed; an edit is the next version, and the documents
    made from the old one keep it (docs/documents.md, "Templates")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=5, choices=TEMPLATE_LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by_id = models.UUIDField(_("created by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="documents_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}), v{self.version}"


class DocumentSequence(models.Model):
    """The last number a legal entity gave to a kind's documents in a year: taken under its
    row's lock in the transaction that stores the document, so numbers have no gaps and no
    repeats. Each legal entity of the group numbers its own papers."""

    legal_entity = models.ForeignKey(
        LegalEntity, verbose_name=_("legal entity"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document numbering")
        verbose_name_plural = _("document numbering")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "kind", "year"], name="documents_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Document(models.Model):
    """A generated document: immutable. A later change makes a new document that
    `supersedes` this one; the file and its SHA-256 stay as they were."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    # Unique for its legal entity: another legal entity of the group numbers its own.
    number = models.CharField(_("number"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    order_id = models.UUIDField(_("order"), db_index=True)
    # None: a service paper of a car driven in by someone without an account.
    customer_id = models.UUIDField(_("customer"), null=True, blank=True, db_index=True)
    # Its order's showroom (docs/showrooms.md, "Staff per showroom"): whose staff see it.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=5)
    template = models.ForeignKey(
        DocumentTemplate, verbose_name=_("template"), on_delete=models.PROTECT
    )
    legal_entity = models.ForeignKey(
        LegalEntity, verbose_name=_("legal entity"), on_delete=models.PROTECT
    )
    file = models.FileField(_("file"), storage=documents_storage, max_length=200)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    # What was rendered, as it was then: the document can be explained without its sources.
    facts = models.JSONField(_("facts"), default=dict)
    # The SHA-256 of the facts and the template that made it: an offer asked for again is
    # this one while they are the same (docs/documents.md, "When").
    facts_sha256 = models.CharField(_("facts' SHA-256"), max_length=64, blank=True)
    created_by_id = models.UUIDField(
        _("generated by"), null=True, blank=True, help_text=_("Empty: generated by the system.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Void with no successor: what it states holds no more (a loan schedule of a loan given
    # up, docs/documents.md "Papers follow the terms"). The one mark a document takes after
    # it is made, by `documents.services.document_void`; its file and facts stay as they were.
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True, editable=False)
    void_reason = models.CharField(
        _("why void"), max_length=20, choices=VoidReason.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "kind", "year", "sequence"], name="documents_number_once"
            ),
            models.UniqueConstraint(
                fields=["legal_entity", "number"], name="documents_number_of_entity_once"
            ),
        ]
        indexes = [models.Index(fields=["order_id", "kind"])]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("A document is immutable: generate a new one that supersedes it.")
        super().save(*args, **kwargs)

    @property
    def replaced_by(self) -> "Document | None":
        """The document that superseded this one, if any: it is then replaced."""
        # The reverse of `supersedes`; Django's missing one is an AttributeError too.
        return getattr(self, "superseded_by", None)


class LoanTerms(TimestampedModel):
    """What documents last heard of a loan application's terms (docs/documents.md, "Papers
    follow the terms"): the moment of the newest report, so that an older one arriving after
    it (events are delivered late and out of order) changes no paper, and whether the loan
    was given up. The terms themselves are read from financing when the schedule is drawn."""

    application_id = models.UUIDField(_("loan application"), primary_key=True)
    order_id = models.UUIDField(_("order"), db_index=True)
    reported_at = models.DateTimeField(_("reported"))
    event_type = models.CharField(_("report"), max_length=64)
    withdrawn = models.BooleanField(_("given up"), default=False)

    class Meta:
        verbose_name = _("loan's terms")
        verbose_name_plural = _("loans' terms")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.event_type}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
