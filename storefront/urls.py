"""The buyers' website (docs/storefront.md): its paths are fixed by the product."""

from django.urls import path

from storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("cars/", views.car_list, name="cars"),
    path("cars/<uuid:vehicle_id>/", views.car_detail, name="car"),
    path("compare/", views.compare_page, name="compare"),
    path("compare/<uuid:vehicle_id>/add", views.compare_add, name="compare-add"),
    path("compare/<uuid:vehicle_id>/remove", views.compare_remove, name="compare-remove"),
]
