from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.actions import ActionView
from common.api.permissions import IsStaffRole
from common.api.throttling import client_ip
from common.views import validated
from financing import selectors, services
from financing.api import serializers as s
from financing.banks import BankAnswer
from financing.banks.http import SIGNATURE_HEADERS
from financing.filters import LoanApplicationFilter


class LoanApplicationListCreateView(generics.ListAPIView):
    serializer_class = s.LoanApplicationOutputSerializer
    filterset_class = LoanApplicationFilter

    def get_queryset(self):
        return selectors.application_list(user=self.request.user)

    @extend_schema(
        request=s.LoanApplicationCreateInputSerializer,
        responses={201: s.LoanApplicationOutputSerializer},
        summary="Apply for a loan or lease on your order; scoring decides at once or a manager",
    )
    def post(self, request):
        serializer = s.LoanApplicationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_create(user=request.user, **serializer.validated_data)
        return Response(
            s.LoanApplicationOutputSerializer(application).data, status=status.HTTP_201_CREATED
        )


class LoanApplicationDetailView(generics.RetrieveAPIView):
    serializer_class = s.LoanApplicationOutputSerializer

    def get_object(self):
        return selectors.application_get(user=self.request.user, application_id=self.kwargs["pk"])


class LoanApplicationDecisionView(ActionView):
    permission_classes = [IsStaffRole]
    input_serializer = s.LoanDecisionInputSerializer
    output_serializer = s.LoanApplicationOutputSerializer
    summary = "Approve or reject an application pending review (staff)"

    def act(self, request, pk, body):
        application = selectors.application_get(user=request.user, application_id=pk)
        return services.application_decide(application_id=application.pk, user=request.user, **body)


class LoanDisbursementView(ActionView):
    permission_classes = [IsStaffRole]
    input_serializer = s.LoanDisbursementInputSerializer
    output_serializer = s.LoanApplicationOutputSerializer
    summary = "Record the lender's disbursement of an approved loan, once per reference (staff)"

    def act(self, request, pk, body):
        application = selectors.application_get(user=request.user, application_id=pk)
        return services.application_disburse(
            application_id=application.pk, user=request.user, **body
        )


class LoanScheduleView(generics.ListAPIView):
    """The application's annuity schedule, as offered when it was scored."""

    serializer_class = s.LoanInstallmentOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.application_schedule(
            user=self.request.user, application_id=self.kwargs["pk"]
        )


class LoanCalculatorView(APIView):
    @extend_schema(
        request=s.LoanCalculatorInputSerializer,
        responses={200: s.LoanOfferOutputSerializer},
        summary="Preview the rate, decision and schedule of a loan without applying",
    )
    def post(self, request):
        serializer = s.LoanCalculatorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = selectors.loan_offer_today(
            **serializer.validated_data,
            email_verified=getattr(request.user, "email_verified", False),
        )
        return Response(s.LoanOfferOutputSerializer(offer).data)


# PARTNER BANKS (docs/financing.md)
# ------------------------------------------------------------------------------
class BankListView(generics.ListAPIView):
    """The partner banks an application can go to, and their programmes."""

    permission_classes = [AllowAny]
    serializer_class = s.BankOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.banks_active()


class ApplicationOffersView(generics.ListAPIView):
    """An application's offers from the partner banks, cheapest in all first."""

    serializer_class = s.BankOfferOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.offers_of(user=self.request.user, application_id=self.kwargs["pk"])

    @extend_schema(
        request=s.OffersRequestInputSerializer,
        responses={201: s.BankOfferOutputSerializer(many=True)},
        summary="Send your application to partner banks, consenting for each one",
    )
    def post(self, request, pk):
        body = validated(s.OffersRequestInputSerializer, request)
        made = services.offers_request(
            user=request.user,
            application_id=pk,
            bank_ids=body["banks"],
            ip_address=client_ip(request),
        )
        return Response(
            s.BankOfferOutputSerializer(made, many=True).data, status=status.HTTP_201_CREATED
        )


class OfferChooseView(ActionView):
    input_serializer = None
    output_serializer = s.LoanApplicationOutputSerializer
    summary = "Take a bank's offer for your application; the other banks are declined"

    def act(self, request, pk, body):
        return services.offer_choose(user=request.user, offer_id=pk)


class LoanWithdrawView(ActionView):
    input_serializer = None
    output_serializer = s.LoanApplicationOutputSerializer
    summary = "Give your loan up before the lender pays; a credit discount goes back into the price"

    def act(self, request, pk, body):
        return services.application_withdraw(user=request.user, application_id=pk)


class OfferAnswerView(ActionView):
    permission_classes = [IsStaffRole]
    input_serializer = s.OfferAnswerInputSerializer
    output_serializer = s.BankOfferOutputSerializer
    summary = "Record a manual bank's answer: an offer or a refusal (staff, four eyes)"

    def act(self, request, pk, body):
        offer = selectors.offer_get(user=request.user, offer_id=pk)
        return services.offer_answer_record(
            offer_id=offer.pk, answer=BankAnswer(**body), user=request.user
        )


class BankCallbackView(APIView):
    """A partner bank's signed answer (docs/financing.md, "The HTTP bank"): the signature is
    checked on the raw body before anything is read from it. For the bank, not for API
    clients: left out of the schema, as the payment provider's notifications are."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def post(self, request, code):
        headers = {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}
        bank = services.bank_callback_verify(bank_code=code, headers=headers, body=request.body)
        body = validated(s.BankCallbackInputSerializer, request)
        offer = services.bank_callback_apply(bank=bank, callback=body)
        return Response(s.BankOfferOutputSerializer(offer).data)
