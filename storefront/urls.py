"""The buyers' website (docs/storefront.md): its paths are fixed by the product."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from storefront.sitemaps import SITEMAPS
from storefront.views import (
    account,
    catalog,
    checkout,
    contacts,
    insurance,
    loans,
    receipts,
    service,
    service_booking,
    tradein,
)

app_name = "storefront"

# Outside the namespace: Django's sitemap index names its pages by this one.
sitemap_urls = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

urlpatterns = [
    path("", catalog.home, name="home"),
    path("cars/", catalog.car_list, name="cars"),
    path("cars/<uuid:vehicle_id>/", catalog.car_detail, name="car"),
    path("compare/", catalog.compare_page, name="compare"),
    path("compare/<uuid:vehicle_id>/add", catalog.compare_add, name="compare-add"),
    path("compare/<uuid:vehicle_id>/remove", catalog.compare_remove, name="compare-remove"),
    path("privacy/", catalog.privacy, name="privacy"),
    path("contacts/", contacts.contacts, name="contacts"),
    path("robots.txt", catalog.robots_txt, name="robots"),
    path("cars/<uuid:vehicle_id>/reserve", checkout.reserve, name="reserve"),
    path("cars/<uuid:vehicle_id>/callback", checkout.callback, name="callback"),
    path("cars/<uuid:vehicle_id>/test-drive", checkout.test_drive_book, name="test-drive"),
    path("events/<uuid:event_id>/", checkout.event_page, name="event"),
    path("checkout/<uuid:order_id>/", checkout.checkout, name="checkout"),
    path("account/orders/", checkout.order_list, name="orders"),
    path("account/orders/<uuid:order_id>/", checkout.order_detail, name="order"),
    path("account/orders/<uuid:order_id>/insure", insurance.order_insure, name="order-insure"),
    path(
        "account/orders/<uuid:order_id>/insure/buy",
        insurance.order_insure_buy,
        name="order-insure-buy",
    ),
    path("account/orders/<uuid:order_id>/loan/banks", loans.loan_banks, name="loan-banks"),
    path("account/orders/<uuid:order_id>/loan/offers", loans.loan_offers_part, name="loan-offers"),
    path("account/orders/<uuid:order_id>/loan/withdraw", loans.loan_withdraw, name="loan-withdraw"),
    path(
        "account/orders/<uuid:order_id>/loan/offers/<uuid:offer_id>/choose",
        loans.loan_offer_choose,
        name="loan-offer-choose",
    ),
    path(
        "account/orders/<uuid:order_id>/documents/<uuid:document_id>",
        checkout.order_document,
        name="order-document",
    ),
    path(
        "account/payments/<uuid:payment_id>/receipts/",
        receipts.payment_receipts,
        name="receipts",
    ),
    path("trade-in/", tradein.trade_in_new, name="trade-in"),
    path("account/trade-ins/<uuid:trade_in_id>/", tradein.trade_in_detail, name="trade-in-detail"),
    path(
        "account/trade-ins/<uuid:trade_in_id>/photos",
        tradein.trade_in_photos,
        name="trade-in-photos",
    ),
    path(
        "account/trade-ins/<uuid:trade_in_id>/attach",
        tradein.trade_in_attach,
        name="trade-in-attach",
    ),
    path(
        "account/trade-ins/<uuid:trade_in_id>/<slug:step>",
        tradein.trade_in_step,
        name="trade-in-step",
    ),
    path("account/cars/", service.my_cars, name="my-cars"),
    path("service/", service_booking.booking_page, name="service-book"),
    path("service/booking/<str:token>/", service_booking.booking_link_page, name="service-booking"),
    path("account/service/<uuid:work_order_id>/", service.work_order_page, name="work-order"),
    path(
        "account/service/<uuid:work_order_id>/sign",
        service.work_order_sign,
        name="work-order-sign",
    ),
    path(
        "account/service/<uuid:work_order_id>/papers/<uuid:document_id>",
        service.work_order_paper,
        name="work-order-paper",
    ),
    path(
        "account/service/<uuid:work_order_id>/pay",
        service.work_order_pay,
        name="work-order-pay",
    ),
    path(
        "account/service/<uuid:work_order_id>/lines/<uuid:line_id>/<slug:decision>",
        service.work_order_decide,
        name="work-order-decide",
    ),
    path(
        "service/work-order/<str:token>/",
        service.work_order_link_page,
        name="work-order-link",
    ),
    path(
        "service/work-order/<str:token>/sign",
        service.work_order_link_sign,
        name="work-order-link-sign",
    ),
    path(
        "service/work-order/<str:token>/lines/<uuid:line_id>/<slug:decision>",
        service.work_order_link_decide,
        name="work-order-link-decide",
    ),
    path("account/", account.account_page, name="account"),
    path("account/notifications/", account.account_notifications, name="account-notifications"),
    path(
        "account/consents/<uuid:consent_id>/withdraw",
        account.consent_withdraw,
        name="consent-withdraw",
    ),
    path("account/sign-in/", account.sign_in, name="sign-in"),
    path("account/sign-up/", account.sign_up, name="sign-up"),
    path("account/sign-out/", account.sign_out, name="sign-out"),
    path("account/google/", account.google_start, name="google"),
    path("account/google/callback/", account.google_callback, name="google-callback"),
    path("account/password/", account.password_forgotten, name="password-forgotten"),
]
