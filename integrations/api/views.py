"""Webhook subscriptions and their deliveries, for admins (docs/integrations.md)."""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.permissions import IsAdminRole
from common.views import validated
from integrations import selectors, services
from integrations.api import serializers as s
from integrations.models import WebhookDelivery


class AdminView(APIView):
    permission_classes = [IsAdminRole]


def secret_shown_once(subscription, *, status_code) -> Response:
    """The subscription with its new secret, which no later answer shows; kept by no cache."""
    response = Response(s.SubscriptionSecretOutputSerializer(subscription).data, status=status_code)
    add_never_cache_headers(response)
    return response


class SubscriptionListCreateView(AdminView, generics.ListAPIView):
    serializer_class = s.SubscriptionOutputSerializer

    def get_queryset(self):
        return selectors.subscription_list()

    @extend_schema(
        request=s.SubscriptionInputSerializer,
        responses={201: s.SubscriptionSecretOutputSerializer},
    )
    def post(self, request):
        data = validated(s.SubscriptionInputSerializer, request)
        subscription = services.subscription_create(owner_id=request.user.pk, **data)
        return secret_shown_once(subscription, status_code=status.HTTP_201_CREATED)


class SubscriptionDetailView(AdminView):
    def subscription(self):
        return selectors.subscription_get(subscription_id=self.kwargs["pk"])

    @extend_schema(responses={200: s.SubscriptionOutputSerializer})
    def get(self, request, pk):
        return Response(s.SubscriptionOutputSerializer(self.subscription()).data)

    @extend_schema(
        request=s.SubscriptionUpdateInputSerializer,
        responses={200: s.SubscriptionOutputSerializer},
    )
    def patch(self, request, pk):
        data = validated(s.SubscriptionUpdateInputSerializer, request)
        subscription = services.subscription_update(subscription=self.subscription(), **data)
        return Response(s.SubscriptionOutputSerializer(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.subscription_delete(subscription=self.subscription())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionSecretRotateView(AdminView):
    """A new secret; the old one still signs, alongside, for the overlap
    (docs/integrations.md, "Secrets")."""

    @extend_schema(request=None, responses={200: s.SubscriptionSecretOutputSerializer})
    def post(self, request, pk):
        subscription = selectors.subscription_get(subscription_id=pk)
        rotated = services.subscription_secret_rotate(subscription_id=subscription.pk)
        return secret_shown_once(rotated, status_code=status.HTTP_200_OK)


class DeliveryListView(AdminView, generics.ListAPIView):
    """A subscription's deliveries, newest first, each with every attempt."""

    serializer_class = s.DeliveryOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks
            return WebhookDelivery.objects.none()
        return selectors.delivery_list(subscription_id=self.kwargs["pk"])


class DeliveryRedeliverView(AdminView):
    @extend_schema(request=None, responses={202: s.DeliveryOutputSerializer})
    def post(self, request, pk, delivery_id):
        delivery = selectors.delivery_get(subscription_id=pk, delivery_id=delivery_id)
        services.delivery_redeliver(delivery_id=delivery.pk)
        delivery = selectors.delivery_get(subscription_id=pk, delivery_id=delivery_id)
        return Response(s.DeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class SubscriptionRedeliverView(AdminView):
    @extend_schema(
        request=s.RedeliverSinceInputSerializer, responses={202: s.RedeliveredOutputSerializer}
    )
    def post(self, request, pk):
        data = validated(s.RedeliverSinceInputSerializer, request)
        subscription = selectors.subscription_get(subscription_id=pk)
        count = services.subscription_redeliver_since(
            subscription_id=subscription.pk, since=data["since"]
        )
        return Response({"redelivered": count}, status=status.HTTP_202_ACCEPTED)
