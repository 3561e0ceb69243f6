from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.api import serializers as s


class PreferenceView(APIView):
    """What the signed-in customer hears, per channel and category (docs/notifications.md)."""

    @extend_schema(responses=s.PreferenceOutputSerializer, summary="Your notification preferences")
    def get(self, request):
        preference = selectors.preference_get(user=request.user)
        return Response(s.PreferenceOutputSerializer(preference).data)

    @extend_schema(
        request=s.PreferenceInputSerializer,
        responses=s.PreferenceOutputSerializer,
        summary="Change your notification preferences; e-mail about your deal stays on",
    )
    def patch(self, request):
        serializer = s.PreferenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        preference = services.preferences_update(
            user=request.user,
            changes={channel: data[channel] for channel in ("email", "sms") if channel in data},
            marketing_consent=data.get("marketing_consent"),
            time_zone=data.get("time_zone"),
        )
        return Response(s.PreferenceOutputSerializer(preference).data)


class DeliveryListView(generics.ListAPIView):
    """Every notification sent to the signed-in customer, or held back, and why."""

    serializer_class = s.NotificationLogOutputSerializer
    filter_backends: list = []

    @extend_schema(summary="What was sent to you")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)
