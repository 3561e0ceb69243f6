"""The work order over the API (docs/service.md, "The work order"): its showroom's staff open,
fill and move it; its customer reads, signs and answers the jobs proposed, on the site or by
the signed link. Every record is first read as the caller may see it, before the request's
body: another's is a 404 whatever was sent."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.permissions import IsStaffRole
from common.views import validated
from service import selectors, services
from service.api import work_order_serializers as s
from service.choices import Channel


def _answer(work_order, status_code=status.HTTP_200_OK) -> Response:
    work_order = selectors.work_order_of_link(work_order_id=work_order.pk)
    return Response(s.WorkOrderOutputSerializer(work_order).data, status=status_code)


class WorkOrderListView(generics.ListAPIView):
    """Your work orders (your showrooms', for staff); staff open one."""

    serializer_class = s.WorkOrderOutputSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsStaffRole()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.work_order_list(user=self.request.user)

    @extend_schema(
        request=s.WorkOrderOpenInputSerializer,
        responses={201: s.WorkOrderOpenedOutputSerializer},
        summary="Open a work order, from a booking or for a car driven in",
    )
    def post(self, request):
        data = validated(s.WorkOrderOpenInputSerializer, request)
        work_order = services.work_order_open(user=request.user, **data)
        work_order = selectors.work_order_of_link(work_order_id=work_order.pk)
        work_order.link_token = services.work_order_link_token(work_order)
        return Response(
            s.WorkOrderOpenedOutputSerializer(work_order).data, status=status.HTTP_201_CREATED
        )


class WorkOrderDetailView(APIView):
    def get_permissions(self):
        return [IsStaffRole()] if self.request.method == "PATCH" else super().get_permissions()

    @extend_schema(responses={200: s.WorkOrderOutputSerializer}, summary="A work order")
    def get(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        return Response(s.WorkOrderOutputSerializer(work_order).data)

    @extend_schema(
        request=s.WorkOrderTermsSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Change a draft work order's terms",
    )
    def patch(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.WorkOrderTermsSerializer, request)
        return _answer(
            services.work_order_update(user=request.user, work_order_id=work_order.pk, **data)
        )


class LineAddView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.LineInputSerializer,
        responses={201: s.WorkOrderOutputSerializer},
        summary="Add a work or a part: a term of a draft, a proposal once signed",
    )
    def post(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.LineInputSerializer, request)
        services.line_add(user=request.user, work_order_id=work_order.pk, **data)
        return _answer(work_order, status.HTTP_201_CREATED)


class LineDecideView(APIView):
    @extend_schema(
        request=s.DecisionInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Approve or decline a proposed job: the customer, or staff recording a call",
    )
    def post(self, request, pk, line_id):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.DecisionInputSerializer, request)
        own = str(work_order.customer_id) == str(request.user.pk)
        services.line_decide(
            user=request.user,
            work_order_id=work_order.pk,
            line_id=line_id,
            approve=data["approve"],
            channel=Channel.SITE if own else Channel.PHONE,
        )
        return _answer(work_order)


class LineDoneView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.LineDoneInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="A job done, and by whom",
    )
    def post(self, request, pk, line_id):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.LineDoneInputSerializer, request)
        services.line_done(user=request.user, work_order_id=work_order.pk, line_id=line_id, **data)
        return _answer(work_order)


class PhotoListView(APIView):
    """Photos of the car as it was accepted, printed on the acceptance act."""

    permission_classes = [IsStaffRole]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.PhotoInputSerializer},
        responses={201: s.WorkOrderOutputSerializer},
        summary="Add a photo of the car as it was accepted",
    )
    def post(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.PhotoInputSerializer, request)
        services.acceptance_photo_add(
            user=request.user,
            work_order_id=work_order.pk,
            data=data["file"].read(),
            caption=data["caption"],
        )
        return _answer(work_order, status.HTTP_201_CREATED)


