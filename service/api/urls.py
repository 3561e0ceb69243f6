from django.urls import path

from service.api import views
from service.api import work_order_views as wo

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
    path("service/work-orders/", wo.WorkOrderListView.as_view(), name="service-work-orders"),
    path(
        "service/work-orders/<uuid:pk>/",
        wo.WorkOrderDetailView.as_view(),
        name="service-work-order",
    ),
    path(
        "service/work-orders/<uuid:pk>/lines/",
        wo.LineAddView.as_view(),
        name="service-work-order-lines",
    ),
    path(
        "service/work-orders/<uuid:pk>/lines/<uuid:line_id>/decide",
        wo.LineDecideView.as_view(),
        name="service-work-order-line-decide",
    ),
    path(
        "service/work-orders/<uuid:pk>/lines/<uuid:line_id>/done",
        wo.LineDoneView.as_view(),
        name="service-work-order-line-done",
    ),
    path(
        "service/work-orders/<uuid:pk>/photos/",
        wo.PhotoListView.as_view(),
        name="service-work-order-photos",
    ),
    *(
        path(
            f"service/work-orders/<uuid:pk>/{step}",
            view.as_view(),
            name=f"service-work-order-{step}",
        )
        for step, view in [
            ("sign", wo.SignView),
            ("start", wo.StartView),
            ("complete", wo.CompleteView),
            ("allow-balance", wo.BalanceAllowView),
            ("hand-over", wo.HandOverView),
            ("close", wo.CloseView),
            ("cancel", wo.CancelView),
        ]
    ),
    path("service/link/work-order", wo.LinkWorkOrderView.as_view(), name="service-link-work-order"),
    path(
        "service/link/work-order/sign",
        wo.LinkSignView.as_view(),
        name="service-link-work-order-sign",
    ),
    path(
        "service/link/work-order/decide",
        wo.LinkDecideView.as_view(),
        name="service-link-work-order-decide",
    ),
    path(
        "service/warranty-claims/",
        wo.WarrantyClaimListView.as_view(),
        name="service-warranty-claims",
    ),
    path(
        "service/warranty-claims/<uuid:pk>/status",
        wo.WarrantyClaimMoveView.as_view(),
        name="service-warranty-claim-status",
    ),
    path("service/my-cars/", wo.MyCarsView.as_view(), name="service-my-cars"),
]
