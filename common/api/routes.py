"""URL resolving that tries only the patterns a path can match (docs/conventions.md, "Hot
paths").

Django's resolver tries a list's patterns in order until one matches, and a failed include
costs an exception and a list of what it tried: an order reached past every other app's
patterns cost about 50 tries, twice per request (`common.middleware.ApiSlashMiddleware`
resolves too). `indexed` turns an include into one that looks at the path's first segment
first and hands the path to a resolver over the patterns whose literal beginning that
segment allows, in their order, so that the first of them to match is the one Django's
would find. What it resolves to is Django's own `ResolverMatch`; only the `tried` list of a
404 is shorter. common/tests/test_api_routes.py holds it equal to Django's for every
route."""

import re

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, ResolverMatch, RoutePattern

# A regex's literal beginning: characters that match themselves, none made optional by a
# quantifier after it.
_LITERAL = re.compile(r"[A-Za-z0-9/_-]*")

# Per segment, the patterns it can match; the patterns a segment no pattern names can match
# (with their literal beginnings); the resolver over each choice of patterns.
_Index = tuple[
    dict[str, tuple[int, ...]],
    list[tuple[int, tuple[str, ...]]],
    dict[tuple[int, ...], URLResolver],
]


def _literal(pattern: RegexPattern | RoutePattern | LocalePrefixPattern) -> str:
    """What every path the pattern matches begins with ("" when nothing is known)."""
    if isinstance(pattern, RoutePattern):
        return str(pattern).split("<", 1)[0]  # str(): its route
    regex = str(pattern) if isinstance(pattern, RegexPattern) else ""  # str(): its regex
    if regex.startswith("^") and "|" not in regex:
        beginning = _LITERAL.match(regex, 1)
        assert beginning is not None  # `*`: it matches, if only the empty string
        literal = beginning.group()
        following = regex[1 + len(literal) : 2 + len(literal)]
        return literal[:-1] if following and following in "?*+{" else literal
    return ""


def _beginnings(entry: URLPattern | URLResolver) -> set[str]:
    """The literal beginnings of the paths a pattern or include can match: an include whose
    route is all literal adds its patterns' own."""
    literal = _literal(entry.pattern)
    whole = isinstance(entry.pattern, RoutePattern) and "<" not in str(entry.pattern)
    if isinstance(entry, URLResolver) and whole:
        return {literal + inner for child in entry.url_patterns for inner in _beginnings(child)}
    return {literal}


def _segment(path: str) -> str:
    """The path's first segment with its slash, or the whole path when it has none."""
    slash = path.find("/")
    return path if slash < 0 else path[: slash + 1]


class IndexedResolver(URLResolver):
    """A `URLResolver` that resolves through narrower ones, one per first segment."""

    def resolve(self, path: str) -> ResolverMatch:
        path = str(path)
        match = self.pattern.match(path)
        if not match:
            return super().resolve(path)  # Django's Resolver404, as it raises it
        return self._narrowed(_segment(match[0])).resolve(path)

    def _narrowed(self, segment: str) -> URLResolver:
        index: _Index = self.__dict__.get("_index") or self._index_build()
        by_segment, open_ended, narrowed = index
        if segment in by_segment:
            return narrowed[by_segment[segment]]
        # A segment no pattern names: only patterns whose literal beginning has no slash
        # can match it (the ping, the API root).
        chosen = tuple(
            i for i, beginnings in open_ended if any(map(segment.startswith, beginnings))
        )
        if chosen not in narrowed:
            narrowed[chosen] = self._resolver_over(chosen)
        return narrowed[chosen]

    def _index_build(self) -> _Index:
        patterns = list(self.url_patterns)
        beginnings = [_beginnings(entry) for entry in patterns]
        segments = {_segment(b) for each in beginnings for b in each if "/" in b}
        by_segment = {
            segment: tuple(
                i
                for i, each in enumerate(beginnings)
                if any(_segment(b) == segment if "/" in b else segment.startswith(b) for b in each)
            )
            for segment in segments
        }
        open_ended = [
            (i, tuple(b for b in each if "/" not in b))
            for i, each in enumerate(beginnings)
            if any("/" not in b for b in each)
        ]
        narrowed = {chosen: self._resolver_over(chosen) for chosen in set(by_segment.values())}
        self._index = (by_segment, open_ended, narrowed)
        return self._index

    def _resolver_over(self, chosen: tuple[int, ...]) -> URLResolver:
        patterns = self.url_patterns
        return URLResolver(
            self.pattern,
            [patterns[i] for i in chosen],
            self.default_kwargs,
            self.app_name,
            self.namespace,
        )


def indexed(resolver: URLResolver) -> IndexedResolver:
    """`path(route, include(...))` resolving by its first segment: see the module."""
    return IndexedResolver(
        resolver.pattern,
        resolver.urlconf_name,
        resolver.default_kwargs,
        resolver.app_name,
        resolver.namespace,
    )
