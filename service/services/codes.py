"""Phone codes: an anonymous booker proves the phone is theirs by the code sent to it by SMS
(docs/service.md, "Phone codes"). The code is kept hashed, tried at most
SERVICE_PHONE_CODE_ATTEMPTS times, valid SERVICE_PHONE_CODE_SECONDS, used once."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.types import Id
from notifications import services as notifications_services
from service.error_codes import ServiceErrorCode
from service.models import PhoneCode

DB = "service"
SALT = "service.phone_code"


def _hash(code_id: object, code: str) -> str:
    return salted_hmac(SALT, f"{code_id}:{code}", algorithm="sha256").hexdigest()


def phone_code_send(*, phone: str) -> PhoneCode:
    """Make a code for `phone` (committed), then send it by SMS, outside any transaction. At
    most SERVICE_PHONE_CODES_PER_HOUR to one phone an hour (429 `phone_codes_exhausted`)."""
    hour_ago = timezone.now() - timedelta(hours=1)
    sent = PhoneCode.objects.using(DB).filter(phone=phone, created_at__gte=hour_ago).count()
    if sent >= settings.SERVICE_PHONE_CODES_PER_HOUR:
        raise ApplicationError(
            _("Too many codes were sent to this phone: try again in an hour."),
            code=ServiceErrorCode.PHONE_CODES_EXHAUSTED,
            status=429,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    phone_code = PhoneCode(
        phone=phone,
        code_hash="",
        expires_at=timezone.now() + timedelta(seconds=settings.SERVICE_PHONE_CODE_SECONDS),
    )
    phone_code.code_hash = _hash(phone_code.pk, code)
    phone_code.save(using=DB)
    notifications_services.sms_send(
        phone=phone, text=_("Your service booking code: %(code)s") % {"code": code}
    )
    return phone_code


def _invalid() -> ApplicationError:
    return ApplicationError(
        _("The code is wrong or has expired: ask for a new one."),
        code=ServiceErrorCode.PHONE_CODE_INVALID,
        status=400,
        details={"code": [_("The code is wrong or has expired.")]},
    )


def phone_code_check(*, phone_code_id: Id, phone: str, code: str) -> None:
    """Check the code before the booking, in a transaction of its own, so that a wrong try
    is counted even though the booking is refused."""
    wrong = False
    with transaction.atomic(using=DB):
        phone_code = (
            PhoneCode.objects.using(DB).select_for_update().filter(pk=phone_code_id).first()
        )
        if (
            phone_code is None
            or phone_code.phone != phone
            or phone_code.used_at is not None
            or phone_code.expires_at <= timezone.now()
            or phone_code.attempts >= settings.SERVICE_PHONE_CODE_ATTEMPTS
        ):
            raise _invalid()
        if not constant_time_compare(phone_code.code_hash, _hash(phone_code.pk, code)):
            phone_code.attempts += 1
            phone_code.save(using=DB, update_fields=["attempts", "updated_at"])
            wrong = True
    if wrong:
        raise _invalid()


def phone_code_spend(*, phone_code_id: Id) -> None:
    """Use the checked code up, inside the booking's transaction: once only."""
    spent = (
        PhoneCode.objects.using(DB)
        .filter(pk=phone_code_id, used_at__isnull=True)
        .update(used_at=timezone.now(), updated_at=timezone.now())
    )
    if not spent:
        raise _invalid()
