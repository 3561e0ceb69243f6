from django.urls import path

from service.api import views

urlpatterns = [
    path("service/slots", views.SlotsView.as_view(), name="service-slots"),
    path("service/menus/", views.MenuListView.as_view(), name="service-menus"),
    path("service/phone-codes", views.PhoneCodeView.as_view(), name="service-phone-codes"),
    path("service/bookings/", views.BookingListCreateView.as_view(), name="service-bookings"),
    path("service/bookings/<uuid:pk>/", views.BookingDetailView.as_view(), name="service-booking"),
    path(
        "service/bookings/<uuid:pk>/reschedule",
        views.BookingRescheduleView.as_view(),
        name="service-booking-reschedule",
    ),
    path(
        "service/bookings/<uuid:pk>/cancel",
        views.BookingCancelView.as_view(),
        name="service-booking-cancel",
    ),
    path("service/link/booking", views.LinkBookingView.as_view(), name="service-link-booking"),
    path(
        "service/link/reschedule",
        views.LinkRescheduleView.as_view(),
        name="service-link-reschedule",
    ),
    path("service/link/cancel", views.LinkCancelView.as_view(), name="service-link-cancel"),
]
