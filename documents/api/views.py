from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.exceptions import ApplicationError
from documents import selectors, services
from documents.api import serializers as s
from documents.choices import DocumentKind
from documents.error_codes import DocumentErrorCode
from documents.filters import DocumentFilter
from orders import selectors as orders_selectors


class DocumentListView(generics.ListAPIView):
    """Documents: a customer's own orders', or all for staff."""

    serializer_class = s.DocumentOutputSerializer
    filterset_class = DocumentFilter

    def get_queryset(self):
        return selectors.document_list(user=self.request.user)


class OrderDocumentListView(generics.ListAPIView):
    """An order's documents, the newest first; asking for one makes it."""

    serializer_class = s.DocumentOutputSerializer
    throttle_scope = {"POST": "document"}  # each one renders a PDF (docs/security.md)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks
            return selectors.document_list(user=self.request.user).none()
        order = orders_selectors.order_view_get(user=self.request.user, order_id=self.kwargs["pk"])
        return selectors.documents_of_order(user=self.request.user, order_id=order.id)

    @extend_schema(
        request=s.DocumentRequestInputSerializer,
        responses={200: s.DocumentOutputSerializer, 201: s.DocumentOutputSerializer},
        summary="Make a document of the order now: the offer for its customer, any kind for "
        "staff; the one in force (200) while what it states is the same, else a new one that "
        "supersedes it (201)",
    )
    def post(self, request, pk):
        serializer = s.DocumentRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = serializer.validated_data["kind"]
        order = orders_selectors.order_view_get(user=request.user, order_id=pk)
        if kind != DocumentKind.OFFER and not request.user.is_staff:
            raise ApplicationError(
                "A customer may ask for the offer; the other documents come at their moment.",
                code=DocumentErrorCode.KIND_NOT_REQUESTABLE,
                status=403,
            )
        document, made = services.document_get_or_generate(
            kind=kind, order_id=order.id, user=request.user
        )
        return Response(
            s.DocumentOutputSerializer(document).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )


class DocumentFileView(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The document's PDF"
            )
        },
        summary="A document's PDF, for the order's customer and staff",
    )
    def get(self, request, pk):
        document = selectors.document_get(user=request.user, document_id=pk)
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=f"{document.number}.pdf",
        )
