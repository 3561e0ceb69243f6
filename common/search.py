"""Full-text search over a few text fields, in PostgreSQL's `simple` configuration (every
word as written, no language's stemming)."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Model, QuerySet


def text_search(queryset: QuerySet[Model], fields: list[str], value: str) -> QuerySet[Model]:
    vector = SearchVector(*fields, config="simple")
    query = SearchQuery(value, search_type="websearch", config="simple")
    searched: QuerySet[Model] = queryset.annotate(search=vector)
    return searched.filter(search=query)
