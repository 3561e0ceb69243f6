"""The first pages a newcomer opens: `/`, what the product is and where everything lives,
and `/api/v1/`, the API's resources with links (docs/api.md, "Entry points")."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

# The API's resources: (name, path under /api/v1/, what it is, in the request's language).
RESOURCES = [
    ("auth", "auth/token", _("Sign in: an access and a refresh token (also register, refresh)")),
    ("me", "users/me", _("Your profile")),
    ("products", "catalog/products/", _("The vehicle catalog")),
    ("categories", "catalog/categories/", _("Catalog categories, as a tree")),
    ("orders", "orders/", _("Your orders; staff see all")),
    ("payments", "payments/", _("Payments of orders and event seats")),
    ("loan-applications", "financing/applications/", _("Car loan applications")),
    ("loan-calculator", "financing/calculator", _("What a loan would cost")),
    ("insurance-quotes", "insurance/quotes/", _("OSAGO and KASKO quotes")),
    ("insurance-policies", "insurance/policies/", _("Insurance policies and claims")),
    ("showroom-events", "showroom/events/", _("Showroom events and registrations")),
    ("test-drives", "showroom/test-drives/", _("Test drives")),
    ("crm-clients", "crm/clients/", _("The CRM's clients (staff)")),
    ("webhooks", "integrations/webhooks/", _("Webhook subscriptions (admins)")),
]


def entry_points(request) -> dict[str, str]:
    """Where everything lives, as absolute URLs of this site."""
    absolute = request.build_absolute_uri
    return {
        "api": absolute("/api/v1/"),
        "schema": absolute(reverse("schema")),
        "docs": absolute(reverse("swagger-ui")),
        "redoc": absolute(reverse("redoc")),
        "events": absolute(reverse("events-schema")),
        "admin": absolute(reverse("admin:index")),
        "business": absolute(reverse("dashboard")),
        "dashboard": absolute(reverse("order-dashboard")),
        "health": absolute(reverse("health")),
        "metrics": absolute(reverse("metrics")),
    }


@require_GET
def landing_page(request):
    demo_logins = []
    if settings.LANDING_SHOWS_DEMO_LOGINS:
        from accounts.demo import DEMO_USERS

        demo_logins = DEMO_USERS
    return render(
        request,
        "landing.html",
        {"links": entry_points(request), "demo_logins": demo_logins},
    )


class ApiRootView(APIView):
    """The API's resources, each with its URL, and where the documentation is."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The API's index",
        responses={
            200: inline_serializer(
                "ApiIndex",
                {
                    "name": serializers.CharField(),
                    "documentation": serializers.DictField(child=serializers.URLField()),
                    "resources": serializers.DictField(
                        child=inline_serializer(
                            "ApiResource",
                            {"url": serializers.URLField(), "description": serializers.CharField()},
                        )
                    ),
                },
            )
        },
    )
    def get(self, request):
        links = entry_points(request)
        return Response(
            {
                "name": "Autosalon API",
                "documentation": {
                    name: links[name] for name in ("docs", "redoc", "schema", "events")
                },
                "resources": {
                    name: {"url": links["api"] + path, "description": str(description)}
                    for name, path, description in RESOURCES
                },
            }
        )
