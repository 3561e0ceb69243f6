from django.urls import path

from financing.api import views

urlpatterns = [
    path(
        "financing/applications/",
        views.LoanApplicationListCreateView.as_view(),
        name="financing-applications",
    ),
    path(
        "financing/applications/<uuid:pk>/",
        views.LoanApplicationDetailView.as_view(),
        name="financing-application-detail",
    ),
    path(
        "financing/applications/<uuid:pk>/decision",
        views.LoanApplicationDecisionView.as_view(),
        name="financing-application-decision",
    ),
    path(
        "financing/applications/<uuid:pk>/disburse",
        views.LoanDisbursementView.as_view(),
        name="financing-application-disburse",
    ),
    path(
        "financing/applications/<uuid:pk>/withdraw",
        views.LoanWithdrawView.as_view(),
        name="financing-application-withdraw",
    ),
    path(
        "financing/applications/<uuid:pk>/schedule/",
        views.LoanScheduleView.as_view(),
        name="financing-application-schedule",
    ),
    path("financing/banks/", views.BankListView.as_view(), name="financing-banks"),
    path(
        "financing/banks/<slug:code>/callback",
        views.BankCallbackView.as_view(),
        name="financing-bank-callback",
    ),
    path(
        "financing/applications/<uuid:pk>/offers/",
        views.ApplicationOffersView.as_view(),
        name="financing-application-offers",
    ),
    path(
        "financing/offers/<uuid:pk>/choose",
        views.OfferChooseView.as_view(),
        name="financing-offer-choose",
    ),
    path(
        "financing/offers/<uuid:pk>/answer",
        views.OfferAnswerView.as_view(),
        name="financing-offer-answer",
    ),
    path("financing/calculator", views.LoanCalculatorView.as_view(), name="financing-calculator"),
]
