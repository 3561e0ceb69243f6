"""`common.api.routes.indexed` resolves every path to what Django's own resolver finds: the
same view, arguments, name, namespaces and route (docs/conventions.md, "Hot paths")."""

import re
import uuid

from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, include, path, re_path, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from common.api.routes import IndexedResolver, indexed

SAMPLES = {"uuid": str(uuid.UUID(int=36)), "int": "7", "str": "abc", "slug": "a-b", "path": "a/b"}


def _plain(entry):
    """The same patterns, resolved by Django's resolver at every level."""
    if isinstance(entry, URLResolver):
        return URLResolver(
            entry.pattern,
            [_plain(child) for child in entry.url_patterns],
            entry.default_kwargs,
            entry.app_name,
            entry.namespace,
        )
    return entry


def _outcome(resolver, path_info: str):
    try:
        match = resolver.resolve(path_info)
    except Resolver404:
        return None
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.app_names,
        match.namespaces,
        match.route,
        match.captured_kwargs,
        match.extra_kwargs,
    )


def _declared(entries, prefix: str = ""):
    """A path for every route the patterns declare (a sample value for each converter);
    regex patterns (the admin's) are left to the list below."""
    for entry in entries:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], str(entry.pattern)
        )
        if isinstance(entry, URLResolver):
            yield from _declared(entry.url_patterns, prefix + route)
        else:
            yield prefix + route


def _variants(path_info: str):
    yield path_info
    yield path_info[:-1] if path_info.endswith("/") else f"{path_info}/"
    yield f"{path_info}x"
    yield f"{path_info}/x/"


OTHER_PATHS = [
    "",
    "/",
    "/api",
    "/api/",
    "/api/v1",
    "/api/v1/",
    "/api/v1/nothing-here",
    "/api/v1/orders",
    "/api/v1/ping/",
    "/api/v1/pingpong",
    "/api/v2/orders/",
    "/admin/",
    "/admin/login/",
    "/admin/orders/order/",
    f"/admin/orders/order/{SAMPLES['uuid']}/change/",
    "/admin/jsi18n/",
    "/no/such/page",
    "//api/v1/orders/",
]


def test_the_api_routes_are_indexed():
    (api_v1,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == "api/v1/"
    ]

    assert isinstance(api_v1, IndexedResolver)


def test_every_route_of_the_project_resolves_as_djangos_resolver_resolves_it():
    project = get_resolver()
    plain = URLResolver(RegexPattern(r"^/"), [_plain(entry) for entry in project.url_patterns])
    paths = {f"/{declared}" for declared in _declared(project.url_patterns)}
    assert len(paths) > 150  # every app's API, the pages, the health checks

    checked = resolved = 0
    for each in sorted(paths) + OTHER_PATHS:
        for path_info in _variants(each):
            expected = _outcome(plain, path_info)
            assert _outcome(project, path_info) == expected, path_info
            checked += 1
            resolved += expected is not None
    assert resolved > 300
    assert checked - resolved > 50  # and 404s stay 404s (the API catch-all answers most)


def test_names_reverse_as_before():
    assert reverse("orders-list") == "/api/v1/orders/"
    assert reverse("ping") == "/api/v1/ping"
    assert reverse("orders-detail", kwargs={"pk": SAMPLES["uuid"]}).startswith("/api/v1/orders/")


def _view(name):
    def view(request, **kwargs):
        return HttpResponse(name)

    view.__name__ = name
    return view


def test_patterns_of_every_shape_resolve_as_djangos_resolver_resolves_them():
    # Literal routes with and without a slash, converters right after the prefix, regexes
    # anchored or not, with a quantifier on their last literal or an alternation, nested
    # includes with a namespace and default kwargs: the first match in Django's order wins.
    patterns = [
        path("", _view("root")),
        path("ping", _view("ping")),
        path("pingx/", _view("pingx")),
        path("pi<str:rest>", _view("pi-prefix")),
        path("orders/", _view("orders-a")),
        path(
            "",
            include(
                (
                    [
                        path("orders/", _view("orders-shadowed")),
                        path("orders/<uuid:pk>/", _view("order")),
                        re_path(r"^ord?ers/x$", _view("orders-regex")),
                        path("catalog/<slug:slug>", _view("catalog")),
                    ],
                    "shop",
                ),
                namespace="shop",
            ),
            {"extra": 1},
        ),
        re_path(r"^a|zz", _view("alternation")),
        re_path(r"^bb+c/$", _view("quantified")),
        re_path(r"x/y", _view("unanchored")),
        path("<str:anything>/", _view("catch-all")),
    ]
    tree = [indexed(path("site/", include(patterns)))]
    fast = URLResolver(RegexPattern(r"^/"), tree)
    plain = URLResolver(RegexPattern(r"^/"), [_plain(entry) for entry in tree])
    paths = [
        "/site/",
        "/site/ping",
        "/site/pingx/",
        "/site/pingy",
        "/site/pi",
        "/site/orders/",
        f"/site/orders/{SAMPLES['uuid']}/",
        "/site/orders/x",
        "/site/orers/x",
        "/site/catalog/a-b",
        "/site/a",
        "/site/xx/zz",
        "/site/bc/",
        "/site/bbbc/",
        "/site/q/x/y",
        "/site/anything/",
        "/site/nothing",
        "/site",
        "/elsewhere/",
    ]

    outcomes = {each: _outcome(plain, each) for each in paths}
    for each in paths:
        assert _outcome(fast, each) == outcomes[each], each
    assert outcomes["/site/orders/"][0].__name__ == "orders-a"
    assert outcomes["/site/orers/x"][0].__name__ == "orders-regex"
    assert outcomes["/site/xx/zz"][0].__name__ == "alternation"
    assert outcomes["/site/q/x/y"][0].__name__ == "unanchored"
    assert outcomes["/site/pingy"][0].__name__ == "pi-prefix"
    assert outcomes["/site/nothing"] is None
