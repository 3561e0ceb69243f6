"""Reads of the insurance domain, scoped to who asks: a client sees their own quotes,
policies and claims; staff those of their showrooms (common.showrooms). Another client's is a 404, like a missing one.
And the OSAGO territory a car sold in a city is priced in (`territory_of`)."""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django_stubs_ext import StrOrPromise

from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from insurance import events, rulesets
from insurance.factors import TERRITORIES_WHERE
from insurance.models import Claim, Policy, Quote

M = TypeVar("M", bound=Model)


def _visible(queryset: QuerySet[M], user: Actor) -> QuerySet[M]:
    return visible_to(user, queryset)


def _one(queryset: QuerySet[M], pk: Id) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def quote_list(*, user: Actor) -> QuerySet[Quote]:
    return _visible(Quote.objects.all(), user)


def quote_get(*, user: Actor, quote_id: Id) -> Quote:
    return _one(quote_list(user=user), quote_id)


def policy_list(*, user: Actor) -> QuerySet[Policy]:
    return _visible(Policy.objects.all(), user)


def policy_get(*, user: Actor, policy_id: Id) -> Policy:
    return _one(policy_list(user=user), policy_id)


def claim_list(*, user: Actor) -> QuerySet[Claim]:
    return _visible(Claim.objects.select_related("policy").prefetch_related("decisions"), user)


def claim_get(*, user: Actor, claim_id: Id) -> Claim:
    return _one(claim_list(user=user), claim_id)


def policy_payable_report(policy_id: str) -> dict[str, Any] | None:
    """The policy as its events report it (`insurance_policy.purchased`), for payments when a
    premium is paid before that event arrives (common/payables.py)."""
    policy = Policy.objects.filter(pk=policy_id).first()
    return None if policy is None else events.policy_payload(policy)


@dataclass(frozen=True)
class Territory:
    """A territory of the OSAGO table: its code, and where it is as a sentence about a
    premium says it, in the reader's language ("in Yekaterinburg")."""

    code: str
    where: StrOrPromise


def territory_of(*, city: str) -> Territory:
    """The territory a car sold in `city`, its showroom's, is priced in (docs/showrooms.md,
    "One seller"): the default one for a city the table lacks, or none."""
    code = rulesets.CITY_TERRITORIES.get(city.strip().casefold(), "")
    return territory_get(code=code if code in rulesets.OSAGO.territory else "")


def territory_get(*, code: str) -> Territory:
    """The territory of a code (a quote's); the default one for none."""
    code = code or rulesets.OSAGO.default_territory
    return Territory(code, TERRITORIES_WHERE.get(code, code))
