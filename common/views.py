"""Error pages in the envelope, for requests that never reach a DRF view."""

from django.views import defaults

from common.error_codes import CommonErrorCode
from common.exceptions import json_error


def api_not_found(request, *args, **kwargs):
    """Catch-all for unknown paths under `/api/`."""
    return json_error(CommonErrorCode.NOT_FOUND, "No such endpoint.", 404)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_error(CommonErrorCode.SERVER_ERROR, "An unexpected error occurred.", 500)
    return defaults.server_error(request)
