"""The cars a buyer put aside to compare: up to four ids in their session, signed in or not."""

from uuid import UUID

from django.http import HttpRequest

from catalog.selectors import MAX_COMPARED

SESSION_KEY = "storefront_compare"


def compared_ids(request: HttpRequest) -> list[UUID]:
    ids = []
    for value in request.session.get(SESSION_KEY, []):
        try:
            ids.append(UUID(str(value)))
        except ValueError:
            continue
    return ids[:MAX_COMPARED]


def compared_add(request: HttpRequest, vehicle_id: UUID) -> bool:
    """Adds `vehicle_id`; False when four are already there."""
    ids = compared_ids(request)
    if vehicle_id in ids:
        return True
    if len(ids) >= MAX_COMPARED:
        return False
    request.session[SESSION_KEY] = [str(pk) for pk in [*ids, vehicle_id]]
    return True


def compared_remove(request: HttpRequest, vehicle_id: UUID) -> None:
    request.session[SESSION_KEY] = [str(pk) for pk in compared_ids(request) if pk != vehicle_id]
