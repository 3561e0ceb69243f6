"""A partner bank's callback secret (docs/financing.md, "The bank's secret"): set or replaced
only here, kept only encrypted (common/encryption.py), the one it replaces still verifying
the bank's callbacks for FINANCING_BANK_SECRET_OVERLAP_HOURS; and every bank's secrets sealed
again after a key rotation (`manage.py secrets_reencrypt`)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.encryption import secret_encrypt, secret_reencrypt
from common.types import Id
from financing.error_codes import FinancingErrorCode
from financing.models import Bank

DB = "financing"
SECRET_MAX_LENGTH = 256
logger = logging.getLogger(__name__)


def bank_secret_check(secret: str) -> None:
    """A secret the bank can sign with: 1 to SECRET_MAX_LENGTH characters, no spaces at
    its ends (a copy and paste's)."""
    if not secret or secret != secret.strip() or len(secret) > SECRET_MAX_LENGTH:
        raise ApplicationError(
            _("A bank's secret is 1 to %(max)s characters, with no spaces at its ends.")
            % {"max": SECRET_MAX_LENGTH},
            code=FinancingErrorCode.BANK_SECRET_INVALID,
            details={"secret": [_("Not a usable secret.")]},
        )


def bank_secret_overlap_hours() -> int:
    """How long a replaced secret still verifies the bank's callbacks."""
    return int(settings.FINANCING_BANK_SECRET_OVERLAP_HOURS)


def bank_secret_set(*, bank_id: Id, secret: str, now: datetime | None = None) -> Bank:
    """The bank's new secret, stored encrypted: requests to the bank are signed with it from
    now on. The one it replaces still verifies the bank's callbacks, alongside it, for
    FINANCING_BANK_SECRET_OVERLAP_HOURS, so that the bank can change over meanwhile; a secret
    replaced before its overlap ended stops verifying at once (only the latest two ever
    verify). The secret is never logged nor returned to be shown."""
    bank_secret_check(secret)
    now = now or timezone.now()
    overlap = timedelta(hours=bank_secret_overlap_hours())
    with transaction.atomic(using=DB):
        bank = Bank.objects.using(DB).select_for_update().get(pk=bank_id)
        if bank.secret_encrypted and overlap:
            bank.previous_secret_encrypted = bank.secret_encrypted
            bank.previous_secret_expires_at = now + overlap
        else:
            bank.previous_secret_encrypted = ""
            bank.previous_secret_expires_at = None
        bank.secret_encrypted = secret_encrypt(secret)
        bank.secret_rotated_at = now
        bank.save(
            using=DB,
            update_fields=[
                "secret_encrypted",
                "previous_secret_encrypted",
                "previous_secret_expires_at",
                "secret_rotated_at",
                "updated_at",
            ],
        )
    logger.info("Bank %s: callback secret set", bank.code)
    return bank


def bank_secrets_reencrypt() -> int:
    """Every bank's stored secrets sealed again with the first key of WEBHOOKS_SECRETS_KEY
    (a key rotation; common/encryption.py). Returns how many banks."""
    with transaction.atomic(using=DB):
        banks = list(Bank.objects.using(DB).select_for_update().exclude(secret_encrypted=""))
        for bank in banks:
            bank.secret_encrypted = secret_reencrypt(bank.secret_encrypted)
            if bank.previous_secret_encrypted:
                bank.previous_secret_encrypted = secret_reencrypt(bank.previous_secret_encrypted)
            bank.save(using=DB, update_fields=["secret_encrypted", "previous_secret_encrypted"])
    return len(banks)
