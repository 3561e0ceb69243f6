import mimetypes
from uuid import UUID

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.exceptions import NotFound
from common.api.permissions import IsStaffRole
from tradein import selectors, services
from tradein.api import serializers as s


def _shown(request, trade_in, code=status.HTTP_200_OK) -> Response:
    trade_in = selectors.trade_in_get(user=request.user, trade_in_id=trade_in.pk)
    return Response(s.TradeInOutputSerializer(trade_in, context={"request": request}).data, code)


class TradeInListCreateView(generics.ListAPIView):
    serializer_class = s.TradeInOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.trade_in_list(user=self.request.user)

    @extend_schema(
        request=s.TradeInCreateInputSerializer,
        responses={201: s.TradeInOutputSerializer},
        summary="Have your old car appraised, for a new car's order or on its own",
    )
    def post(self, request):
        body = s.TradeInCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        trade_in = services.trade_in_submit(user=request.user, vin_code=data.pop("vin"), **data)
        return _shown(request, trade_in, status.HTTP_201_CREATED)


class TradeInDetailView(generics.RetrieveAPIView):
    serializer_class = s.TradeInOutputSerializer

    def get_object(self):
        return selectors.trade_in_get(user=self.request.user, trade_in_id=self.kwargs["pk"])


class TradeInPhotoView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    # Uploads count in a bucket of their own (docs/tradein.md, "Photos").
    throttle_scope = {"POST": "upload"}

    @extend_schema(
        request=s.TradeInPhotoInputSerializer,
        responses={201: s.TradeInPhotoOutputSerializer},
        summary="Add a photo of the old car",
    )
    def post(self, request, pk):
        trade_in = selectors.trade_in_get(user=request.user, trade_in_id=pk)
        body = s.TradeInPhotoInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.trade_in_photo_add(
            trade_in=trade_in, data=body.validated_data["file"].read()
        )
        return Response(s.TradeInPhotoOutputSerializer(photo).data, status.HTTP_201_CREATED)


@extend_schema(exclude=True)  # a file, not a JSON operation; its address is in `url`
class TradeInPhotoFileView(APIView):
    """One file of a trade-in photo (the original or a rendition), for the trade-in's customer
    and staff; to anyone else a 404, as a missing one (docs/tradein.md, "Photos"). On the
    filesystem the file itself, in a bucket a redirect to a signed address that expires after
    TRADEIN_PHOTO_URL_SECONDS."""

    def get(self, request, trade_in_id: UUID, filename: str):
        name = f"{trade_in_id}/{filename}"
        trade_in = selectors.trade_in_get(user=request.user, trade_in_id=trade_in_id)
        photo = next((p for p in trade_in.photos.all() if name in p.names()), None)
        if photo is None:
            raise NotFound()
        storage = photo.image.storage
        response: HttpResponseBase
        if not isinstance(storage, FileSystemStorage):
            response = HttpResponseRedirect(storage.url(name))
        else:
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Cache-Control"] = f"private, max-age={settings.TRADEIN_PHOTO_URL_SECONDS}"
        return response


class OfferView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.OfferInputSerializer,
        responses={200: s.TradeInOutputSerializer, 202: s.TradeInOutputSerializer},
        summary="Offer a price; above the threshold a second staff member's offer confirms it",
    )
    def post(self, request, pk):
        selectors.trade_in_get(user=request.user, trade_in_id=pk)  # their showroom's, or a 404
        body = s.OfferInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trade_in = services.trade_in_offer(user=request.user, trade_in_id=pk, **body.validated_data)
        offered = trade_in.status == "offered"
        return _shown(
            request, trade_in, status.HTTP_200_OK if offered else status.HTTP_202_ACCEPTED
        )


class InspectionView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.InspectionInputSerializer,
        responses=s.TradeInOutputSerializer,
        summary="Record the car as found at handover: confirm or lower its amount",
    )
    def post(self, request, pk):
        selectors.trade_in_get(user=request.user, trade_in_id=pk)  # their showroom's, or a 404
        body = s.InspectionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trade_in = services.trade_in_inspect(
            user=request.user, trade_in_id=pk, **body.validated_data
        )
        return _shown(request, trade_in)


def _customer_action(service, summary: str) -> type[APIView]:
    """A customer's step on their own trade-in: accept, decline or withdraw."""

    class CustomerActionView(APIView):
        @extend_schema(request=None, responses=s.TradeInOutputSerializer, summary=summary)
        def post(self, request, pk):
            selectors.trade_in_get(user=request.user, trade_in_id=pk)  # theirs, or a 404
            return _shown(request, service(user=request.user, trade_in_id=pk))

    CustomerActionView.__name__ = f"{service.__name__.title().replace('_', '')}View"
    return CustomerActionView


AcceptView = _customer_action(services.trade_in_accept, "Accept the offer before it expires")
DeclineView = _customer_action(services.trade_in_decline, "Decline the offer")
WithdrawView = _customer_action(services.trade_in_withdraw, "Take the car back")
