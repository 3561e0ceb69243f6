from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import oidc, selectors, services
from accounts.api import serializers as s
from accounts.error_codes import AccountErrorCode
from accounts.filters import UserFilter
from common.exceptions import ApplicationError
from common.permissions import IsAdminRole
from common.throttling import client_ip


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


class UserMeView(APIView):
    @extend_schema(responses={200: s.UserOutputSerializer}, summary="The current user")
    def get(self, request):
        return Response(s.UserOutputSerializer(request.user).data)

    @extend_schema(
        request=s.UserMeUpdateInputSerializer,
        responses={200: s.UserOutputSerializer},
        summary="Update the current user's name, phone or username; a new e-mail is e-mailed "
        "a link that changes it once opened",
    )
    def patch(self, request):
        serializer = s.UserMeUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_me_update(
            user=request.user,
            **serializer.validated_data,
            access_token=request.auth,
            ip_address=client_ip(request),
        )
        return Response(s.UserOutputSerializer(user).data)


class UserListView(generics.ListAPIView):
    permission_classes = [IsAdminRole]
    serializer_class = s.UserOutputSerializer
    filterset_class = UserFilter

    def get_queryset(self):
        return selectors.user_list()

    @extend_schema(
        request=s.UserCreateInputSerializer,
        responses={201: s.UserOutputSerializer},
        summary="Create a user of any role; they set their password from the e-mailed link",
    )
    def post(self, request):
        serializer = s.UserCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **serializer.validated_data)
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    permission_classes = [IsAdminRole]

    @extend_schema(responses={200: s.UserOutputSerializer}, summary="A user")
    def get(self, request, pk):
        return Response(s.UserOutputSerializer(selectors.user_get(user_id=pk)).data)

    @extend_schema(
        request=s.UserAdminUpdateInputSerializer,
        responses={200: s.UserOutputSerializer},
        summary="Change a user's name, phone or e-mail (a new e-mail ends their sessions)",
    )
    def patch(self, request, pk):
        serializer = s.UserAdminUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_admin_update(
            actor=request.user, user=selectors.user_get(user_id=pk), **serializer.validated_data
        )
        return Response(s.UserOutputSerializer(user).data)

    @extend_schema(responses={204: None}, summary="Delete a user")
    def delete(self, request, pk):
        services.user_delete(actor=request.user, user=selectors.user_get(user_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserActiveView(APIView):
    """`deactivate` or `activate`, as the URL names it (`is_active`)."""

    permission_classes = [IsAdminRole]
    is_active: bool

    def post(self, request, pk):
        user = services.user_active_set(
            actor=request.user, user=selectors.user_get(user_id=pk), is_active=self.is_active
        )
        return Response(s.UserOutputSerializer(user).data)


class UserDeactivateView(UserActiveView):
    """The account can no longer sign in; its tokens and open sockets end at once. Admins
    cannot deactivate themselves (409 `cannot_deactivate_self`)."""

    is_active = False

    @extend_schema(
        request=None,
        responses={200: s.UserOutputSerializer},
        summary="Deactivate a user: they cannot sign in, and every token and socket ends",
    )
    def post(self, request, pk):
        return super().post(request, pk)


class UserActivateView(UserActiveView):
    """A deactivated account can sign in again (with its password or reset link)."""

    is_active = True

    @extend_schema(
        request=None,
        responses={200: s.UserOutputSerializer},
        summary="Reactivate a user: they can sign in again",
    )
    def post(self, request, pk):
        return super().post(request, pk)


class UserRoleView(APIView):
    permission_classes = [IsAdminRole]

    @extend_schema(
        request=s.UserRoleInputSerializer,
        responses={200: s.UserOutputSerializer},
        summary="Change a user's role",
    )
    def patch(self, request, pk):
        serializer = s.UserRoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_role_set(
            actor=request.user,
            user=selectors.user_get(user_id=pk),
            role=serializer.validated_data["role"],
        )
        return Response(s.UserOutputSerializer(user).data)


class UserActivityView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ActivityOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.activity_list(actor=self.request.user, user_id=self.kwargs["pk"])


class UserIntegrationsView(generics.ListAPIView):
    """The external identities (Google) linked to a user: theirs, or anyone's for an admin."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.IntegrationOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks
            return selectors.ExternalIdentity.objects.none()
        return selectors.identity_list(actor=self.request.user, user_id=self.kwargs["pk"])


class UserIntegrationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={204: None},
        summary="Unlink an external identity, unless it is the only way left to sign in",
    )
    def delete(self, request, pk, identity_id):
        user = selectors.user_own_or_admin(actor=request.user, user_id=pk)
        services.identity_unlink(user=user, identity_id=identity_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
