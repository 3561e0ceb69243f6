"""The pages the e-mails link to (a password reset, a link of an external account, an e-mail
verification, an e-mail change): the confirm steps, for people rather than API clients (which post to the
`auth/...` endpoints). Plain forms, no script."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from common.api.exceptions import ApplicationError
from common.api.throttling import client_ip, throttled


class PasswordResetForm(forms.Form):
    uid = forms.CharField(max_length=64, widget=forms.HiddenInput)
    token = forms.CharField(max_length=128, widget=forms.HiddenInput)
    new_password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label=_("New password"),
    )


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
def password_reset_page(request):
    done = False
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                services.password_reset_confirm(**form.cleaned_data, ip_address=client_ip(request))
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                for messages in exc.details.values():  # the password validators' reasons
                    form.add_error(None, messages)
            else:
                done = True
    else:
        form = PasswordResetForm(initial=request.GET.dict())
    return render(request, "accounts/reset_password.html", {"form": form, "done": done})


class TokenForm(forms.Form):
    token = forms.CharField(max_length=1024, widget=forms.HiddenInput)


def _confirm_page(request, *, confirm, template: str, result: str):
    """A page an e-mailed link opens with its signed `token`: it acts only on a click (a
    POST), so that a mail scanner that follows the link changes nothing. `confirm(token)`
    is the service; what it returns is shown as `result`."""
    done = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                done = confirm(form.cleaned_data["token"])
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
    else:
        form = TokenForm(initial=request.GET.dict())
    return render(request, template, {"form": form, result: done})


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
def identity_link_page(request):
    """The page an identity-link e-mail opens."""
    return _confirm_page(
        request,
        confirm=lambda token: services.identity_link_confirm(token=token),
        template="accounts/link_account.html",
        result="identity",
    )


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
def email_verify_page(request):
    """The page a verification e-mail opens."""
    return _confirm_page(
        request,
        confirm=lambda token: services.email_verify_confirm(token=token),
        template="accounts/verify_email.html",
        result="verified",
    )


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
def email_change_cancel_page(request):
    """The page the link sent to the current address opens: it stops or undoes the change."""
    return _confirm_page(
        request,
        confirm=lambda token: services.email_change_cancel(
            token=token, ip_address=client_ip(request)
        ),
        template="accounts/cancel_email_change.html",
        result="cancelled",
    )


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
def email_change_page(request):
    """The page an e-mail change's link opens."""
    return _confirm_page(
        request,
        confirm=lambda token: services.email_change_confirm(
            token=token, ip_address=client_ip(request)
        ),
        template="accounts/change_email.html",
        result="changed",
    )


# The admin's language switch, which also saves the choice on a signed-in user, so that their
# next session, on any device, opens in it, and their e-mails come in it (docs/admin.md,
# "Languages").
@require_POST
def set_language(request):
    """Django's `set_language` (the cookie, the redirect back), then the user's own setting."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
