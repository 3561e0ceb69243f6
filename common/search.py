"""Full-text search over a few text fields: PostgreSQL's, with a plain fallback on SQLite
(the embedded run), where every word must appear in one of the fields."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Model, Q, QuerySet


def text_search(
    queryset: QuerySet[Model], fields: list[str], value: str, *, using: str
) -> QuerySet[Model]:
    if settings.DATABASES[using]["ENGINE"].endswith("postgresql"):
        vector = SearchVector(*fields, config="simple")
        query = SearchQuery(value, search_type="websearch", config="simple")
        searched: QuerySet[Model] = queryset.annotate(search=vector)
        return searched.filter(search=query)
    for word in value.split():
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset
