"""Reads of the CRM for the sales report (backoffice/reports.py): who manages a customer, for
its breakdown by manager (docs/admin.md, "Reports")."""

from uuid import UUID

from crm.models import Client


def customer_managers(*, customer_ids: list[UUID]) -> dict[UUID, UUID]:
    """The manager of each of `customer_ids` that has one: the manager of the live CRM client
    whose account the customer is; one query."""
    rows = (
        Client.objects.filter(
            user_id__in=customer_ids,
            manager_id__isnull=False,
            merged_into__isnull=True,
            erased_at__isnull=True,
        )
        # Of two records of one account, the one touched last wins.
        .order_by("user_id", "updated_at")
        .values_list("user_id", "manager_id")
    )
    # The filters leave no None in either column.
    return {
        user_id: manager_id
        for user_id, manager_id in rows
        if user_id is not None and manager_id is not None
    }
