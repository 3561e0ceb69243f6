from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api import serializers as s
from catalog.cache import product_list_get_or_build
from catalog.filters import ProductFilter
from common.api.permissions import IsStaffOrReadOnly
from common.filters import takes_query_parameters


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
        # Staff see the products off sale too where they ask for them (`is_active`), and
        # reach one by its id to price it and put it on sale.
        staff = self.request.user.is_staff
        if self.action == "list":
            return selectors.product_list(include_inactive=staff and self._asks_inactive())
        return selectors.product_list(include_inactive=staff)

    def _asks_inactive(self) -> bool:
        return "is_active" in self.request.query_params

    def list(self, request, *args, **kwargs):
        """Public and the same for everyone: pages are served from the cache. Staff's list
        by `is_active` is theirs alone: never cached, refused to anyone else."""
        params = request.query_params
        if self._asks_inactive():
            if not request.user.is_staff:
                raise PermissionDenied(
                    _("Only staff may list products by whether they are on sale.")
                )
            return Response(self._page())
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
        return selectors.product_get(
            product_id=self.kwargs["pk"], include_inactive=self.request.user.is_staff
        )

    def _input(self, partial=False) -> dict:
        serializer = s.ProductInputSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.ProductInputSerializer, responses={201: s.ProductOutputSerializer})
    def create(self, request):
        product = services.product_add(user=request.user, **self._input())
        return Response(s.ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProductInputSerializer, responses={200: s.ProductOutputSerializer})
    def partial_update(self, request, pk=None):
        changes = self._input(partial=True)
        if "showroom_id" in changes:  # a car moves by its transfer, which is kept
            raise ValidationError({"showroom_id": [_("Move the car with its transfer.")]})
        product = services.product_update(product=self.get_object(), user=request.user, **changes)
        return Response(s.ProductOutputSerializer(product).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.product_deactivate(product=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.TransferInputSerializer, responses={200: s.ProductOutputSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Move a car to another showroom of the group, staff only: kept in its history and
        told as `vehicle.transferred` (docs/showrooms.md, "Where each car is")."""
        data = s.TransferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vehicle = services.vehicle_transfer(
            user=request.user, product_id=self.get_object().pk, **data.validated_data
        )
        return Response(s.ProductOutputSerializer(vehicle).data)

    @extend_schema(filters=True, responses={200: s.FacetsOutputSerializer})
    @action(detail=False, methods=["get"], pagination_class=None)
    @takes_query_parameters(*selectors.FACET_PARAMETERS)
    def facets(self, request):
        """How many vehicles match, each facet's values with their counts, and the ranges
        (docs/api.md, "Vehicles")."""
        return Response(selectors.vehicle_facets(params=request.query_params))

    @extend_schema(
        parameters=[s.CompareQuerySerializer], responses={200: s.CompareOutputSerializer}
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    @takes_query_parameters("ids")
    def compare(self, request):
        """Up to 4 vehicles side by side, the specifications that differ marked."""
        query = s.CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        vehicles, rows = selectors.vehicles_compared(ids=query.validated_data["ids"])
        return Response(
            {
                "vehicles": [s.product_row(vehicle) for vehicle in vehicles],
                "specifications": s.SpecificationRowSerializer(rows, many=True).data,
            }
        )


PHOTO_PATH = [
    OpenApiParameter(
        "product_pk", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The vehicle."
    ),
    OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The photo."),
]


@extend_schema_view(
    list=extend_schema(parameters=PHOTO_PATH[:1]),
    create=extend_schema(parameters=PHOTO_PATH[:1]),
    retrieve=extend_schema(parameters=PHOTO_PATH),
    partial_update=extend_schema(parameters=PHOTO_PATH),
    destroy=extend_schema(parameters=PHOTO_PATH),
)
class ProductPhotoViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A vehicle's photos: anyone reads them, staff upload, order and remove them
    (docs/api.md, "Photos")."""

    permission_classes = [IsStaffOrReadOnly]
    serializer_class = s.PhotoOutputSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = None
    filter_backends: list = []
    # Uploads count in a bucket of their own (docs/security.md, "Rate limits").
    throttle_scope = {"POST": "upload"}

    def product(self):
        return selectors.product_get(product_id=self.kwargs["product_pk"])

    def initial(self, request, *args, **kwargs):
        """A car's photos change only by its showroom's staff, or the group's."""
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            services.product_scope_check(user=request.user, product=self.product())

    def get_queryset(self):
        return selectors.photo_list(product_id=self.product().pk)

    def get_object(self):
        return selectors.photo_get(product_id=self.kwargs["product_pk"], photo_id=self.kwargs["pk"])

    @extend_schema(request=s.PhotoCreateInputSerializer, responses={201: s.PhotoOutputSerializer})
    def create(self, request, product_pk=None):
        product = self.product()
        data = s.PhotoCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.photo_add(
            product=product,
            # At most REQUEST_MAX_UPLOAD_BYTES: the request's size was checked on arrival.
            data=data.validated_data["file"].read(),
            alt=data.validated_data["alt"],
            is_primary=data.validated_data["is_primary"],
        )
        return Response(s.PhotoOutputSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PhotoUpdateInputSerializer, responses={200: s.PhotoOutputSerializer})
    def partial_update(self, request, product_pk=None, pk=None):
        data = s.PhotoUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.photo_update(photo=self.get_object(), **data.validated_data)
        return Response(s.PhotoOutputSerializer(photo).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, product_pk=None, pk=None):
        services.photo_delete(photo=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
