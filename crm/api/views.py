"""The CRM's API: staff only (a client is refused with 403), scoped by the selectors (another
manager's client is a 404)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.pagination import CursorPagination
from common.api.permissions import IsStaffRole
from common.views import validated
from crm import selectors, services
from crm.api import serializers as s
from crm.filters import ClientFilter


class TimelinePagination(CursorPagination):
    ordering = ("-occurred_at", "-id")  # entries of one moment in a stable order


# What a PUT leaves as it is unless the body names it: the record's state, not its details.
PUT_KEEPS = ("status", "source", "manager_id", "user_id")


class StaffView(APIView):
    permission_classes = [IsStaffRole]

    def client(self):
        return selectors.client_get(user=self.request.user, client_id=self.kwargs["pk"])

    def rendered(self, client_id, code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        if not user.is_authenticated:  # IsStaffRole has let no one else in
            raise NotAuthenticated
        client = selectors.client_get(user=user, client_id=client_id)
        return Response(s.ClientOutputSerializer(client).data, status=code)


class ClientListCreateView(StaffView, generics.ListAPIView):
    """Clients: `?search=` a name, e-mail or phone; `?type=&status=&tag=&manager=&mine=&stale=
    &archived=&ordering=`. `?mine=true&ordering=-last_activity_at` is "my clients";
    `?mine=true&stale=true` counts my leads without activity for CRM_STALE_LEAD_DAYS."""

    serializer_class = s.ClientOutputSerializer
    filterset_class = ClientFilter

    def get_queryset(self):
        return selectors.client_list(user=self.request.user)

    @extend_schema(request=s.ClientInputSerializer, responses={201: s.ClientOutputSerializer})
    def post(self, request):
        data = validated(s.ClientInputSerializer, request)
        client = services.client_create(actor=request.user, **data)
        return self.rendered(client.pk, status.HTTP_201_CREATED)


class ClientDetailView(StaffView):
    @extend_schema(responses={200: s.ClientOutputSerializer})
    def get(self, request, pk):
        return Response(s.ClientOutputSerializer(self.client()).data)

    @extend_schema(request=s.ClientInputSerializer, responses={200: s.ClientOutputSerializer})
    def put(self, request, pk):
        return self._update(request, partial=False)

    @extend_schema(request=s.ClientInputSerializer, responses={200: s.ClientOutputSerializer})
    def patch(self, request, pk):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        client = self.client()
        data = dict(validated(s.ClientInputSerializer, request, instance=client, partial=partial))
        if not partial:
            data = {k: v for k, v in data.items() if k not in PUT_KEEPS or k in request.data}
        services.client_update(actor=request.user, client_id=client.pk, **data)
        return self.rendered(client.pk)

    @extend_schema(responses={204: None}, summary="Archive a client: its history stays")
    def delete(self, request, pk):
        services.client_archive(client_id=self.client().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClientTakeView(StaffView):
    @extend_schema(
        request=None,
        responses={200: s.ClientOutputSerializer},
        summary="Take an unassigned lead: it becomes yours",
    )
    def post(self, request, pk):
        services.client_take(actor=request.user, client_id=self.client().pk)
        return self.rendered(pk)


class ClientContactsView(StaffView, generics.ListAPIView):
    serializer_class = s.ContactOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks
            return selectors.Contact.objects.none()
        return selectors.client_contacts(client=self.client())

    @extend_schema(request=s.ContactInputSerializer, responses={201: s.ContactOutputSerializer})
    def post(self, request, pk):
        data = validated(s.ContactInputSerializer, request)
        contact = services.contact_add(client_id=self.client().pk, **data)
        return Response(s.ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


class ClientActivityView(StaffView, generics.ListAPIView):
    """The client's timeline, newest first, a cursor page at a time: what staff logged and
    what the other apps' events wrote."""

    serializer_class = s.ClientActivityOutputSerializer
    pagination_class = TimelinePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Activity.objects.none()
        return selectors.client_activity(client=self.client())

    @extend_schema(
        request=s.ClientActivityInputSerializer, responses={201: s.ClientActivityOutputSerializer}
    )
    def post(self, request, pk):
        data = validated(s.ClientActivityInputSerializer, request)
        activity = services.activity_log(client_id=self.client().pk, author=request.user, **data)
        return Response(
            s.ClientActivityOutputSerializer(activity).data, status=status.HTTP_201_CREATED
        )


class ClientDuplicatesView(StaffView, generics.ListAPIView):
    """Other live clients sharing a phone or an e-mail with this one (on either record or
    their contacts): candidates to merge."""

    serializer_class = s.ClientOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Client.objects.none()
        return selectors.client_duplicates(user=self.request.user, client=self.client())


class ClientMergeView(StaffView):
    @extend_schema(
        request=s.MergeInputSerializer,
        responses={200: s.ClientOutputSerializer},
        summary="Fold a duplicate into this client: contacts and timeline move, nothing is lost",
    )
    def post(self, request, pk):
        client = self.client()  # theirs to see, or a 404 before the body is read
        data = validated(s.MergeInputSerializer, request)
        duplicate = selectors.client_get(user=request.user, client_id=data["duplicate_id"])
        services.client_merge(actor=request.user, client_id=client.pk, duplicate_id=duplicate.pk)
        return self.rendered(pk)
