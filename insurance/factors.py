"""The names of a premium's factors, in the reader's language (docs/deal.md, "Insurance"). A
quote stores each factor as a code, a wording and its figures (`Quote.coefficients`), so
that the same quote reads "Territory: Moscow" in English and "Территория: Москва" in
Russian; the API gives the code, the figures and the name. Factors stored before the
wordings carry only an English name, which reads as it is."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from common.formatting import money

WORDINGS: dict[str, StrOrPromise] = {
    "base_rate": _("Base rate, %(currency)s"),
    "territory": _("Territory: %(territory)s"),
    "bonus_malus": _("Bonus-malus class %(class)s"),
    "age_experience_any": _("Age and experience: any driver"),
    "age_experience": _("Age and experience: %(age)s years old, %(experience)s years driving"),
    "drivers_anyone": _("Drivers: anyone"),
    "drivers_named": _("Drivers: named"),
    "engine_power": _("Engine power: %(hp)s hp"),
    "engine_power_unstated": _("Engine power: not stated (the top band)"),
    "period_of_use": _("Period of use: %(months)s months"),
    "premium_limit": _("Statutory limit: at most %(limit)s"),
    "coverage": _("Sum insured, %(currency)s"),
    "vehicle_age": _("Vehicle age: %(years)s full years"),
    "make_group": _("Make group: %(group)s"),
}
# The places of the OSAGO territory table and the KASKO make groups, by their codes.
TERRITORIES: dict[str, StrOrPromise] = {
    "moscow": pgettext_lazy("territory", "Moscow"),
    "saint_petersburg": pgettext_lazy("territory", "Saint Petersburg"),
    "moscow_region": pgettext_lazy("territory", "Moscow region"),
    "yekaterinburg": pgettext_lazy("territory", "Yekaterinburg"),
}
# Where each territory is, as a sentence about a premium says it: "for one driver in
# Yekaterinburg", "для одного водителя в Екатеринбурге".
TERRITORIES_WHERE: dict[str, StrOrPromise] = {
    "moscow": pgettext_lazy("territory", "in Moscow"),
    "saint_petersburg": pgettext_lazy("territory", "in Saint Petersburg"),
    "moscow_region": pgettext_lazy("territory", "in the Moscow region"),
    "yekaterinburg": pgettext_lazy("territory", "in Yekaterinburg"),
}
MAKE_GROUPS: dict[str, StrOrPromise] = {
    "standard": pgettext_lazy("make group", "standard"),
    "premium": pgettext_lazy("make group", "premium"),
    "high_theft_risk": pgettext_lazy("make group", "high theft risk"),
}


def factor_name(item: Mapping[str, Any]) -> str:
    """A stored factor's name in the active language."""
    wording = item.get("wording")
    if wording not in WORDINGS:  # stored before the wordings
        return str(item.get("name", item.get("code", "")))
    params: dict[str, object] = dict(item.get("params", {}))
    if "territory" in params:
        params["territory"] = TERRITORIES.get(str(params["territory"]), params["territory"])
    if "group" in params:
        params["group"] = MAKE_GROUPS.get(str(params["group"]), params["group"])
    if "limit" in params:
        params["limit"] = money(str(params["limit"]), str(params.get("currency", "")))
    return str(WORDINGS[wording]) % params
