"""The signed links with which a customer who is not signed in reads and answers a booking or a
work order (docs/service.md): the record's id signed with a salt of its kind, valid
`SERVICE_LINK_DAYS`."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.types import Id
from service.error_codes import ServiceErrorCode

BOOKING = "service.booking_link"
WORK_ORDER = "service.work_order_link"


def link_token(record_id: Id, *, salt: str) -> str:
    return signing.dumps(str(record_id), salt=salt)


def id_of_link(token: str, *, salt: str) -> str:
    """The id a link's token names, if its signature holds and it is not too old."""
    try:
        record_id: str = signing.loads(
            token, salt=salt, max_age=timedelta(days=settings.SERVICE_LINK_DAYS)
        )
    except signing.BadSignature as exc:
        raise ApplicationError(
            _("The link is invalid or has expired."),
            code=ServiceErrorCode.LINK_INVALID,
            status=400,
            details={"token": [_("The link is invalid or has expired.")]},
        ) from exc
    return record_id
