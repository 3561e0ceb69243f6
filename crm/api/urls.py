from django.urls import path

from crm.api import views

urlpatterns = [
    path("crm/clients/", views.ClientListCreateView.as_view(), name="crm-clients"),
    path("crm/clients/<uuid:pk>/", views.ClientDetailView.as_view(), name="crm-client"),
    path("crm/clients/<uuid:pk>/take", views.ClientTakeView.as_view(), name="crm-client-take"),
    path(
        "crm/clients/<uuid:pk>/contacts",
        views.ClientContactsView.as_view(),
        name="crm-client-contacts",
    ),
    path(
        "crm/clients/<uuid:pk>/activity",
        views.ClientActivityView.as_view(),
        name="crm-client-activity",
    ),
    path(
        "crm/clients/<uuid:pk>/duplicates",
        views.ClientDuplicatesView.as_view(),
        name="crm-client-duplicates",
    ),
    path("crm/clients/<uuid:pk>/merge", views.ClientMergeView.as_view(), name="crm-client-merge"),
]
