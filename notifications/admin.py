"""Notifications in the admin (docs/notifications.md): a template's new version written from the
current one, checked against the notice's documented variables and previewed against its
sample; the delivery log, read only, filtered by customer and order, with the addresses
masked in the list."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import HttpResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, VersionedTemplateAdmin, display
from common.admin.people import PeopleMixin
from common.formatting import short_datetime
from common.showrooms import showroom_scope
from notifications import rendering, selectors, services
from notifications.catalogue import NOTICES
from notifications.models import Delivery, Preference, Suppression, Template
from orders import selectors as orders_selectors

DB = "notifications"


class TemplateVersionForm(forms.ModelForm):
    notice = forms.ChoiceField(label=_("notice"), choices=[(key, key) for key in NOTICES])

    class Meta:
        model = Template
        fields = ["notice", "channel", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 100})}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        found = services.template_problems(
            notice=cleaned["notice"], subject=cleaned.get("subject", ""), body=cleaned["body"]
        )
        if found:
            raise forms.ValidationError(found)
        return cleaned


@admin.register(Template)
class TemplateAdmin(VersionedTemplateAdmin[Template]):
    """A notice's versions on a channel in a language, each previewed against the notice's
    sample."""

    using = DB
    form = TemplateVersionForm
    list_display = ["notice", "channel", "language", "version", "created_at", "preview_link"]
    list_filter = ["channel", "language", "notice"]
    version_of = ("notice", "channel", "language")

    def version_current(self, request):
        asked = {name: request.GET.get(name, "") for name in self.version_of}
        current = services.template_current(**asked) if asked["notice"] in NOTICES else None
        if current is None:
            return None
        return {**asked, "subject": current.subject, "body": current.body}

    def version_create(self, request, data):
        return services.template_version_create(
            notice=data["notice"],
            channel=data["channel"],
            language=data["language"],
            subject=data.get("subject", ""),
            body=data["body"],
            user=request.user,
        )

    def preview(self, template):
        """The subject, the text and, for an e-mail, the HTML part as the customer sees it."""
        with translation.override(template.language):  # the samples as its language writes them
            sample = NOTICES[template.notice].variables
        html = services.email_html(template.body, sample, language=template.language)
        subject = rendering.render(template.subject, sample)
        text = rendering.render(template.body, sample)
        page = format_html(
            "<p><b>{}</b></p><pre style='white-space:pre-wrap'>{}</pre>", subject, text
        )
        return HttpResponse(
            page + (mark_safe(f"<hr>{html}") if template.channel == "email" else "")
        )


@admin.register(Delivery)
class DeliveryAdmin(PeopleMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    using = DB
    list_display = [
        "created",
        "notice",
        "channel",
        "customer",
        "recipient_masked",
        "status",
        "reason",
        "attempts",
    ]
    list_filter = ["status", "channel", "category", "notice"]
    # By the customer's name, e-mail or phone, and by the order's id.
    search_fields = ["=order_id", "=user_id"]
    people_search_fields = ("user_id",)
    exclude = ["context"]

    def get_queryset(self, request):
        """A showroom's staff see the deliveries about their showrooms' orders and service
        bookings; the group's staff every one (docs/showrooms.md, "Staff per showroom")."""
        deliveries = super().get_queryset(request)
        scope = showroom_scope(request.user)
        if scope is None:
            return deliveries
        orders = list(orders_selectors.order_ids_of_showrooms(showroom_ids=scope))
        return deliveries.filter(Q(order_id__in=orders) | Q(showroom_id__in=scope))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        cards = accounts_selectors.user_cards(user_ids=[d.user_id for d in changelist.result_list])
        for delivery in changelist.result_list:
            card = cards.get(str(delivery.user_id))
            delivery.customer_name = card.full_name if card else _customer_of(delivery)
        return changelist

    @display(_("created"), ordering="created_at")
    def created(self, delivery: Delivery) -> str:
        return short_datetime(delivery.created_at)

    @display(_("customer"))
    def customer(self, delivery: Delivery) -> str:
        return getattr(delivery, "customer_name", None) or _customer_of(delivery)

    @display(_("recipient"))
    def recipient_masked(self, delivery: Delivery) -> str:
        return selectors.masked(delivery.recipient)


def _customer_of(delivery: Delivery) -> str:
    """A customer no card was read for: their id's start, or the name a person of no account
    gave (docs/notifications.md, "Without an account")."""
    if delivery.user_id is None:
        return _("%(name)s (no account)") % {"name": delivery.context.get("name") or "—"}
    return str(delivery.user_id)[:8]


@admin.register(Suppression)
class SuppressionAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB
    list_display = ["channel", "address_masked", "category", "reason", "created_at"]
    list_filter = ["channel", "category"]
    search_fields = ["=address"]

    @display(_("address"))
    def address_masked(self, suppression: Suppression) -> str:
        return selectors.masked(suppression.address)


@admin.register(Preference)
class PreferenceAdmin(PeopleMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    using = DB
    people_fields = {"user_id": _("customer")}
    people_search_fields = ("user_id",)
    list_display = [
        "user_id_person",
        "email_reminders",
        "email_marketing",
        "sms_transactional",
        "sms_reminders",
        "sms_marketing",
        "marketing_consent_at",
    ]
    search_fields = ["=user_id"]
