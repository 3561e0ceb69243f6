from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from accounts.views import (
    email_change_cancel_page,
    email_change_page,
    email_verify_page,
    identity_link_page,
    password_reset_page,
    set_language,
)
from common.api.routes import indexed
from common.api.throttling import throttled
from common.ops import health
from common.ops.metrics import metrics
from common.views import ApiRootView, PingView, api_not_found, asyncapi, jwks
from crm.views import my_clients_page
from integrations.views import feed_file
from notifications.views import unsubscribe_page
from onec.views import exchange as onec_exchange
from orders.views import order_dashboard
from payments.views import payment_return_page
from storefront import urls as storefront_urls
from storefront.views.developers import landing_page

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("ping", PingView.as_view(), name="ping"),
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("financing.api.urls")),
    path("", include("insurance.api.urls")),
    path("", include("showroom.api.urls")),
    path("", include("crm.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("tradein.api.urls")),
    path("", include("service.api.urls")),
]

urlpatterns = [
    path("", include("storefront.urls")),
    *storefront_urls.sitemap_urls,
    path("developers/", landing_page, name="landing"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("feeds/<slug:kind>/<str:token>.xml", feed_file, name="feed-file"),
    # 1C's exchange with the site (docs/1c.md): its own accounts, its own plain-text protocol.
    path("exchange/1c/", onec_exchange, name="onec-exchange"),
    path("health", health.liveness, name="health"),
    path("health/ready", health.readiness, name="health-ready"),
    path("health/components", health.components, name="health-components"),
    path("metrics", metrics, name="metrics"),
    # The admin's login form counts in the sign-in bucket, as the token endpoint does.
    path("admin/login/", throttled("login", page=True)(admin.site.login)),
    path("admin/", admin.site.urls),
    # The admin's language switch: the cookie, and the signed-in user's saved language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("backoffice.urls")),
    path("dashboard/orders/", order_dashboard, name="order-dashboard"),
    path("dashboard/clients/", my_clients_page, name="crm-my-clients"),
    path("reset-password", password_reset_page, name="password-reset-page"),
    path("link-account", identity_link_page, name="identity-link-page"),
    path("verify-email", email_verify_page, name="email-verify-page"),
    path("change-email", email_change_page, name="email-change-page"),
    path("cancel-email-change", email_change_cancel_page, name="email-change-cancel-page"),
    path("payments/<uuid:payment_id>/return", payment_return_page, name="payment-return-page"),
    path(
        "notifications/unsubscribe/<str:token>/",
        unsubscribe_page,
        name="notifications-unsubscribe",
    ),
    # Tried by the path's first segment, not app after app (docs/conventions.md, "Hot paths").
    indexed(path("api/v1/", include(api_v1))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/events/", asyncapi, name="events-schema"),
    # Swagger UI's set-up script is a request of its own: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # ReDoc styles its page by injecting <style> elements, and parses in a worker.
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="redoc",
    ),
    # Named: common.middleware.ApiSlashMiddleware tells an unknown path by it.
    re_path(r"^api/", api_not_found, name="api-not-found"),
    # Photos stored on the filesystem (the embedded run): Django serves them itself. Object
    # storage serves its own (docs/operations.md, "Media").
    *(
        [
            re_path(
                rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$",
                serve,
                {"document_root": settings.MEDIA_ROOT},
            )
        ]
        if settings.MEDIA_STORAGE == "filesystem"
        else []
    ),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "storefront.views.errors.page_not_found"
handler500 = "storefront.views.errors.server_error"
