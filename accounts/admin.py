import uuid

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import ActivityLog, Consent, ExternalIdentity, SignInFailure, User
from common.admin import ReadOnlyAdminMixin, date_range_filter
from common.showrooms import showroom_names


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password": the user's tokens and open sockets end, as with every
    other password change (docs/security.md, "Tokens")."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.tokens_revoke_all(user=user, reason="password_changed")
        return user


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Linked sign-ins: read-only; an admin unlinks one by deleting it (the API refuses to
    unlink the last way to sign in, the admin trusts the admin)."""

    list_display = ["user", "provider", "subject", "email", "created_at", "last_login_at"]
    list_filter = ["provider", date_range_filter("created_at", _("linked"))]
    list_select_related = ["user"]
    search_fields = ["user__email", "email", "=subject"]
    readonly_fields = ["user", "provider", "subject", "email", "created_at", "last_login_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = StaffPasswordChangeForm
    ordering = ["-created_at"]
    list_display = ["email", "full_name", "role", "language", "is_active", "created_at"]
    list_filter = ["role", "is_active", "language", date_range_filter("created_at")]
    search_fields = ["email", "username", "full_name", "phone"]
    # Roles change through the API or `accounts_create_staff`, which log and announce it; the
    # username through `users/me`, which compares it in its one form.
    readonly_fields = [
        "id",
        "username",
        "role",
        "last_login",
        "linked_identities",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        (_("Profile"), {"fields": ["username", "full_name", "phone", "language"]}),
        (
            _("Access"),
            {"fields": ["role", "whole_group", "showroom_ids", "is_active", "linked_identities"]},
        ),
        (_("Dates"), {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "language", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = []

    @admin.display(description=_("Linked sign-ins"))
    def linked_identities(self, user):
        return format_html_join(
            ", ",
            '<a href="{}">{} {}</a>',
            (
                (
                    reverse("admin:accounts_externalidentity_change", args=[i.pk]),
                    i.provider,
                    i.email,
                )
                for i in user.identities.all()
            ),
        ) or _("none")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Whose records a manager sees (docs/showrooms.md): ticked by name, kept as ids. Only
        # admins open this page (accounts is not among the managers' apps).
        if db_field.name == "showroom_ids":
            return forms.TypedMultipleChoiceField(
                choices=showroom_names,
                coerce=uuid.UUID,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=db_field.verbose_name,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return [*fields, "is_active"]  # nobody deactivates themselves
        return fields

    def save_model(self, request, obj, form, change):
        """`is_active` changes only through `user_active_set`, which logs and announces it
        and revokes the user's tokens; the other fields save as the form has them."""
        wanted = obj.is_active
        if change:  # the plain save keeps the stored flag
            obj.is_active = User.objects.values_list("is_active", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        if wanted != obj.is_active:
            services.user_active_set(actor=request.user, user=obj, is_active=wanted)

    def delete_model(self, request, obj):
        services.user_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(actor=request.user, user=user)


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "type", "ip_address"]
    list_filter = ["type", date_range_filter("created_at")]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["id", "user", "type", "ip_address", "details", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    """The failures the lockout counts (accounts/lockout.py). Deleting them unlocks, as
    `manage.py accounts_unlock EMAIL` does for all of an account's at once."""

    list_display = ["created_at", "user", "ip_address"]
    list_filter = [date_range_filter("created_at")]

    search_fields = ["user__email", "ip_address"]
    list_select_related = ["user"]
    readonly_fields = ["id", "user", "ip_address", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The consents to personal data processing, the proof of each (docs/storefront.md,
    "Personal data"): only their givers withdraw them."""

    list_display = ["given_at", "purpose", "user", "email", "phone", "text_version", "withdrawn_at"]
    list_filter = ["purpose", date_range_filter("given_at")]
    search_fields = ["user__email", "email", "phone"]
    list_select_related = ["user"]
