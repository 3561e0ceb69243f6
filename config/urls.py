from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from common import health
from common.throttling import throttled
from common.views import PingView, api_not_found
from config.metrics import metrics
from orders.views import order_dashboard

api_v1 = [
    path("ping", PingView.as_view(), name="ping"),
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("financing.api.urls")),
    path("", include("insurance.api.urls")),
]

urlpatterns = [
    path("health", health.liveness, name="health"),
    path("health/ready", health.readiness, name="health-ready"),
    path("metrics", metrics, name="metrics"),
    # The admin's login form counts in the sign-in bucket, as the token endpoint does.
    path("admin/login/", throttled("login")(admin.site.login)),
    path("admin/", admin.site.urls),
    path("dashboard/orders/", order_dashboard, name="order-dashboard"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^api/", api_not_found),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"
