from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.idempotency import idempotency_key, openapi_parameter
from common.api.permissions import IsAdminRole, IsStaffRole
from orders import selectors, services
from orders.api import serializers as s
from orders.deal import deal_of
from orders.filters import OrderFilter


class OrderListCreateView(generics.ListAPIView):
    throttle_scope = {"POST": "order_create"}  # docs/security.md, "Rate limits"
    serializer_class = s.OrderOutputSerializer
    filterset_class = OrderFilter

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    @extend_schema(
        request=s.OrderCreateInputSerializer,
        responses={201: s.OrderOutputSerializer},
        parameters=[openapi_parameter(required=False)],
        summary="Place an order; prices come from the catalog and stock is reserved",
    )
    def post(self, request):
        order, created = services.order_create(
            customer=request.user,
            idempotency_key=idempotency_key(request, required=False),
            **s.order_create_input(request.data),
        )
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(s.order_body(order), status=status.HTTP_201_CREATED, headers=headers)


class OrderDetailView(APIView):
    def get_permissions(self):
        return [IsAdminRole()] if self.request.method == "DELETE" else super().get_permissions()

    @extend_schema(responses={200: s.OrderOutputSerializer}, summary="An order")
    def get(self, request, pk):
        return Response(selectors.order_detail(user=request.user, order_id=pk, render=s.order_body))

    @extend_schema(responses={204: None}, summary="Delete a pending or cancelled order (admin)")
    def delete(self, request, pk):
        services.order_delete(order_id=selectors.order_get(user=request.user, order_id=pk).pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderDealView(APIView):
    @extend_schema(
        responses={200: s.DealOutputSerializer},
        summary="The deal at a glance: lines, payments, the loan, policies, what is still due",
    )
    def get(self, request, pk):
        order = selectors.order_get(user=request.user, order_id=pk)
        return Response(s.DealOutputSerializer(deal_of(order)).data)


class OrderItemView(APIView):
    @extend_schema(
        request=s.OrderItemQuantityInputSerializer,
        responses={200: s.OrderOutputSerializer},
        summary="Change an item's quantity while the order is pending",
    )
    def patch(self, request, pk, item_id):
        serializer = s.OrderItemQuantityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = selectors.order_get(user=request.user, order_id=pk)
        services.order_item_quantity_set(
            order_id=order.pk, item_id=item_id, **serializer.validated_data
        )
        return Response(s.order_body(selectors.order_get(user=request.user, order_id=pk)))


class OrderStatusView(APIView):
    @extend_schema(
        request=s.OrderStatusInputSerializer,
        responses={200: s.OrderOutputSerializer},
        summary="Move an order along its lifecycle",
    )
    def post(self, request, pk):
        serializer = s.OrderStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.order_status_set(
            order_id=pk, user=request.user, **serializer.validated_data
        )
        return Response(s.order_body(order))


class OrderHistoryView(generics.ListAPIView):
    serializer_class = s.OrderHistoryOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.order_history(user=self.request.user, order_id=self.kwargs["pk"])


class OrderStatsMyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.OrderStatsMyOutputSerializer}, summary="My order statistics")
    def get(self, request):
        stats = selectors.order_stats_for_customer(user=request.user)
        return Response(s.OrderStatsMyOutputSerializer(stats).data)


class OrderStatsView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        parameters=[s.OrderStatsInputSerializer],
        responses={200: s.OrderStatsOutputSerializer},
        summary="Order statistics for staff",
    )
    def get(self, request):
        serializer = s.OrderStatsInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        stats = selectors.order_stats(user=request.user, **serializer.validated_data)
        return Response(s.OrderStatsOutputSerializer(stats).data)
