"""What every storefront page is: in the dealership's language unless the buyer chose
another, and a 404 for whatever a selector does not find."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation

from common.api.exceptions import NotFound
from storefront.attribution import attribution_note

_Response = TypeVar("_Response", bound=HttpResponseBase)


def page(view: Callable[..., _Response]) -> Callable[..., _Response]:
    """A storefront page: in the dealership's language unless the buyer chose another (the
    switch's cookie, or their account's), and a 404 for whatever a selector does not find;
    the visit's source noted (storefront/attribution.py)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> _Response:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or (
            request.user.is_authenticated and request.user.language
        )
        if not chosen:
            translation.activate(settings.DEALERSHIP_LANGUAGE)
            request.LANGUAGE_CODE = settings.DEALERSHIP_LANGUAGE
        attribution_note(request)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapped


def htmx(request: HttpRequest) -> bool:
    """Whether htmx asked: it gets only the part it swaps."""
    return request.headers.get("HX-Request") == "true"
