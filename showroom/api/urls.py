from django.urls import path

from showroom.api import views

urlpatterns = [
    path("showrooms/", views.ShowroomListView.as_view(), name="showrooms"),
    path(
        "showroom/categories/", views.CategoryListCreateView.as_view(), name="showroom-categories"
    ),
    path("showroom/events/", views.EventListCreateView.as_view(), name="showroom-events"),
    path("showroom/events/<uuid:pk>/", views.EventDetailView.as_view(), name="showroom-event"),
    path(
        "showroom/events/<uuid:pk>/cancel",
        views.EventCancelView.as_view(),
        name="showroom-event-cancel",
    ),
    path(
        "showroom/events/<uuid:pk>/register",
        views.EventRegisterView.as_view(),
        name="showroom-event-register",
    ),
    path(
        "showroom/events/<uuid:pk>/registrations",
        views.EventRegistrationsView.as_view(),
        name="showroom-event-registrations",
    ),
    path(
        "showroom/registrations/",
        views.RegistrationListView.as_view(),
        name="showroom-registrations",
    ),
    path(
        "showroom/registrations/<uuid:pk>/cancel",
        views.RegistrationCancelView.as_view(),
        name="showroom-registration-cancel",
    ),
    path(
        "showroom/resource-types/",
        views.ResourceTypeListCreateView.as_view(),
        name="showroom-resource-types",
    ),
    path("showroom/resources/", views.ResourceListCreateView.as_view(), name="showroom-resources"),
    path(
        "showroom/resources/<uuid:pk>/",
        views.ResourceDetailView.as_view(),
        name="showroom-resource",
    ),
    path(
        "showroom/resources/<uuid:pk>/allocate",
        views.ResourceAllocateView.as_view(),
        name="showroom-resource-allocate",
    ),
    path("showroom/allocations/", views.AllocationListView.as_view(), name="showroom-allocations"),
    path(
        "showroom/allocations/<uuid:pk>/release",
        views.AllocationReleaseView.as_view(),
        name="showroom-allocation-release",
    ),
    path(
        "showroom/test-drives/",
        views.TestDriveListCreateView.as_view(),
        name="showroom-test-drives",
    ),
    path(
        "showroom/test-drives/slots",
        views.TestDriveSlotsView.as_view(),
        name="showroom-test-drive-slots",
    ),
    path(
        "showroom/test-drives/<uuid:pk>/reschedule",
        views.TestDriveRescheduleView.as_view(),
        name="showroom-test-drive-reschedule",
    ),
    path(
        "showroom/test-drives/<uuid:pk>/cancel",
        views.TestDriveCancelView.as_view(),
        name="showroom-test-drive-cancel",
    ),
    path(
        "showroom/test-drives/<uuid:pk>/outcome",
        views.TestDriveOutcomeView.as_view(),
        name="showroom-test-drive-outcome",
    ),
]
