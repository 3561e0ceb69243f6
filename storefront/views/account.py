"""Signing in, up and out with a session cookie. The sign-in is the API's, through the same
service: the same lockout, the same `login` limit, the same record and event."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from accounts import services as accounts
from accounts.choices import ConsentPurpose
from common.exceptions import ApplicationError
from common.throttling import client_ip, throttled
from showroom import selectors as showroom
from storefront.forms import SignInForm, SignUpForm
from storefront.pages import page


def _next(request: HttpRequest) -> str:
    """Where to go once signed in: the page that asked, if it is this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("storefront:home")


@require_http_methods(["GET", "POST"])
@throttled("login", page=True)
@page
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = accounts.session_sign_in(ip_address=client_ip(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            login(request, user, backend="accounts.lockout.LockoutBackend")
            return HttpResponseRedirect(_next(request))
    status = 400 if form.is_bound else 200
    return render(
        request, "storefront/sign_in.html", {"form": form, "next": _next(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
@throttled("register", page=True)
@page
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data, ip_address = form.cleaned_data, client_ip(request)
        try:
            user = accounts.user_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                phone=data["phone"],
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            for field, problems in error.details.items():
                form.add_error(field if field in form.fields else None, problems)
            if not error.details:
                form.add_error(None, str(error.message))
        else:
            accounts.consent_give(
                purpose=ConsentPurpose.ACCOUNT,
                user=user,
                email=user.email,
                phone=str(user.phone),
                ip_address=ip_address,
            )
            signed_in = accounts.session_sign_in(
                login=user.email, password=data["password"], ip_address=ip_address
            )
            login(request, signed_in, backend="accounts.lockout.LockoutBackend")
            messages.success(
                request,
                _("Welcome! We sent a link to %(email)s: open it to confirm the address.")
                % {"email": user.email},
            )
            return HttpResponseRedirect(_next(request))
    status = 400 if form.is_bound else 200
    return render(
        request, "storefront/sign_up.html", {"form": form, "next": _next(request)}, status=status
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("storefront:home"))


@require_GET
@page
def account_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('storefront:sign-in')}?next={request.path}")
    user: Any = request.user
    return render(
        request,
        "storefront/account.html",
        {
            "consents": accounts_selectors.consent_list(user=user),
            "test_drives": showroom.test_drive_list(user=user).order_by("-start_time")[:10],
            "registrations": showroom.registration_list(user=user).order_by("-created_at")[:10],
        },
    )


@require_POST
@page
def consent_withdraw(request: HttpRequest, consent_id: UUID) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("storefront:sign-in"))
    consent = accounts.consent_withdraw(user=request.user, consent_id=consent_id)
    messages.success(
        request,
        _("Consent withdrawn: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
    )
    return HttpResponseRedirect(reverse("storefront:account"))