class SignView(APIView):
    @extend_schema(
        request=s.SignInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Sign a work order: its customer on the site, or staff recording paper",
    )
    def post(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        data = validated(s.SignInputSerializer, request)
        own = str(work_order.customer_id) == str(request.user.pk)
        return _answer(
            services.work_order_sign(
                user=request.user,
                work_order_id=work_order.pk,
                channel=Channel.SITE if own else Channel.PAPER,
                **data,
            )
        )


def _staff_step(summary: str, step, request_serializer=None):
    """A view of one staff step on a work order of the caller's showrooms."""

    class StepView(APIView):
        permission_classes = [IsStaffRole]

        @extend_schema(
            request=request_serializer,
            responses={200: s.WorkOrderOutputSerializer},
            summary=summary,
        )
        def post(self, request, pk):
            work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
            data = validated(request_serializer, request) if request_serializer else {}
            return _answer(step(user=request.user, work_order_id=work_order.pk, **data))

    return StepView


StartView = _staff_step("Take the car into work", services.work_order_start)
CompleteView = _staff_step("The work is done", services.work_order_complete)
BalanceAllowView = _staff_step(
    "Let the car go with a balance owed (another hands it over)",
    services.work_order_balance_allow,
)
HandOverView = _staff_step(
    "Hand the car over", services.work_order_hand_over, s.HandOverInputSerializer
)
CloseView = _staff_step("Close a handed-over work order", services.work_order_close)


class CancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Cancel a work order before the car goes into work",
    )
    def post(self, request, pk):
        work_order = selectors.work_order_get(user=request.user, work_order_id=pk)
        return _answer(services.work_order_cancel(user=request.user, work_order_id=work_order.pk))


class MyCarsView(APIView):
    """Мои автомобили: the cars you bought here or brought to the service."""

    @extend_schema(responses={200: s.MyCarSerializer(many=True)}, summary="Your cars")
    def get(self, request):
        return Response(s.MyCarSerializer(selectors.my_cars(user=request.user), many=True).data)


# WARRANTY CLAIMS
# ------------------------------------------------------------------------------
class WarrantyClaimListView(generics.ListAPIView):
    """The warranty claims of your showrooms."""

    permission_classes = [IsStaffRole]
    serializer_class = s.WarrantyClaimOutputSerializer

    def get_queryset(self):
        return selectors.warranty_claim_list(user=self.request.user)


class WarrantyClaimMoveView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        request=s.WarrantyClaimMoveInputSerializer,
        responses={200: s.WarrantyClaimOutputSerializer},
        summary="Move a warranty claim as the manufacturer answers",
    )
    def post(self, request, pk):
        claim = selectors.warranty_claim_get(user=request.user, claim_id=pk)
        data = validated(s.WarrantyClaimMoveInputSerializer, request)
        claim = services.warranty_claim_move(user=request.user, claim_id=claim.pk, **data)
        return Response(
            s.WarrantyClaimOutputSerializer(
                selectors.warranty_claim_get(user=request.user, claim_id=claim.pk)
            ).data
        )


# THE SIGNED LINK
# ------------------------------------------------------------------------------
class LinkWorkOrderView(APIView):
    """The work order a signed link names, for its customer who is not signed in."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Read a work order through its signed link",
    )
    def post(self, request):
        data = validated(s.LinkInputSerializer, request)
        work_order_id = services.work_order_id_of_link(data["token"])
        return Response(
            s.WorkOrderOutputSerializer(
                selectors.work_order_of_link(work_order_id=work_order_id)
            ).data
        )


class LinkSignView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkSignInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Sign a work order through its signed link",
    )
    def post(self, request):
        data = validated(s.LinkSignInputSerializer, request)
        work_order_id = services.work_order_id_of_link(data.pop("token"))
        return _answer(
            services.work_order_sign(
                user=None, work_order_id=work_order_id, channel=Channel.LINK, **data
            )
        )


class LinkDecideView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.LinkDecisionInputSerializer,
        responses={200: s.WorkOrderOutputSerializer},
        summary="Approve or decline a proposed job through the signed link",
    )
    def post(self, request):
        data = validated(s.LinkDecisionInputSerializer, request)
        work_order_id = services.work_order_id_of_link(data["token"])
        line = services.line_decide(
            user=None,
            work_order_id=work_order_id,
            line_id=data["line_id"],
            approve=data["approve"],
            channel=Channel.LINK,
        )
        return _answer(line.work_order)
