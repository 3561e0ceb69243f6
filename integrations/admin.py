"""Webhooks in the admin, for admins: subscriptions with their deliveries and every attempt.
Sending again goes through the services, as the API does."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    date_range_filter,
    display,
    reason_action,
    service_action,
)
from common.api.exceptions import ApplicationError
from integrations import services
from integrations.choices import Misfit
from integrations.models import Feed, WebhookAttempt, WebhookDelivery, WebhookSubscription
from integrations.targets import target_check

DB = "integrations"


class SinceForm(forms.Form):
    since = forms.DateTimeField(
        label=_("since"), help_text=_("Every delivery of an event from then on (UTC).")
    )


class AdminsOnlyMixin:
    """Integrations reach outside: only admins (superusers) see or change them."""

    def has_module_permission(self, request):
        return request.user.is_superuser


class WebhookSubscriptionForm(forms.ModelForm):
    """The services' checks as form errors, before anything is saved."""

    url = forms.URLField(max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "event_types", "is_active"]

    def clean(self):
        data = super().clean()
        patterns = data.get("event_types")
        try:
            if "url" in data:
                target_check(data["url"])
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise forms.ValidationError({"event_types": _('A list of patterns: ["order.*"].')})
            services.event_types_check(patterns)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AdminsOnlyMixin, DatabaseAdminMixin, admin.ModelAdmin):
    using = DB
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "is_active", "failing_since", "disabled_at", "created_at"]
    list_filter = [date_range_filter("created_at", _("created")), "is_active"]
    search_fields = ["name", "url"]
    fields = [
        "name",
        "url",
        "event_types",
        "is_active",
        "owner_id",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires_at",
    ]
    readonly_fields = [
        "owner_id",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires_at",
    ]
    actions = [
        "rotate_secret",
        reason_action(
            lambda request, subscription, since: services.subscription_redeliver_since(
                subscription_id=subscription.pk, since=since
            ),
            name="redeliver_since",
            description=_("Send again every delivery since a time"),
            done=_("Sent again for"),
            permission="change",
            form_class=SinceForm,
        ),
    ]

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        """New secrets, shown on the page this answers with and nowhere else, ever again
        (docs/integrations.md, "Secrets"); the old ones still sign for the overlap."""
        rotated = [
            services.subscription_secret_rotate(subscription_id=subscription.pk)
            for subscription in queryset
        ]
        return self._secrets_page(request, _("New signing secrets"), rotated)

    def response_add(self, request, obj, post_url_continue=None):
        """The new subscription's secret, on this page only (never in a message: messages
        may travel in a cookie)."""
        created = WebhookSubscription.objects.using(DB).get(pk=obj.pk)
        return self._secrets_page(request, _("The new subscription's signing secret"), [created])

    def _secrets_page(self, request, title, subscriptions):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "shown": [(subscription, subscription.secret) for subscription in subscriptions],
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/integrations/secrets_shown.html", context)
        add_never_cache_headers(response)
        return response

    def save_model(self, request, obj, form, change):
        """Through the services: the target and the event types are checked there."""
        fields = {
            name: form.cleaned_data[name] for name in ("name", "url", "event_types", "is_active")
        }
        if change:
            services.subscription_update(
                subscription=WebhookSubscription.objects.using(DB).get(pk=obj.pk), **fields
            )
        else:
            created = services.subscription_create(owner_id=request.user.pk, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.subscription_delete(subscription=obj)


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    fields = readonly_fields = (
        "number",
        "created_at",
        "status_code",
        "latency_ms",
        "error",
        "response_excerpt",
    )
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(
    AdminsOnlyMixin, ReadOnlyAdminMixin, DatabaseAdminMixin, admin.ModelAdmin
):
    using = DB
    list_display = [
        "event_type",
        "subscription",
        "status",
        "attempts",
        "occurred_at",
        "next_attempt_at",
    ]
    list_filter = [date_range_filter("occurred_at", _("occurred")), "status", "event_type"]
    list_select_related = ["subscription"]
    search_fields = ["=event_id", "=ordering_key"]
    inlines = [WebhookAttemptInline]
    actions = [
        service_action(
            lambda request, delivery: services.delivery_redeliver(delivery_id=delivery.pk),
            description=_("Send the selected deliveries again"),
            done=_("Sent again"),
        )
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Feed)
class FeedAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    """The classifieds' feeds (docs/feeds.md): where each is pulled from, how many cars it
    holds, and the cars on sale it leaves out with the reasons, for a manager to fix."""

    using = "integrations"
    list_display = ["__str__", "kind", "published_count", "left_out", "generated_at", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = [
        "kind",
        "showroom_id",
        "contact_name",
        "is_active",
        "address",
        "generated_at",
        "published_count",
        "left_out_list",
    ]
    readonly_fields = ["address", "generated_at", "published_count", "left_out_list"]

    @display(_("cars left out"))
    def left_out(self, feed: Feed) -> int:
        return len(feed.excluded)

    @display(_("address the site pulls"))
    def address(self, feed: Feed) -> str:
        if feed._state.adding:
            return "—"
        path = reverse("feed-file", args=[feed.kind, feed.token])
        return f"{settings.SITE_URL}{path}"

    @display(_("cars left out, and why"))
    def left_out_list(self, feed: Feed) -> str:
        if not feed.excluded:
            return "—"
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>: {}</li>',
            (
                (
                    reverse("admin:catalog_product_change", args=[car["id"]]),
                    car["name"],
                    ", ".join(str(Misfit(reason).label) for reason in car["reasons"]),
                )
                for car in feed.excluded
            ),
        )
        return format_html('<ul class="feed-left-out">{}</ul>', rows)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from integrations import tasks

        feed_id = str(obj.pk)  # written by a worker: a large catalog takes a while
        transaction.on_commit(
            lambda: tasks.feed_generate_task.delay(feed_id), using="integrations", robust=True
        )
