"""The pages the e-mails link to (a password reset, a link of an external account, an e-mail
verification, an e-mail change): the confirm steps, for people rather than API clients (which post to the
`auth/...` endpoints). Plain forms, no script."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import services
from common.exceptions import ApplicationError
from common.throttling import client_ip, throttled


class PasswordResetForm(forms.Form):
    uid = forms.CharField(max_length=64, widget=forms.HiddenInput)
    token = forms.CharField(max_length=128, widget=forms.HiddenInput)
    new_password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput, label="New password"
    )


@require_http_methods(["GET", "POST"])
@throttled("login")
def password_reset_page(request):
    done = False
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                services.password_reset_confirm(**form.cleaned_data, ip_address=client_ip(request))
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                for messages in exc.details.values():  # the password validators' reasons
                    form.add_error(None, messages)
            else:
                done = True
    else:
        form = PasswordResetForm(initial=request.GET.dict())
    return render(request, "accounts/reset_password.html", {"form": form, "done": done})


class IdentityLinkForm(forms.Form):
    token = forms.CharField(max_length=1024, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@throttled("login")
def identity_link_page(request):
    """The page an identity-link e-mail opens. Linking takes a click (a POST), so that a mail
    scanner that follows the link links nothing."""
    identity = None
    if request.method == "POST":
        form = IdentityLinkForm(request.POST)
        if form.is_valid():
            try:
                identity = services.identity_link_confirm(**form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    else:
        form = IdentityLinkForm(initial=request.GET.dict())
    return render(request, "accounts/link_account.html", {"form": form, "identity": identity})


class EmailVerifyForm(forms.Form):
    token = forms.CharField(max_length=1024, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@throttled("login")
def email_verify_page(request):
    """The page a verification e-mail opens. Verifying takes a click (a POST), so that a mail
    scanner that follows the link verifies nothing."""
    user = None
    if request.method == "POST":
        form = EmailVerifyForm(request.POST)
        if form.is_valid():
            try:
                user = services.email_verify_confirm(**form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    else:
        form = EmailVerifyForm(initial=request.GET.dict())
    return render(request, "accounts/verify_email.html", {"form": form, "verified": user})


@require_http_methods(["GET", "POST"])
@throttled("login")
def email_change_page(request):
    """The page an e-mail change's link opens. Changing takes a click (a POST), so that a
    mail scanner that follows the link changes nothing."""
    user = None
    if request.method == "POST":
        form = EmailVerifyForm(request.POST)
        if form.is_valid():
            try:
                user = services.email_change_confirm(
                    **form.cleaned_data, ip_address=client_ip(request)
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    else:
        form = EmailVerifyForm(initial=request.GET.dict())
    return render(request, "accounts/change_email.html", {"form": form, "changed": user})
