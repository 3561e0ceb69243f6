from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=&page_size=`, at most 100 rows a page (docs/api.md)."""

    page_size_query_param = "page_size"
    max_page_size = 100
