from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.actions import ActionView
from common.api.permissions import IsStaffOrReadOnly, IsStaffRole
from common.views import validated
from showroom import selectors, services
from showroom.api import serializers as s
from showroom.filters import AllocationFilter, EventFilter, TestDriveFilter
from showroom.models import Registration
from showroom.selectors.showrooms import showrooms_for_buyers


def _created(serializer_class, instance) -> Response:
    return Response(serializer_class(instance).data, status=status.HTTP_201_CREATED)


class ShowroomListView(APIView):
    """The group's showrooms open to buyers, for anyone: what the contacts page shows."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.ShowroomOutputSerializer(many=True)})
    def get(self, request):
        cards = showrooms_for_buyers()
        return Response(s.ShowroomOutputSerializer(cards, many=True).data)


class CategoryListCreateView(generics.ListAPIView):
    """Event categories: anyone reads, staff add."""

    permission_classes = [IsStaffOrReadOnly]
    serializer_class = s.EventCategoryOutputSerializer

    def get_queryset(self):
        return selectors.category_list()

    @extend_schema(request=s.NamedInputSerializer, responses={201: s.EventCategoryOutputSerializer})
    def post(self, request):
        data = validated(s.NamedInputSerializer, request)
        return _created(s.EventCategoryOutputSerializer, services.category_create(**data))


class EventListCreateView(generics.ListAPIView):
    """Events: published ones for everyone, every one for staff; staff create."""

    permission_classes = [IsStaffOrReadOnly]
    serializer_class = s.EventOutputSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)

    @extend_schema(request=s.EventInputSerializer, responses={201: s.EventOutputSerializer})
    def post(self, request):
        data = validated(s.EventInputSerializer, request)
        event = services.event_create(user=request.user, **data)
        return _created(
            s.EventOutputSerializer, selectors.event_get(user=request.user, event_id=event.pk)
        )


class EventDetailView(APIView):
    permission_classes = [IsStaffOrReadOnly]

    @extend_schema(responses={200: s.EventOutputSerializer})
    def get(self, request, pk):
        return Response(
            s.EventOutputSerializer(selectors.event_get(user=request.user, event_id=pk)).data
        )

    @extend_schema(request=s.EventInputSerializer, responses={200: s.EventOutputSerializer})
    def patch(self, request, pk):
        data = validated(s.EventInputSerializer, request, partial=True)
        services.event_update(
            event_id=selectors.event_get(user=request.user, event_id=pk).pk, **data
        )
        return Response(
            s.EventOutputSerializer(selectors.event_get(user=request.user, event_id=pk)).data
        )


class EventCancelView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=None,
        responses={200: s.EventOutputSerializer},
        summary="Cancel an event (staff): registrations cancelled, allocations released",
    )
    def post(self, request, pk):
        services.event_cancel(event_id=selectors.event_get(user=request.user, event_id=pk).pk)
        return Response(
            s.EventOutputSerializer(selectors.event_get(user=request.user, event_id=pk)).data
        )


class EventRegisterView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: s.RegistrationOutputSerializer},
        summary="Register for an event: a seat, or a place on the waitlist",
    )
    def post(self, request, pk):
        registration = services.registration_create(event_id=pk, user=request.user)
        return _created(s.RegistrationOutputSerializer, registration)


class EventRegistrationsView(generics.ListAPIView):
    """An event's registrations, in the order they came (staff)."""

    permission_classes = [IsStaffRole]
    serializer_class = s.RegistrationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks
            return Registration.objects.none()
        return selectors.event_registrations(
            event_id=selectors.event_get(user=self.request.user, event_id=self.kwargs["pk"]).pk
        )


class RegistrationListView(generics.ListAPIView):
    """Your registrations (every one, for staff)."""

    serializer_class = s.RegistrationOutputSerializer

    def get_queryset(self):
        return selectors.registration_list(user=self.request.user)


class RegistrationCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.RegistrationOutputSerializer},
        summary="Give a registration up; its seat goes to the waitlist",
    )
    def post(self, request, pk):
        registration = selectors.registration_get(user=request.user, registration_id=pk)
        registration = services.registration_cancel(registration_id=registration.pk)
        return Response(s.RegistrationOutputSerializer(registration).data)


class ResourceTypeListCreateView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsStaffOrReadOnly]
    serializer_class = s.ResourceTypeOutputSerializer

    def get_queryset(self):
        return selectors.resource_type_list()

    @extend_schema(request=s.NamedInputSerializer, responses={201: s.ResourceTypeOutputSerializer})
    def post(self, request):
        data = validated(s.NamedInputSerializer, request)
        return _created(s.ResourceTypeOutputSerializer, services.resource_type_create(**data))


class ResourceListCreateView(generics.ListAPIView):
    """Demo cars, bays, rooms: every signed-in user reads (to book a test drive); staff add."""

    permission_classes = [IsAuthenticated, IsStaffOrReadOnly]
    serializer_class = s.ResourceOutputSerializer

    def get_queryset(self):
        return selectors.resource_list(user=self.request.user)

    @extend_schema(request=s.ResourceInputSerializer, responses={201: s.ResourceOutputSerializer})
    def post(self, request):
        data = validated(s.ResourceInputSerializer, request)
        resource = services.resource_create(user=request.user, **data)
        return _created(s.ResourceOutputSerializer, resource)


