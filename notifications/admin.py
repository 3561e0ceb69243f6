"""Notifications in the admin (docs/notifications.md): a template's new version written from the
current one, checked against the notice's documented variables and previewed against its
sample; the delivery log, read only, filtered by customer and order, with the addresses
masked in the list."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, display
from common.admin.people import PeopleMixin
from common.formatting import short_datetime
from notifications import rendering, selectors, services
from notifications.catalogue import NOTICES
from notifications.models import Delivery, Preference, Suppression, Template

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
class TemplateAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    """Versions are never changed: "add" writes the next version, prefilled from the current
    one of `?notice=&channel=&language=`; each has a preview against its notice's sample."""

    using = DB
    form = TemplateVersionForm
    list_display = ["notice", "channel", "language", "version", "created_at", "preview_link"]
    list_filter = ["channel", "language", "notice"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        asked = {name: request.GET.get(name, "") for name in ("notice", "channel", "language")}
        current = services.template_current(**asked) if asked["notice"] in NOTICES else None
        if current is None:
            return initial
        return {**initial, **asked, "subject": current.subject, "body": current.body}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.template_version_create(
            notice=data["notice"],
            channel=data["channel"],
            language=data["language"],
            subject=data.get("subject", ""),
            body=data["body"],
            user=request.user,
        )
        obj.pk, obj.version = saved.pk, saved.version

    @display(_("preview"))
    def preview_link(self, template: Template) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">{}</a>',
            reverse("admin:notifications_template_preview", args=[template.pk]),
            _("preview"),
            reverse("admin:notifications_template_add")
            + f"?notice={template.notice}&channel={template.channel}"
            f"&language={template.language}",
            _("new version"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="notifications_template_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The version rendered against its notice's sample: the subject, the text and, for
        an e-mail, the HTML part as the customer sees it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        template = get_object_or_404(Template.objects.using(DB), pk=pk)
        sample = NOTICES[template.notice].variables
        html = render_to_string(
            "notifications/email.html",
            {
                "body": rendering.render(template.body, sample, html=True).replace("\n", "<br>"),
                "site_url": sample["site_url"],
            },
        )
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

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        cards = accounts_selectors.user_cards(user_ids=[d.user_id for d in changelist.result_list])
        for delivery in changelist.result_list:
            card = cards.get(str(delivery.user_id))
            delivery.customer_name = card.full_name if card else str(delivery.user_id)[:8]
        return changelist

    @display(_("created"), ordering="created_at")
    def created(self, delivery: Delivery) -> str:
        return short_datetime(delivery.created_at)

    @display(_("customer"))
    def customer(self, delivery: Delivery) -> str:
        return getattr(delivery, "customer_name", str(delivery.user_id)[:8])

    @display(_("recipient"))
    def recipient_masked(self, delivery: Delivery) -> str:
        return selectors.masked(delivery.recipient)


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
class PreferenceAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    using = DB
    list_display = [
        "user_id",
        "email_reminders",
        "email_marketing",
        "sms_transactional",
        "sms_reminders",
        "sms_marketing",
        "marketing_consent_at",
    ]
    search_fields = ["=user_id"]
