from django.urls import path

from tradein.api import views

urlpatterns = [
    path("trade-ins/", views.TradeInListCreateView.as_view(), name="trade-ins"),
    path("trade-ins/<uuid:pk>/", views.TradeInDetailView.as_view(), name="trade-in-detail"),
    path("trade-ins/<uuid:pk>/photos/", views.TradeInPhotoView.as_view(), name="trade-in-photos"),
    path(
        "trade-in-photos/<uuid:trade_in_id>/<str:filename>",
        views.TradeInPhotoFileView.as_view(),
        name="trade-in-photo-file",
    ),
    path("trade-ins/<uuid:pk>/offer", views.OfferView.as_view(), name="trade-in-offer"),
    path("trade-ins/<uuid:pk>/accept", views.AcceptView.as_view(), name="trade-in-accept"),
    path("trade-ins/<uuid:pk>/decline", views.DeclineView.as_view(), name="trade-in-decline"),
    path("trade-ins/<uuid:pk>/withdraw", views.WithdrawView.as_view(), name="trade-in-withdraw"),
    path("trade-ins/<uuid:pk>/inspect", views.InspectionView.as_view(), name="trade-in-inspect"),
]