class ResourceDetailView(APIView):
    """A resource: every signed-in user reads an active one; staff change, deactivate
    (`is_active` false) or delete it (docs/api.md, "Resources")."""

    permission_classes = [IsAuthenticated, IsStaffOrReadOnly]

    def _resource(self, pk):
        return selectors.resource_get(user=self.request.user, resource_id=pk)

    @extend_schema(responses={200: s.ResourceOutputSerializer})
    def get(self, request, pk):
        return Response(s.ResourceOutputSerializer(self._resource(pk)).data)

    @extend_schema(
        request=s.ResourceUpdateInputSerializer, responses={200: s.ResourceOutputSerializer}
    )
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=s.ResourceUpdateInputSerializer, responses={200: s.ResourceOutputSerializer}
    )
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial: bool) -> Response:
        resource = self._resource(pk)
        data = validated(s.ResourceUpdateInputSerializer, request, partial=partial)
        services.resource_update(resource_id=resource.pk, user=request.user, **data)
        return Response(s.ResourceOutputSerializer(self._resource(pk)).data)

    @extend_schema(
        responses={204: None},
        summary="Delete a resource with no booking still to come (staff); 409 otherwise",
    )
    def delete(self, request, pk):
        services.resource_delete(resource_id=self._resource(pk).pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResourceAllocateView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.AllocationInputSerializer,
        responses={201: s.AllocationOutputSerializer},
        summary="Book part of a resource for a time (staff)",
    )
    def post(self, request, pk):
        data = validated(s.AllocationInputSerializer, request)
        resource = selectors.resource_get(user=request.user, resource_id=pk)
        allocation = services.allocation_create(resource_id=resource.pk, user=request.user, **data)
        return _created(s.AllocationOutputSerializer, allocation)


class AllocationListView(generics.ListAPIView):
    """Allocations: staff see all; a client those made for them (their test drives)."""

    serializer_class = s.AllocationOutputSerializer
    filterset_class = AllocationFilter

    def get_queryset(self):
        return selectors.allocation_list(user=self.request.user)


class AllocationReleaseView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=None,
        responses={200: s.AllocationOutputSerializer},
        summary="Give an allocation back (staff)",
    )
    def post(self, request, pk):
        allocation = selectors.allocation_get(user=request.user, allocation_id=pk)
        return Response(
            s.AllocationOutputSerializer(
                services.allocation_release(allocation_id=allocation.pk, user=request.user)
            ).data
        )


class TestDriveListCreateView(generics.ListAPIView):
    """Your test drives (every one, for staff); book one on a vehicle with a demo car."""

    serializer_class = s.TestDriveOutputSerializer
    filterset_class = TestDriveFilter

    def get_queryset(self):
        return selectors.test_drive_list(user=self.request.user)

    @extend_schema(request=s.TestDriveInputSerializer, responses={201: s.TestDriveOutputSerializer})
    def post(self, request):
        data = validated(s.TestDriveInputSerializer, request)
        return _created(
            s.TestDriveOutputSerializer, services.test_drive_book(user=request.user, **data)
        )


class TestDriveSlotsView(APIView):
    """The free test-drive slots of a vehicle's demo car on a day: the ones a booking takes."""

    @extend_schema(
        parameters=[s.TestDriveSlotsQuerySerializer],
        responses={200: s.TestDriveSlotsOutputSerializer},
        summary="The free test-drive slots of a vehicle on a day",
    )
    def get(self, request):
        query = s.TestDriveSlotsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        product_id, day = query.validated_data["product_id"], query.validated_data["date"]
        slots = services.test_drive_slots_free(vehicle_id=product_id, day=day)
        return Response(
            s.TestDriveSlotsOutputSerializer(
                {
                    "product_id": product_id,
                    "date": day,
                    "slot_minutes": settings.SHOWROOM_TEST_DRIVE_SLOT_MINUTES,
                    "slots": [{"start_time": start, "end_time": end} for start, end in slots],
                }
            ).data
        )


class TestDriveRescheduleView(APIView):
    @extend_schema(
        request=s.TestDriveRescheduleInputSerializer,
        responses={200: s.TestDriveOutputSerializer},
        summary="Move a test drive to another slot",
    )
    def post(self, request, pk):
        data = validated(s.TestDriveRescheduleInputSerializer, request)
        test_drive = selectors.test_drive_get(user=request.user, test_drive_id=pk)
        test_drive = services.test_drive_reschedule(test_drive_id=test_drive.pk, **data)
        return Response(s.TestDriveOutputSerializer(test_drive).data)


class TestDriveOutcomeView(ActionView):
    permission_classes = [IsStaffRole]
    input_serializer = s.TestDriveOutcomeInputSerializer
    output_serializer = s.TestDriveOutputSerializer
    summary = "Record how a started test drive went: completed or no_show (staff)"

    def act(self, request, pk, body):
        test_drive = selectors.test_drive_get(user=request.user, test_drive_id=pk)
        return services.test_drive_outcome_set(
            test_drive_id=test_drive.pk, user=request.user, **body
        )


class TestDriveCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.TestDriveOutputSerializer},
        summary="Cancel a test drive; its slot is free again",
    )
    def post(self, request, pk):
        test_drive = selectors.test_drive_get(user=request.user, test_drive_id=pk)
        return Response(
            s.TestDriveOutputSerializer(
                services.test_drive_cancel(test_drive_id=test_drive.pk)
            ).data
        )
