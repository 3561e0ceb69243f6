from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api import serializers as s
from catalog.cache import product_list_get_or_build
from catalog.filters import ProductFilter
from common.permissions import IsStaffOrReadOnly


class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    serializer_class = s.CategoryOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.category_list()

    def get_object(self):
        return selectors.category_get(category_id=self.kwargs["pk"])

    def _input(self, partial=False) -> dict:
        serializer = s.CategoryInputSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.CategoryInputSerializer, responses={201: s.CategoryOutputSerializer})
    def create(self, request):
        category = services.category_create(**self._input())
        return Response(s.CategoryOutputSerializer(category).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CategoryInputSerializer, responses={200: s.CategoryOutputSerializer})
    def partial_update(self, request, pk=None):
        category = services.category_update(category=self.get_object(), **self._input(partial=True))
        return Response(s.CategoryOutputSerializer(category).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.category_delete(category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: s.CategoryTreeNodeSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def tree(self, request):
        return Response(s.CategoryTreeNodeSerializer(selectors.category_tree(), many=True).data)


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    serializer_class = s.ProductOutputSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        return selectors.product_list()

    def list(self, request, *args, **kwargs):
        """Public and the same for everyone: pages are served from the cache."""
        params = request.query_params
        body, built = product_list_get_or_build(
            request.build_absolute_uri(),
            self._page,
            stock_dependent="in_stock" in params or "stock" in params.get("ordering", ""),
        )
        if not built:  # a cached page: its rows stand, their stock is read afresh
            rows = body["results"]
            stocks = selectors.product_stocks(product_ids=[row["id"] for row in rows])
            for row in rows:
                row["stock_quantity"] = stocks.get(row["id"], row["stock_quantity"])
                row["in_stock"] = row["stock_quantity"] > 0
        return Response(body)

    def _page(self) -> dict:
        """What `list` would answer, its rows built directly (`s.product_row`)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API pages every list (REST_FRAMEWORK["PAGE_SIZE"])
        return self.get_paginated_response([s.product_row(product) for product in page]).data

    def get_object(self):
        return selectors.product_get(product_id=self.kwargs["pk"])

    def _input(self, partial=False) -> dict:
        serializer = s.ProductInputSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.ProductInputSerializer, responses={201: s.ProductOutputSerializer})
    def create(self, request):
        product = services.product_create(**self._input())
        return Response(s.ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProductInputSerializer, responses={200: s.ProductOutputSerializer})
    def partial_update(self, request, pk=None):
        product = services.product_update(product=self.get_object(), **self._input(partial=True))
        return Response(s.ProductOutputSerializer(product).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.product_deactivate(product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
