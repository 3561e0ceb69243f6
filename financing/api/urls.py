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
        "financing/applications/<uuid:pk>/schedule/",
        views.LoanScheduleView.as_view(),
        name="financing-application-schedule",
    ),
    path("financing/calculator", views.LoanCalculatorView.as_view(), name="financing-calculator"),
]
