"""The API's sign-in and its tokens: signing up, tokens and signing out, passwords, Google
sign-in and its link, the e-mail's confirmations, and WebSocket tickets (`auth/` routes)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import oidc, services
from accounts.api import serializers as s
from accounts.error_codes import AccountErrorCode
from common.api.exceptions import ApplicationError
from common.api.throttling import client_ip
from common.pacing import answers_after


class PublicAuthView(APIView):
    """Endpoints that work without an access token; a stale header must not get in the way.
    Each counts in the rate-limit bucket its `throttle_scope` names (docs/security.md)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _chosen_language(request) -> str:
    """The language the browser or the site's switch asked for, which the new account keeps
    for its e-mails; none when the request named none (the dealership's is used then)."""
    asked = request.headers.get("Accept-Language") or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME
    )
    return translation.get_language_from_request(request) if asked else ""


class RegisterView(PublicAuthView):
    throttle_scope = "register"

    @extend_schema(
        request=s.UserRegisterInputSerializer,
        responses={201: s.UserOutputSerializer},
        summary="Register a client",
    )
    @answers_after("ACCOUNTS_ANSWER_AFTER_SECONDS")  # docs/security.md, "Account enumeration"
    def post(self, request):
        user = services.user_register(
            **self.validated(s.UserRegisterInputSerializer), language=_chosen_language(request)
        )
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(PublicAuthView):
    throttle_scope = "login"

    @extend_schema(
        request=s.TokenObtainInputSerializer,
        responses={200: s.TokenPairOutputSerializer},
        summary="Obtain an access and a refresh token",
    )
    def post(self, request):
        data = self.validated(s.TokenObtainInputSerializer)
        return Response(services.token_obtain(ip_address=client_ip(request), **data))


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        request=s.RefreshTokenInputSerializer,
        responses={200: s.TokenPairOutputSerializer},
        summary="Rotate a refresh token into a new pair",
    )
    def post(self, request):
        data = self.validated(s.RefreshTokenInputSerializer)
        return Response(services.token_refresh(**data))


class TokenVerifyView(PublicAuthView):
    @extend_schema(
        request=s.TokenVerifyInputSerializer,
        responses={200: s.TokenVerifyOutputSerializer},
        summary="Check a token",
    )
    def post(self, request):
        data = self.validated(s.TokenVerifyInputSerializer)
        return Response(s.TokenVerifyOutputSerializer(services.token_verify(**data)).data)


