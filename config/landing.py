"""The first pages a newcomer opens: `/`, what the product is and where everything lives,
and `/api/v1/`, the API's resources with links (docs/api.md, "Entry points")."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.registry import domain_apps


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
    """The API's resources, each with its URL, and where the documentation is: every domain
    app's, as its AppConfig declares them (common/registry.py)."""

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
                    resource.name: {
                        "url": links["api"] + resource.path,
                        "description": str(resource.description),
                    }
                    for config in domain_apps()
                    for resource in config.api_resources
                },
            }
        )
