"""Request ids: every request carries one, so that logs and events can be traced back."""

import contextlib
import contextvars
import re
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    request_id = _request_id.get()
    return "" if request_id == "-" else request_id


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-ID` from the client or makes one, and echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def request_id_set(request_id: str) -> contextvars.Token:
    return _request_id.set(request_id or "-")


def request_id_reset(token: contextvars.Token) -> None:
    _request_id.reset(token)


@contextlib.contextmanager
def request_id_bound(request_id: str):
    """Run a block (a Celery task handling an event, say) under the id of the request that
    caused it, so that the events it emits in turn carry the same id."""
    token = request_id_set(request_id)
    try:
        yield
    finally:
        request_id_reset(token)


class RequestSizeLimitMiddleware:
    """Refuses a body larger than REQUEST_MAX_BODY_BYTES with a 413 in the envelope, from its
    Content-Length, before anything reads it. A body sent without one is cut off by
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE (the same number) as it is read, which the error
    handlers answer with the same 413 (docs/security.md, "Request limits")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_BYTES:
            from common.exceptions import too_large_response

            return too_large_response()
        return self.get_response(request)


class PageLocaleMiddleware(LocaleMiddleware):
    """The language of the admin and the pages: the one a user chose with the admin's switch
    (a cookie), else the browser's. The API always speaks English, whatever the client's
    Accept-Language, so that its messages stay what its documentation says."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith("/api/"):
            return response
        return super().process_response(request, response)


# The name of the catch-all that answers an unknown `/api/` path (config/urls.py).
API_NOT_FOUND_URL_NAME = "api-not-found"


def api_path_served(path_info: str, urlconf=None) -> str:
    """The path an API request is served as: itself when it names an endpoint, else its other
    trailing-slash form when that one does, else itself (the JSON 404). docs/api.md,
    "Paths"."""
    if not path_info.startswith("/api/") or _is_endpoint(path_info, urlconf):
        return path_info
    other = path_info[:-1] if path_info.endswith("/") else f"{path_info}/"
    return other if _is_endpoint(other, urlconf) else path_info


def _is_endpoint(path_info: str, urlconf) -> bool:
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return False
    return match.url_name != API_NOT_FOUND_URL_NAME


class ApiSlashMiddleware:
    """Serves every API path with and without its trailing slash: the other form is served as
    the declared one, never redirected, since a redirect loses a POST's body on many clients.
    Works for any path the URL patterns declare, without an entry of its own; the schema
    documents the declared form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        served = api_path_served(request.path_info, getattr(request, "urlconf", None))
        if served != request.path_info:
            script_name = request.path[: len(request.path) - len(request.path_info)]
            request.path_info = served
            request.path = f"{script_name}{served}"
        return self.get_response(request)
