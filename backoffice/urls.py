from django.urls import path

from backoffice import views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/figures.json", views.dashboard_figures, name="dashboard-figures"),
    path("reports/sales/", views.sales_report_page, name="sales-report"),
    path("reports/sales.csv", views.sales_report_csv, name="sales-report-csv"),
    path("reports/sales.xlsx", views.sales_report_xlsx, name="sales-report-xlsx"),
]