class LogoutView(PublicAuthView):
    @extend_schema(
        request=s.RefreshTokenInputSerializer,
        responses={204: None},
        summary="Revoke a refresh token",
    )
    def post(self, request):
        data = self.validated(s.RefreshTokenInputSerializer)
        services.logout(**data, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        summary="Sign out of every device: every access and refresh token stops working",
    )
    def post(self, request):
        services.logout_everywhere(user=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicAuthView):
    throttle_scope = "register"  # an anonymous call that sends e-mail, as signing up does

    @extend_schema(
        request=s.PasswordResetInputSerializer,
        responses={
            202: OpenApiResponse(description="Accepted, whether the e-mail is known or not")
        },
        summary="E-mail a password reset link",
    )
    @answers_after("ACCOUNTS_ANSWER_AFTER_SECONDS")
    def post(self, request):
        services.password_reset_request(
            **self.validated(s.PasswordResetInputSerializer), ip_address=client_ip(request)
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    throttle_scope = "login"  # the e-mailed token is a password for one use

    @extend_schema(
        request=s.PasswordResetConfirmInputSerializer,
        responses={204: None},
        summary="Set a new password with the e-mailed token",
    )
    def post(self, request):
        services.password_reset_confirm(
            **self.validated(s.PasswordResetConfirmInputSerializer), ip_address=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# The browser that starts a Google sign-in keeps a random value in this cookie; the flow's
# record holds its hash, so that a callback in any other browser is refused
# (accounts/oidc.py, docs/security.md "Google sign-in").
OIDC_COOKIE = "autosalon_oidc"
OIDC_COOKIE_SALT = "accounts.oidc-binding"
OIDC_COOKIE_PATH = "/api/v1/auth/"


def _bound_to_browser(response, flow: oidc.Flow):
    response.set_signed_cookie(
        OIDC_COOKIE,
        flow.binding,
        salt=OIDC_COOKIE_SALT,
        max_age=flow.expires_in,
        path=OIDC_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",  # sent on Google's top-level redirect back, not on cross-site posts
    )
    return response


class GoogleStartView(APIView):
    """GET sends a browser to Google; POST answers with the URL, for a single-page app, and
    with an access token it links the Google account to the signed-in user instead."""

    permission_classes = [AllowAny]
    throttle_scope = "login"

    @extend_schema(
        request=None,
        responses={302: OpenApiResponse(description="To Google's sign-in page")},
        summary="Sign in with Google (redirect)",
    )
    def get(self, request):
        flow = oidc.flow_start()
        return _bound_to_browser(HttpResponseRedirect(flow.authorization_url), flow)

    @extend_schema(
        request=None,
        responses={200: s.GoogleStartOutputSerializer},
        summary="Sign in with Google, or link it when signed in (URL for a single-page app)",
    )
    def post(self, request):
        user_id = None
        if request.user.is_authenticated:  # linking needs a recent password sign-in
            services.identity_link_authorize(user=request.user, access_token=request.auth)
            user_id = str(request.user.pk)
        flow = oidc.flow_start(user_id=user_id)
        return _bound_to_browser(Response(s.GoogleStartOutputSerializer(flow).data), flow)


_CALLBACK_RESPONSES = {
    200: s.TokenPairOutputSerializer,
    202: s.LinkConfirmationOutputSerializer,
}


class GoogleCallbackView(PublicAuthView):
    """Where Google sends the browser back (GET), or where a front end that received the
    redirect posts its `code` and `state` (POST). Ends with this system's own tokens, or
    with a 202 when the account's owner must first confirm the link by e-mail."""

    throttle_scope = "login"

    @extend_schema(
        parameters=[s.GoogleCallbackInputSerializer],
        responses=_CALLBACK_RESPONSES,
        summary="Finish signing in with Google (redirect target)",
    )
    def get(self, request):
        # Google's redirect carries parameters of its own too (scope, authuser, prompt, hd):
        # only ours are read.
        ours = s.GoogleCallbackInputSerializer().fields
        return self._finish({k: v for k, v in request.query_params.items() if k in ours})

    @extend_schema(
        request=s.GoogleCallbackInputSerializer,
        responses=_CALLBACK_RESPONSES,
        summary="Finish signing in with Google (front end)",
    )
    def post(self, request):
        return self._finish(request.data)

    def _finish(self, data):
        serializer = s.GoogleCallbackInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        if params.get("error"):
            raise ApplicationError(
                f"Google signed nobody in ({params['error']}).",
                code=AccountErrorCode.OAUTH_DENIED,
                status=400,
            )
        binding = self.request.get_signed_cookie(
            OIDC_COOKIE,
            default=None,
            salt=OIDC_COOKIE_SALT,
            max_age=settings.OIDC_STATE_TTL_SECONDS,
        )
        identity, linking_user_id = oidc.flow_finish(
            state=params["state"], code=params["code"], binding=binding
        )
        outcome = services.identity_sign_in(
            identity=identity, linking_user_id=linking_user_id, ip_address=client_ip(self.request)
        )
        if outcome.tokens is not None:
            response = Response(outcome.tokens)
        else:
            response = Response(
                {
                    "confirmation_sent_to": outcome.confirmation_sent_to,
                    "message": "This e-mail has an account: open the link we sent there to "
                    "link your Google account, then sign in with Google again.",
                },
                status=status.HTTP_202_ACCEPTED,
            )
        response.delete_cookie(OIDC_COOKIE, path=OIDC_COOKIE_PATH)
        return response


class IdentityLinkConfirmView(PublicAuthView):
    throttle_scope = "login"  # the e-mailed token is a password for one purpose

    @extend_schema(
        request=s.IdentityLinkConfirmInputSerializer,
        responses={200: s.IntegrationOutputSerializer},
        summary="Link an external account with the e-mailed token",
    )
    def post(self, request):
        identity = services.identity_link_confirm(
            **self.validated(s.IdentityLinkConfirmInputSerializer)
        )
        return Response(s.IntegrationOutputSerializer(identity).data)


class EmailVerifyView(PublicAuthView):
    throttle_scope = "login"  # the e-mailed token is a password for one purpose

    @extend_schema(
        request=s.EmailVerifyInputSerializer,
        responses={200: s.UserOutputSerializer},
        summary="Verify the account's e-mail with the e-mailed token",
    )
    def post(self, request):
        user = services.email_verify_confirm(**self.validated(s.EmailVerifyInputSerializer))
        return Response(s.UserOutputSerializer(user).data)


class EmailChangeConfirmView(PublicAuthView):
    throttle_scope = "login"  # the e-mailed token is a password for one purpose

    @extend_schema(
        request=s.EmailChangeConfirmInputSerializer,
        responses={200: s.UserOutputSerializer},
        summary="Change the account's e-mail with the token e-mailed to the new address; "
        "every token of the user stops working",
    )
    def post(self, request):
        user = services.email_change_confirm(
            **self.validated(s.EmailChangeConfirmInputSerializer), ip_address=client_ip(request)
        )
        return Response(s.UserOutputSerializer(user).data)


class EmailVerifyResendView(APIView):
    throttle_scope = "register"  # a call that sends e-mail, as signing up does

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(description="A new verification link is on its way")},
        summary="E-mail the signed-in user a new verification link",
    )
    def post(self, request):
        services.email_verification_resend(user=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordChangeView(APIView):
    throttle_scope = "login"

    @extend_schema(
        request=s.PasswordChangeInputSerializer,
        responses={204: None},
        summary="Change the password; every refresh token stops working",
    )
    def post(self, request):
        serializer = s.PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(
            user=request.user, **serializer.validated_data, ip_address=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WsTicketView(APIView):
    @extend_schema(
        request=None,
        responses={201: s.WsTicketOutputSerializer},
        summary="Issue a one-time WebSocket ticket",
    )
    def post(self, request):
        ticket = services.ws_ticket_issue(user=request.user)
        return Response(s.WsTicketOutputSerializer(ticket).data, status=status.HTTP_201_CREATED)
