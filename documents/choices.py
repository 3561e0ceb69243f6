"""What documents the deal produces, and how each is numbered."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.transitions import ANYONE, TransitionMap


class DocumentKind(models.TextChoices):
    OFFER = "offer", pgettext_lazy("document", "Offer")
    INVOICE = "invoice", pgettext_lazy("document", "Invoice")
    SALE_CONTRACT = "sale_contract", pgettext_lazy("document", "Sale contract")
    HANDOVER_ACT = "handover_act", pgettext_lazy("document", "Handover act")
    LOAN_SCHEDULE = "loan_schedule", pgettext_lazy("document", "Loan schedule")
    TRADE_IN_CONTRACT = "trade_in_contract", pgettext_lazy("document", "Buy-back contract")
    # The service department's papers of a work order (docs/service.md, "Papers").
    ACCEPTANCE_ACT = "acceptance_act", pgettext_lazy("document", "Acceptance act")
    WORK_ORDER = "work_order", pgettext_lazy("document", "Work order")
    COMPLETION_ACT = "completion_act", pgettext_lazy("document", "Completion act")


# A document's number is its kind's prefix, the year and its place in that year's sequence of
# the kind: ДКП-2026-000123 (documents.services.document_number_take).
NUMBER_PREFIXES = {
    DocumentKind.OFFER: "КП",
    DocumentKind.INVOICE: "СЧ",
    DocumentKind.SALE_CONTRACT: "ДКП",
    DocumentKind.HANDOVER_ACT: "АПП",
    DocumentKind.LOAN_SCHEDULE: "ГП",
    DocumentKind.TRADE_IN_CONTRACT: "ДВ",
    DocumentKind.ACCEPTANCE_ACT: "АПР",  # акт приёма автомобиля в ремонт
    DocumentKind.WORK_ORDER: "ПЗН",  # печатная форма заказ-наряда: its own number is ЗН-…
    DocumentKind.COMPLETION_ACT: "АВР",  # акт выполненных работ
}


class VoidReason(models.TextChoices):
    """Why a document is void with no successor (docs/documents.md, "Papers follow the
    terms")."""

    LOAN_WITHDRAWN = "loan_withdrawn", _("the loan was given up")


# The languages a document template is written in (settings.LANGUAGES).
TEMPLATE_LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]


class RequisitesChangeStatus(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    APPLIED = "applied", _("applied")
    REJECTED = "rejected", _("rejected")


# A proposal waits, then is applied by a second holder or rejected (docs/documents.md,
# "Requisites"); the service checks who may.
REQUISITES_CHANGE_TRANSITIONS = TransitionMap(
    "requisites change",
    RequisitesChangeStatus,
    {
        (RequisitesChangeStatus.PENDING, RequisitesChangeStatus.APPLIED): ANYONE,
        (RequisitesChangeStatus.PENDING, RequisitesChangeStatus.REJECTED): ANYONE,
    },
)
