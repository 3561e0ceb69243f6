from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=&page_size=`, at most 100 rows a page (docs/api.md)."""

    page_size_query_param = "page_size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """`?cursor=&page_size=` for timelines: newest first, stable while entries are added.
    A timeline names its own `ordering`, ending in a unique field."""

    # DRF's own type: a timeline's may be a tuple (`("-occurred_at", "-id")`).
    ordering: str | list[str] | tuple[str, ...] = "-created_at"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
