import django_filters
from django.db.models import F

from common.filters import UtcIsoDateTimeFilter
from common.search import text_search
from showroom.models import Allocation, Event, TestDrive


class EventFilter(django_filters.FilterSet):
    starts_after = UtcIsoDateTimeFilter(field_name="start_date", lookup_expr="gte")
    starts_before = UtcIsoDateTimeFilter(field_name="start_date", lookup_expr="lte")
    category = django_filters.UUIDFilter(field_name="category_id")
    vehicle = django_filters.UUIDFilter(method="featuring")
    available = django_filters.BooleanFilter(method="with_seats")
    search = django_filters.CharFilter(method="matching", max_length=200)

    class Meta:
        model = Event
        fields = ["status"]

    def featuring(self, queryset, name, value):
        return queryset.filter(vehicle_ids__icontains=str(value))  # a UUID in the JSON list

    def with_seats(self, queryset, name, value):
        seats = queryset.filter(seats_taken__lt=F("capacity"))
        return seats if value else queryset.exclude(pk__in=seats.values("pk"))

    def matching(self, queryset, name, value):
        return text_search(queryset, ["title", "description"], value)


class AllocationFilter(django_filters.FilterSet):
    resource = django_filters.UUIDFilter(field_name="resource_id")
    event = django_filters.UUIDFilter(field_name="event_id")
    starts_after = UtcIsoDateTimeFilter(field_name="start_time", lookup_expr="gte")
    starts_before = UtcIsoDateTimeFilter(field_name="start_time", lookup_expr="lte")

    class Meta:
        model = Allocation
        fields = ["status"]


class TestDriveFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="start_time", lookup_expr="date")

    class Meta:
        model = TestDrive
        fields = ["status"]
