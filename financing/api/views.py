from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.actions import ActionView
from common.api.permissions import IsStaffRole
from financing import selectors, services
from financing.api import serializers as s
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
