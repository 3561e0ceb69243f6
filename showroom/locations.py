"""The dealer group's showrooms as places (docs/showrooms.md): where each stands, how a buyer
reaches it and when it is open, on its own clock. Models of the showroom app, kept beside
`showroom/models.py`, which imports them."""

import uuid
from datetime import date, time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.formatting import local_date, tel
from common.models import TimestampedModel
from showroom.choices import SHOWROOM_TIME_ZONES, Weekday


class Showroom(TimestampedModel):
    """One showroom of the dealer group: where it stands, how a buyer reaches it, when it is
    open (`OpeningHours`, `ShowroomHoliday`, on its own clock) and the legal entity that sells
    from it (the documents app's; referenced by id). The storefront's contacts read them
    (docs/showrooms.md)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    brands = models.CharField(
        _("brands"), max_length=300, blank=True, help_text=_("As the sign says: Lada, Haval.")
    )
    city = models.CharField(_("city"), max_length=100, db_index=True)
    address = models.CharField(
        _("address"), max_length=500, help_text=_("As a buyer finds it: street, building.")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(
        _("phone"), max_length=32, help_text=_("Sales, as buyers dial it: +7 495 123-45-67.")
    )
    service_phone = models.CharField(_("service phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=SHOWROOM_TIME_ZONES, default="Europe/Moscow"
    )
    legal_entity_id = models.BigIntegerField(  # documents.LegalEntity's id
        _("legal entity"),
        null=True,
        blank=True,
        help_text=_("The one that sells from this showroom; the default one when empty."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower comes first on the site.")
    )
    is_active = models.BooleanField(
        _("open to buyers"), default=True, help_text=_("A closed showroom is not on the site.")
    )

    class Meta:
        verbose_name = _("showroom")
        verbose_name_plural = _("showrooms")
        ordering = ["position", "city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="showroom_showroom_coordinates",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    @property
    def tel(self) -> str:
        return tel(self.phone)

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """When it is open on `day` (its own calendar), a holiday's hours first; None when
        closed."""
        holiday = self.holidays.filter(date=day).first()
        if holiday is not None:
            opens, closes = holiday.opens_at, holiday.closes_at
            return (opens, closes) if opens is not None and closes is not None else None
        hours = self.hours.filter(weekday=day.isoweekday()).first()
        return (hours.opens_at, hours.closes_at) if hours else None


class OpeningHours(models.Model):
    """When a showroom is open on a weekday, on its own clock; a weekday without a row is a
    day off."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom = models.ForeignKey(
        Showroom, verbose_name=_("showroom"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["showroom", "weekday"], name="showroom_hours_once"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="showroom_hours_order"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ShowroomHoliday(models.Model):
    """A day a showroom keeps other hours than its weekday's: closed (no hours), or shorter."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom = models.ForeignKey(
        Showroom, verbose_name=_("showroom"), on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("New Year"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["showroom", "date"], name="showroom_holiday_once"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="showroom_holiday_hours",
            ),
        ]

    def __str__(self):
        return f"{local_date(self.date)} {self.note}".strip()
