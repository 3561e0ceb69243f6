"""The project's URLs plus one view that fails, to prove that a 500 keeps the envelope."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@api_view(["GET"])
@permission_classes([AllowAny])
def broken(request):
    raise RuntimeError("boom")


def broken_plain_view(request):
    raise RuntimeError("boom outside DRF")


urlpatterns = [
    path("api/v1/test-broken", broken),
    path("api/v1/test-broken-plain", broken_plain_view),
    *project_urlpatterns,
]
