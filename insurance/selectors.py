"""Reads of the insurance domain, scoped to who asks: a client sees their own quotes,
policies and claims; staff see all. Another client's is a 404, like a missing one."""

from django.db.models import QuerySet

from common.exceptions import NotFound
from insurance.models import Claim, Policy, Quote


def _visible(queryset: QuerySet, user) -> QuerySet:
    return queryset if user.is_staff else queryset.filter(customer_id=user.pk)


def _one(queryset: QuerySet, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def quote_list(*, user) -> QuerySet[Quote]:
    return _visible(Quote.objects.all(), user)


def quote_get(*, user, quote_id) -> Quote:
    return _one(quote_list(user=user), quote_id)


def policy_list(*, user) -> QuerySet[Policy]:
    return _visible(Policy.objects.all(), user)


def policy_get(*, user, policy_id) -> Policy:
    return _one(policy_list(user=user), policy_id)


def claim_list(*, user) -> QuerySet[Claim]:
    return _visible(Claim.objects.select_related("policy").prefetch_related("decisions"), user)


def claim_get(*, user, claim_id) -> Claim:
    return _one(claim_list(user=user), claim_id)
