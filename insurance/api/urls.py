from django.urls import path

from insurance.api import views

urlpatterns = [
    path("insurance/quotes/", views.QuoteListCreateView.as_view(), name="insurance-quotes"),
    path(
        "insurance/quotes/<uuid:pk>/",
        views.QuoteDetailView.as_view(),
        name="insurance-quote-detail",
    ),
    path(
        "insurance/quotes/<uuid:pk>/purchase",
        views.QuotePurchaseView.as_view(),
        name="insurance-quote-purchase",
    ),
    path("insurance/policies/", views.PolicyListView.as_view(), name="insurance-policies"),
    path(
        "insurance/policies/<uuid:pk>/",
        views.PolicyDetailView.as_view(),
        name="insurance-policy-detail",
    ),
    path(
        "insurance/policies/<uuid:pk>/cancel",
        views.PolicyCancelView.as_view(),
        name="insurance-policy-cancel",
    ),
    path(
        "insurance/policies/<uuid:pk>/claims",
        views.PolicyClaimCreateView.as_view(),
        name="insurance-policy-claims",
    ),
    path("insurance/claims/", views.ClaimListView.as_view(), name="insurance-claims"),
    path(
        "insurance/claims/<uuid:pk>/",
        views.ClaimDetailView.as_view(),
        name="insurance-claim-detail",
    ),
    path(
        "insurance/claims/<uuid:pk>/decision",
        views.ClaimDecisionView.as_view(),
        name="insurance-claim-decision",
    ),
]
