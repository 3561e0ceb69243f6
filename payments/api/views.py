import logging

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.exceptions import ApplicationError
from common.api.idempotency import idempotency_key, openapi_parameter
from common.api.permissions import IsStaffRole
from common.api.throttling import client_ip
from payments import selectors, services
from payments.api import serializers as s
from payments.choices import RefundStatus
from payments.error_codes import PaymentErrorCode
from payments.filters import LedgerTransactionFilter, PaymentFilter
from payments.providers import NotificationRefused, get_provider
from payments.services.notifications import provider_notification_receive

logger = logging.getLogger(__name__)


class PaymentListCreateView(generics.ListAPIView):
    serializer_class = s.PaymentOutputSerializer
    filterset_class = PaymentFilter

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    @extend_schema(
        request=s.PaymentCreateInputSerializer,
        responses={201: s.PaymentOutputSerializer},
        parameters=[openapi_parameter(required=True)],
        summary="Pay for an order, in full or in part; processing happens in the background",
    )
    def post(self, request):
        key = idempotency_key(request, required=True)
        serializer = s.PaymentCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment, created = services.payment_create(
            user=request.user, idempotency_key=key, **serializer.validated_data
        )
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(
            s.PaymentOutputSerializer(payment).data, status=status.HTTP_201_CREATED, headers=headers
        )


class PaymentDetailView(generics.RetrieveAPIView):
    serializer_class = s.PaymentOutputSerializer

    def get_object(self):
        return selectors.payment_get(user=self.request.user, payment_id=self.kwargs["pk"])


class ReceiptListView(generics.ListAPIView):
    """A payment's fiscal receipts (54-FZ, docs/payments.md), to its payer and staff."""

    serializer_class = s.ReceiptOutputSerializer
    filter_backends: list = []

    @extend_schema(summary="A payment's fiscal receipts: its own, its refunds' and the settlement")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.receipt_list(user=self.request.user, payment_id=self.kwargs["pk"])


class PaymentRefundView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.PaymentRefundInputSerializer,
        responses={201: s.RefundOutputSerializer, 202: s.RefundOutputSerializer},
        summary="Refund a payment in full or in part (staff; not of one's own order). Above "
        "the four-eyes threshold: 202, the refund awaits a second staff member",
    )
    def post(self, request, pk):
        serializer = s.PaymentRefundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refund = services.payment_refund(
            payment_id=selectors.payment_get(user=request.user, payment_id=pk).pk,
            user=request.user,
            **serializer.validated_data,
        )
        return _refund_response(refund, status.HTTP_201_CREATED)


def _refund_response(refund, done: int) -> Response:
    waiting = refund.status == RefundStatus.AWAITING_APPROVAL
    return Response(
        s.RefundOutputSerializer(refund).data,
        status=status.HTTP_202_ACCEPTED if waiting else done,
    )


class RefundDecisionView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.RefundDecisionInputSerializer,
        responses={200: s.RefundOutputSerializer, 202: s.RefundOutputSerializer},
        summary="Approve (and carry out) or reject a refund awaiting a second staff member",
    )
    def post(self, request, pk):
        serializer = s.RefundDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refund = services.refund_decide(
            refund_id=selectors.refund_get(user=request.user, refund_id=pk).pk,
            user=request.user,
            **serializer.validated_data,
        )
        return _refund_response(refund, status.HTTP_200_OK)


class LedgerTransactionListView(generics.ListAPIView):
    serializer_class = s.LedgerTransactionOutputSerializer
    filterset_class = LedgerTransactionFilter

    def get_queryset(self):
        return selectors.ledger_list(user=self.request.user)


class PaymentMethodListCreateView(generics.ListAPIView):
    serializer_class = s.PaymentMethodOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.payment_method_list(user=self.request.user)

    @extend_schema(
        request=s.PaymentMethodInputSerializer,
        responses={201: s.PaymentMethodOutputSerializer},
        summary="Save a card: brand, last four digits, expiry and holder only",
    )
    def post(self, request):
        serializer = s.PaymentMethodInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        method = services.payment_method_save(user=request.user, **serializer.validated_data)
        return Response(
            s.PaymentMethodOutputSerializer(method).data, status=status.HTTP_201_CREATED
        )


class PaymentMethodDetailView(APIView):
    @extend_schema(responses={204: None}, summary="Forget a saved card")
    def delete(self, request, pk):
        method = selectors.payment_method_get(user=request.user, method_id=pk)
        services.payment_method_delete(method=method)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProviderNotificationView(APIView):
    """The payment provider's notifications (webhooks): authenticated by the provider's own
    means, recorded once, answered at once, applied in the background (docs/payments.md,
    "Notifications"). For the provider, not for API clients: left out of the schema."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # the provider retries what we refuse: no rate limit

    @extend_schema(exclude=True)
    def post(self, request, provider):
        if provider != settings.PAYMENTS_PROVIDER or provider == "fake":
            raise ApplicationError(
                f"No notifications are taken from {provider!r}.",
                code=PaymentErrorCode.PROVIDER_NOT_CONFIGURED,
                status=404,
            )
        try:
            notice = get_provider(provider).notification(
                body=request.body, headers=request.headers, client_ip=client_ip(request)
            )
        except NotificationRefused as exc:
            logger.warning("Notification from %s refused: %s", provider, exc)
            raise ApplicationError(
                str(exc), code=PaymentErrorCode.NOTIFICATION_REFUSED, status=exc.http_status
            ) from exc
        if notice is None:
            return Response({"status": "ignored"})
        created = provider_notification_receive(provider=provider, notice=notice)
        return Response({"status": "accepted" if created else "duplicate"})
