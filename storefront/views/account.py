"""Signing in, up and out with a session cookie, with a password or with Google, and the
account page. The sign-in is the API's, through the same services: the same lockout, the
same `login` limit, the same record and event (docs/storefront.md, "Signing in")."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from accounts import services as accounts
from accounts.choices import ConsentPurpose
from common.api.exceptions import ApplicationError
from common.api.throttling import client_ip, throttled
from common.pacing import answers_after
from notifications import selectors as notifications_selectors
from notifications import services as notifications_services
from showroom import selectors as showroom
from storefront.forms import (
    GoogleSignInForm,
    NotificationsForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
)
from storefront.pages import page
from tradein import selectors as tradein

BACKEND = "accounts.lockout.LockoutBackend"
# What a Google sign-in started in this browser keeps until Google sends it back: the value
# that binds the flow to this browser, and where to go afterwards.
GOOGLE_FLOW = "storefront.google_flow"


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
            login(request, user, backend=BACKEND)
            return HttpResponseRedirect(_next(request))
    return _sign_in_page(request, form=form, status=400 if form.is_bound else 200)


def _sign_in_page(
    request: HttpRequest,
    *,
    form: SignInForm | SignUpForm | None = None,
    google: GoogleSignInForm | None = None,
    status: int = 200,
    template: str = "storefront/sign_in.html",
    **context: Any,
) -> HttpResponse:
    """The sign-in (or sign-up) page, with Google's button where Google sign-in is set up."""
    offered = accounts_selectors.google_sign_in_offered()
    return render(
        request,
        template,
        {
            "form": form or SignInForm(),
            "google": (google or GoogleSignInForm()) if offered else None,
            "next": _next(request),
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@throttled("register", page=True)
@page
@answers_after("ACCOUNTS_ANSWER_AFTER_SECONDS")  # docs/security.md, "Account enumeration"
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
                city=data["city"],
            )
        except ApplicationError as error:
            for field, problems in error.details.items():
                form.add_error(field if field in form.fields else None, problems)
            if not error.details:
                form.add_error(None, str(error.message))
        else:
            # An e-mail with an account already is answered as a new one, and its owner told
            # by e-mail; so nobody is signed in here, lest the answer tell the two apart
            # (docs/security.md, "Account enumeration").
            if not user._state.adding:
                accounts.consent_give(
                    purpose=ConsentPurpose.ACCOUNT,
                    user=user,
                    email=user.email,
                    phone=str(user.phone),
                    ip_address=ip_address,
                )
            messages.success(
                request,
                _(
                    "We sent a message to %(email)s: open the link in it to confirm the "
                    "address, then sign in."
                )
                % {"email": user.email},
            )
            return HttpResponseRedirect(
                f"{reverse('storefront:sign-in')}?{urlencode({'next': _next(request)})}"
            )
    return _sign_in_page(
        request,
        form=form,
        status=400 if form.is_bound else 200,
        template="storefront/sign_up.html",
    )


@require_POST
@throttled("login", page=True)
@page
def google_start(request: HttpRequest) -> HttpResponse:
    """Off to Google, once the account's consent is ticked; the flow is bound to this
    browser's session."""
    google = GoogleSignInForm(request.POST)
    if google.is_valid():
        callback = settings.SITE_URL + reverse("storefront:google-callback")
        try:
            flow = accounts.identity_session_start(redirect_uri=callback)
        except ApplicationError as error:  # Google does not answer
            google.add_error(None, str(error.message))
        else:
            request.session[GOOGLE_FLOW] = {"binding": flow.binding, "next": _next(request)}
            return HttpResponseRedirect(flow.authorization_url)
    return _sign_in_page(request, google=google, status=400)


@require_GET
@throttled("login", methods=("GET",), page=True)
@page
def google_callback(request: HttpRequest) -> HttpResponse:
    """Where Google sends the browser back: signed in (and the consent ticked before leaving
    recorded, for a new account), or told to confirm a link from their mailbox first."""
    started = request.session.pop(GOOGLE_FLOW, None) or {}
    if request.GET.get("error"):
        return _google_refused(request, _("Google signed nobody in; try again."))
    ip_address = client_ip(request)
    try:
        outcome = accounts.identity_session_finish(
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            binding=started.get("binding"),
            ip_address=ip_address,
        )
    except ApplicationError as error:
        return _google_refused(request, str(error.message), status=error.http_status)
    if outcome.user is None:
        return _sign_in_page(request, link_sent_to=outcome.confirmation_sent_to)
    user = outcome.user
    consented = accounts_selectors.consent_list(user=user).filter(
        purpose=ConsentPurpose.ACCOUNT, withdrawn_at__isnull=True
    )
    if not consented.exists():
        accounts.consent_give(
            purpose=ConsentPurpose.ACCOUNT, user=user, email=user.email, ip_address=ip_address
        )
    login(request, user, backend=BACKEND)
    return HttpResponseRedirect(started.get("next") or reverse("storefront:home"))


def _google_refused(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return _sign_in_page(request, status=status, google_error=message)


@require_http_methods(["GET", "POST"])
@throttled("register", page=True)
@page
@answers_after("ACCOUNTS_ANSWER_AFTER_SECONDS")
def password_forgotten(request: HttpRequest) -> HttpResponse:
    """Asks for a link to set a new password; the answer is the same whether or not the
    address has an account, so that nobody learns who has one."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        accounts.password_reset_request(
            email=form.cleaned_data["email"], ip_address=client_ip(request)
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        return render(request, "storefront/password_forgotten.html", {"sent": True, "hours": hours})
    status = 400 if form.is_bound else 200
    return render(request, "storefront/password_forgotten.html", {"form": form}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("storefront:home"))


@require_http_methods(["GET", "POST"])
@page
def account_page(request: HttpRequest) -> HttpResponse:
    """The profile (name, phone, language), the test drives, the event registrations and
    the consents."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('storefront:sign-in')}?next={request.path}")
    user: Any = request.user
    initial = {
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language or translation.get_language(),
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        accounts.user_profile_update(user=user, full_name=data["full_name"], phone=data["phone"])
        accounts.user_language_set(user=user, language=data["language"])
        translation.activate(data["language"])
        messages.success(request, _("Saved."))
        response = HttpResponseRedirect(reverse("storefront:account"))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            data["language"],
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
    return render(
        request,
        "storefront/account.html",
        {
            "form": form,
            "consents": accounts_selectors.consent_list(user=user),
            "test_drives": showroom.test_drive_list(user=user).order_by("-start_time")[:10],
            "registrations": showroom.registration_list(user=user).order_by("-created_at")[:10],
            "trade_ins": tradein.trade_in_list(user=user).filter(customer_id=user.pk)[:10],
            "notifications_form": NotificationsForm(initial=_notification_choices(user)),
        },
        status=400 if form.is_bound else 200,
    )


def _notification_choices(user: Any) -> dict[str, bool]:
    preference = notifications_selectors.preference_get(user=user)
    return {
        **{
            f"{channel}_{category}": preference.allows(channel, category)
            for channel in ("email", "sms")
            for category in ("transactional", "reminders", "marketing")
        },
        "marketing_consent": preference.marketing_consent_at is not None,
    }


@require_POST
def account_notifications(request: HttpRequest) -> HttpResponse:
    """The account page's choice of messages, saved through the preferences service."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("storefront:sign-in"))
    form = NotificationsForm(request.POST)
    if form.is_valid():
        notifications_services.preferences_update(
            user=request.user,
            changes=form.changes(),
            marketing_consent=form.cleaned_data["marketing_consent"],
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(f"{reverse('storefront:account')}#messages")


@require_http_methods(["GET", "POST"])
@page
def consent_withdraw(request: HttpRequest, consent_id: UUID) -> HttpResponse:
    """Withdraws a consent: at once for most, after a confirming page for the account's own,
    which closes the account."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("storefront:sign-in"))
    consent = accounts_selectors.consent_list(user=request.user).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    closes_account = consent.purpose == ConsentPurpose.ACCOUNT
    if request.method == "GET" or (closes_account and not request.POST.get("confirm")):
        return render(request, "storefront/consent_withdraw.html", {"consent": consent})
    consent = accounts.consent_withdraw(user=request.user, consent_id=consent_id)
    if closes_account:
        logout(request)
        messages.success(
            request,
            _(
                "Your account is closed and we no longer process your data for it; "
                "your orders are kept as the law on sales requires."
            ),
        )
        return HttpResponseRedirect(reverse("storefront:home"))
    messages.success(
        request,
        _("Consent withdrawn: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
    )
    return HttpResponseRedirect(reverse("storefront:account"))
