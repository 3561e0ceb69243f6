import re

import django_filters
from django.db.models import F, Q

from common.filters import OrderingFilter
from crm import selectors
from crm.models import Client

_NOT_DIGITS = re.compile(r"\D")


class NullsLastOrdering(OrderingFilter):
    """Clients never touched sort after the others either way, and the id breaks ties, so
    that pages neither repeat nor skip a row."""

    def filter(self, qs, value):
        fields = [self.get_ordering_value(param) for param in self.parameters(value)]
        if not fields:
            return qs
        return qs.order_by(
            *(
                F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
                for f in fields
            ),
            "id",
        )


class ClientFilter(django_filters.FilterSet):
    """Archived clients are left out unless `archived` is given."""

    tag = django_filters.CharFilter(field_name="tags__name", max_length=50)
    manager = django_filters.UUIDFilter(field_name="manager_id")
    search = django_filters.CharFilter(method="matching", max_length=200)
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    mine = django_filters.BooleanFilter(method="assigned_to_me")
    stale = django_filters.BooleanFilter(method="gone_quiet")
    ordering = NullsLastOrdering(fields=["created_at", "last_activity_at", "name"])

    class Meta:
        model = Client
        fields = ["type", "status"]

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    def matching(self, queryset, name, value):
        """A name, an e-mail, or a phone in any format (its digits), on the client or on any of
        its contacts."""
        value = value.strip()
        found = Q()
        for field in ("name", "email", "contacts__name", "contacts__email"):
            found |= Q(**{f"{field}__icontains": value})
        digits = _NOT_DIGITS.sub("", value)[-10:]  # "8 912 …" and "+7 912 …" alike
        if len(digits) >= 4:
            found |= Q(phone__contains=digits) | Q(contacts__phone__contains=digits)
        return queryset.filter(found).distinct()

    def assigned_to_me(self, queryset, name, value):
        mine = Q(manager_id=self.request.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def gone_quiet(self, queryset, name, value):
        stale = selectors.stale_leads(queryset)
        return stale if value else queryset.exclude(pk__in=stale.values("pk"))
