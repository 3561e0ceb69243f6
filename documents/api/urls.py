from django.urls import path

from documents.api import views

urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/<uuid:pk>/file", views.DocumentFileView.as_view(), name="document-file"),
    path(
        "orders/<uuid:pk>/documents/",
        views.OrderDocumentListView.as_view(),
        name="order-documents",
    ),
]
