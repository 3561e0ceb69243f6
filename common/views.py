"""Error pages in the envelope, for requests that never reach a DRF view."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common import jwtkeys
from common.api.exceptions import json_error
from common.error_codes import CommonErrorCode
from common.registry import domain_apps


def validated(
    serializer_class: type[serializers.Serializer[Any]], request: Request, **kwargs: Any
) -> dict[str, Any]:
    """The request body parsed by an input serializer; a 400 in the envelope when invalid.
    `kwargs` go to the serializer (an `instance`, `partial`)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    # A Serializer's validated data is a dict of its fields' values.
    data: dict[str, Any] = serializer.validated_data
    return data


# Less than the shortest access token's life, so that a new key reaches verifiers in time.
JWKS_MAX_AGE_SECONDS = 300


@cache_control(public=True, max_age=300)
def asyncapi(request: HttpRequest) -> JsonResponse:
    """The events' AsyncAPI document (common.events.contract), beside the OpenAPI schema."""
    from common.events.contract import asyncapi_document

    return JsonResponse(asyncapi_document())


@csrf_exempt
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Catch-all for unknown paths under `/api/`: the JSON 404 for every method. Exempt from
    CSRF, which would otherwise answer an unsafe method first; it reads and changes nothing."""
    return json_error(CommonErrorCode.NOT_FOUND, _("No such endpoint."), 404)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(
            CommonErrorCode.BAD_REQUEST, _("The request could not be understood."), 400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(CommonErrorCode.PERMISSION_DENIED, _("You may not do this."), 403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: for an API path, a 403 `csrf_failed` in the envelope; the
    admin and the pages keep Django's own page (docs/security.md, "CSRF")."""
    if request.path_info.startswith("/api/"):
        return json_error(
            CommonErrorCode.CSRF_FAILED,
            _("CSRF verification failed: %(reason)s") % {"reason": reason},
            403,
        )
    return csrf.csrf_failure(request, reason)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(CommonErrorCode.SERVER_ERROR, _("An unexpected error occurred."), 500)
    return defaults.server_error(request)


class PingView(APIView):
    """Answers at once, touching nothing: the API is up."""

    # The cheapest DRF endpoint: the baseline the benchmarks compare against.

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: inline_serializer("Pong", {"pong": serializers.BooleanField()})})
    def get(self, request: Request) -> Response:
        return Response({"pong": True})


@cache_control(public=True, max_age=JWKS_MAX_AGE_SECONDS)
def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that verify this system's tokens (common/jwtkeys.py). A verifier may
    cache them for JWKS_MAX_AGE_SECONDS; a rotation publishes the new key alongside the old."""
    return JsonResponse(jwtkeys.jwks())


def entry_points(request: HttpRequest) -> dict[str, str]:
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


class ApiRootView(APIView):
    """The API's resources, each with its URL, and where the documentation is: every domain
    app's, as its AppConfig declares them (common/registry.py)."""

    authentication_classes: list[type[BaseAuthentication]] = []
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
    def get(self, request: Request) -> Response:
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
