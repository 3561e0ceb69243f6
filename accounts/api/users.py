"""The API's users: the signed-in user's own profile, admins' administration of accounts
(roles, activation), a user's activity and linked identities (`users/` routes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api import serializers as s
from accounts.filters import UserFilter
from common.api.actions import ActionView
from common.api.permissions import IsAdminRole
from common.api.throttling import client_ip


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


class UserRoleView(ActionView):
    permission_classes = [IsAdminRole]
    method = "patch"
    input_serializer = s.UserRoleInputSerializer
    output_serializer = s.UserOutputSerializer
    summary = "Change a user's role"

    def act(self, request, pk, body):
        return services.user_role_set(
            actor=request.user, user=selectors.user_get(user_id=pk), role=body["role"]
        )


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
