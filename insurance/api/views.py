from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.actions import ActionView
from common.api.permissions import IsStaffRole
from insurance import selectors, services
from insurance.api import serializers as s
from insurance.filters import ClaimFilter, PolicyFilter, QuoteFilter


class QuoteListCreateView(generics.ListAPIView):
    serializer_class = s.QuoteOutputSerializer
    filterset_class = QuoteFilter

    def get_queryset(self):
        return selectors.quote_list(user=self.request.user)

    @extend_schema(
        request=s.QuoteCreateInputSerializer,
        responses={201: s.QuoteOutputSerializer},
        summary="Price OSAGO or KASKO for an order's vehicle; the quote holds for 30 days",
    )
    def post(self, request):
        serializer = s.QuoteCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote = services.quote_create(user=request.user, **serializer.validated_data)
        return Response(s.QuoteOutputSerializer(quote).data, status=status.HTTP_201_CREATED)


class QuoteDetailView(generics.RetrieveAPIView):
    serializer_class = s.QuoteOutputSerializer

    def get_object(self):
        return selectors.quote_get(user=self.request.user, quote_id=self.kwargs["pk"])


class QuotePurchaseView(APIView):
    @extend_schema(
        request=None,
        responses={201: s.PolicyOutputSerializer},
        summary="Buy a quote: a policy waiting for its premium, active for a year once paid",
    )
    def post(self, request, pk):
        quote = selectors.quote_get(user=request.user, quote_id=pk)
        policy = services.quote_purchase(quote_id=quote.pk)
        return Response(s.PolicyOutputSerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyListView(generics.ListAPIView):
    serializer_class = s.PolicyOutputSerializer
    filterset_class = PolicyFilter

    def get_queryset(self):
        return selectors.policy_list(user=self.request.user)


class PolicyDetailView(generics.RetrieveAPIView):
    serializer_class = s.PolicyOutputSerializer

    def get_object(self):
        return selectors.policy_get(user=self.request.user, policy_id=self.kwargs["pk"])


class PolicyCancelView(ActionView):
    input_serializer = s.PolicyCancelInputSerializer
    output_serializer = s.PolicyOutputSerializer
    summary = (
        "Cancel a policy: a paid one refunds the premium of its unused days, an unpaid one lapses"
    )

    def act(self, request, pk, body):
        policy = selectors.policy_get(user=request.user, policy_id=pk)
        return services.policy_cancel(policy_id=policy.pk, user=request.user, **body)


class PolicyClaimCreateView(APIView):
    @extend_schema(
        request=s.ClaimCreateInputSerializer,
        responses={201: s.ClaimOutputSerializer},
        summary="File a claim on an active policy",
    )
    def post(self, request, pk):
        serializer = s.ClaimCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = selectors.policy_get(user=request.user, policy_id=pk)
        claim = services.claim_file(
            policy_id=policy.pk, user=request.user, **serializer.validated_data
        )
        return Response(s.ClaimOutputSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimListView(generics.ListAPIView):
    serializer_class = s.ClaimOutputSerializer
    filterset_class = ClaimFilter

    def get_queryset(self):
        return selectors.claim_list(user=self.request.user)


class ClaimDetailView(generics.RetrieveAPIView):
    serializer_class = s.ClaimOutputSerializer

    def get_object(self):
        return selectors.claim_get(user=self.request.user, claim_id=self.kwargs["pk"])


class ClaimDecisionView(ActionView):
    permission_classes = [IsStaffRole]
    input_serializer = s.ClaimDecisionInputSerializer
    output_serializer = s.ClaimOutputSerializer
    summary = "Approve or reject a filed claim (staff)"

    def act(self, request, pk, body):
        claim = selectors.claim_get(user=request.user, claim_id=pk)
        return services.claim_decide(claim_id=claim.pk, user=request.user, **body)
