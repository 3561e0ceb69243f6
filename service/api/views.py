from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.views import validated
from service import selectors, services
from service.api import serializers as s
from service.filters import MenuFilter


class SlotsView(APIView):
    """The starts at which a bay of the showroom is free for the work, on its own clock."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.SlotsQuerySerializer],
        responses={200: s.SlotsOutputSerializer},
        summary="The free service slots of a showroom on a day",
    )
    def get(self, request):
        query = s.SlotsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        slots = services.slots_free(
            showroom_id=data["showroom_id"], day=data["date"], menu_id=data["menu_id"]
        )
        return Response(
            s.SlotsOutputSerializer(
                {
                    "showroom_id": data["showroom_id"],
                    "date": data["date"],
                    "minutes": services.work_minutes(menu_id=data["menu_id"]),
                    "slots": [{"start_time": start, "end_time": end} for start, end in slots],
                }
            ).data
        )


class MenuListView(generics.ListAPIView):
    """The maintenance menus (ТО-1, ТО-2 …), of a make and model where asked."""

    permission_classes = [AllowAny]
    serializer_class = s.MenuOutputSerializer
    filterset_class = MenuFilter

    def get_queryset(self):
        return selectors.menu_list()


class PhoneCodeView(APIView):
    """Send a code to a phone by SMS: someone not signed in books with it."""

    permission_classes = [AllowAny]
    throttle_scope = "register"  # an anonymous call that sends a message, as signing up does

    @extend_schema(
        request=s.PhoneCodeInputSerializer,
        responses={201: s.PhoneCodeOutputSerializer},
        summary="Send a booking code to a phone",
    )
    def post(self, request):
        data = validated(s.PhoneCodeInputSerializer, request)
        phone_code = services.phone_code_send(phone=data["phone"])
        return Response(
            s.PhoneCodeOutputSerializer(phone_code).data, status=status.HTTP_201_CREATED
        )


def _user(request):
    return request.user if request.user.is_authenticated else None


class BookingListCreateView(generics.ListAPIView):
    """Your service bookings (your showrooms', for staff); book a car, signed in or not."""

    serializer_class = s.BookingOutputSerializer

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_queryset(self):
        return selectors.booking_list(user=self.request.user)

    @extend_schema(
        request=s.BookingCreateInputSerializer, responses={201: s.BookingCreatedOutputSerializer}
    )
    def post(self, request):
        data = validated(s.BookingCreateInputSerializer, request)
        booking = services.booking_create(user=_user(request), **data)
        booking.link_token = services.booking_link_token(booking)
        return Response(
            s.BookingCreatedOutputSerializer(booking).data, status=status.HTTP_201_CREATED
        )


class BookingDetailView(APIView):
    @extend_schema(responses={200: s.BookingOutputSerializer}, summary="A service booking")
    def get(self, request, pk):
        booking = selectors.booking_get(user=request.user, booking_id=pk)
        return Response(s.BookingOutputSerializer(booking).data)


class BookingRescheduleView(APIView):
    @extend_schema(
        request=s.BookingRescheduleInputSerializer,
        responses={200: s.BookingOutputSerializer},
        summary="Move a service booking to another start",
    )
    def post(self, request, pk):
        booking = selectors.booking_get(user=request.user, booking_id=pk)
        data = validated(s.BookingRescheduleInputSerializer, request)
        booking = services.booking_reschedule(booking_id=booking.pk, user=request.user, **data)
        return Response(s.BookingOutputSerializer(booking).data)


class BookingCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.BookingOutputSerializer},
        summary="Cancel a service booking",
    )
    def post(self, request, pk):
        booking = selectors.booking_get(user=request.user, booking_id=pk)
        booking = services.booking_cancel(booking_id=booking.pk, user=request.user)
        return Response(s.BookingOutputSerializer(booking).data)


class LinkBookingView(APIView):
    """The booking a signed link names, for its booker who is not signed in."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkInputSerializer,
        responses={200: s.BookingOutputSerializer},
        summary="Read a service booking through its signed link",
    )
    def post(self, request):
        data = validated(s.LinkInputSerializer, request)
        booking_id = services.booking_id_of_link(data["token"])
        return Response(
            s.BookingOutputSerializer(selectors.booking_of_link(booking_id=booking_id)).data
        )


class LinkRescheduleView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkRescheduleInputSerializer,
        responses={200: s.BookingOutputSerializer},
        summary="Move a service booking through its signed link",
    )
    def post(self, request):
        data = validated(s.LinkRescheduleInputSerializer, request)
        booking = selectors.booking_of_link(booking_id=services.booking_id_of_link(data["token"]))
        booking = services.booking_reschedule(
            booking_id=booking.pk, start_time=data["start_time"], user=None
        )
        return Response(s.BookingOutputSerializer(booking).data)


class LinkCancelView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkInputSerializer,
        responses={200: s.BookingOutputSerializer},
        summary="Cancel a service booking through its signed link",
    )
    def post(self, request):
        data = validated(s.LinkInputSerializer, request)
        booking = selectors.booking_of_link(booking_id=services.booking_id_of_link(data["token"]))
        booking = services.booking_cancel(booking_id=booking.pk, user=None)
        return Response(s.BookingOutputSerializer(booking).data)
