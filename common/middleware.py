"""Request ids: every request carries one, so that logs and events can be traced back."""

import contextlib
import contextvars
import re
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

# What a middleware is made with: the next middleware, or the view.
GetResponse = Callable[[HttpRequest], HttpResponseBase]

REQUEST_ID_HEADER = "X-Request-ID"
# The request's attribute that holds its id too (HttpRequest declares no such attribute).
REQUEST_ID_ATTRIBUTE = "request_id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    request_id = _request_id.get()
    return "" if request_id == "-" else request_id


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-ID` from the client or makes one, and echoes it."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        setattr(request, REQUEST_ID_ATTRIBUTE, request_id)
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def request_id_set(request_id: str) -> contextvars.Token[str]:
    return _request_id.set(request_id or "-")


def request_id_reset(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


@contextlib.contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    """Run a block (a Celery task handling an event, say) under the id of the request that
    caused it, so that the events it emits in turn carry the same id."""
    token = request_id_set(request_id)
    try:
        yield
    finally:
        request_id_reset(token)


class RequestSizeLimitMiddleware:
    """Refuses a body larger than REQUEST_MAX_BODY_BYTES with a 413 in the envelope, from its
    Content-Length, before anything reads it; a multipart upload to a path of
    REQUEST_UPLOAD_PATHS (a photo) may reach REQUEST_MAX_UPLOAD_BYTES. A body sent without
    one is cut off by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (the same number, files aside) as
    it is read, which the error handlers answer with the same 413 (docs/security.md,
    "Request limits")."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.upload_paths = [re.compile(path) for path in settings.REQUEST_UPLOAD_PATHS]

    def limit(self, request: HttpRequest) -> int:
        uploading = request.content_type == "multipart/form-data" and any(
            path.match(request.path_info) for path in self.upload_paths
        )
        return int(
            settings.REQUEST_MAX_UPLOAD_BYTES if uploading else settings.REQUEST_MAX_BODY_BYTES
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > (limit := self.limit(request)):
            from common.api.exceptions import too_large_response

            return too_large_response(JsonResponse, limit)
        return self.get_response(request)


class PageLocaleMiddleware(LocaleMiddleware):
    """The language of the admin and the pages: the one a user chose with the admin's switch
    (a cookie), else the browser's; `UserLanguageMiddleware` then puts a signed-in user's saved
    one first. The API speaks what the request's Accept-Language asks for, of `LANGUAGES`, and
    English without one: never a cookie's, so that a client's messages do not change with a
    browser session's (docs/api.md, "Languages")."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            language = api_language(request.headers.get("Accept-Language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return
        super().process_request(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path_info.startswith("/api/"):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


def api_language(accept_language: str) -> str:
    """The first of the header's languages, by their q, that the site speaks; else English."""
    for code, _quality in trans_real.parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """A signed-in user's saved language (`User.language`, set by the admin's switch) before
    the cookie and the browser's, on the pages and the admin; after AuthenticationMiddleware,
    which `request.user` needs. A user who never chose keeps what PageLocaleMiddleware found."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith("/api/"):
            language = self._saved_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _saved_language(request: HttpRequest) -> str:
        # Imported here: DRF's settings import this module while common.api.exceptions loads.
        from common.api.exceptions import UNAVAILABLE

        if not hasattr(request, "user"):  # no AuthenticationMiddleware before this one
            return ""
        user = request.user
        try:
            return user.language if user.is_authenticated else ""
        except UNAVAILABLE:
            # The view meets the same outage and answers it with its 503 (docs/operations.md,
            # "Faults"); a middleware's exception would be a 500.
            return ""


def download_language(request: HttpRequest) -> str:
    """The language of a file a member of staff downloads (an export, the sales report): a
    business record read by colleagues and the accountant, so the dealership's
    (DEALERSHIP_LANGUAGE) unless the user chose another, with the switch (their saved
    language, else its cookie); a browser's Accept-Language is no choice (docs/admin.md,
    "Lists")."""
    chosen = UserLanguageMiddleware._saved_language(request) or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME, ""
    )
    if chosen:
        try:
            return str(translation.get_supported_language_variant(chosen))
        except LookupError:  # a cookie of a language the site no longer speaks
            pass
    return str(settings.DEALERSHIP_LANGUAGE)


# The name of the catch-all that answers an unknown `/api/` path (config/urls.py).
API_NOT_FOUND_URL_NAME = "api-not-found"


def api_path_served(path_info: str, urlconf: str | None = None) -> str:
    """The path an API request is served as: itself when it names an endpoint, else its other
    trailing-slash form when that one does, else itself (the JSON 404). docs/api.md,
    "Paths"."""
    if not path_info.startswith("/api/") or _is_endpoint(path_info, urlconf):
        return path_info
    other = path_info[:-1] if path_info.endswith("/") else f"{path_info}/"
    return other if _is_endpoint(other, urlconf) else path_info


def _is_endpoint(path_info: str, urlconf: str | None) -> bool:
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

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        served = api_path_served(request.path_info, getattr(request, "urlconf", None))
        if served != request.path_info:
            script_name = request.path[: len(request.path) - len(request.path_info)]
            request.path_info = served
            request.path = f"{script_name}{served}"
        return self.get_response(request)
