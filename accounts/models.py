import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.base import ModelBase
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts import usernames
from accounts.choices import ROLE_FLAGS, ActivityType, ConsentPurpose, Role
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel

# What Django's e-mail validator and PostgreSQL's UPPER() take for `i` once case is folded:
# the dotless `ı`, and the `i` plus combining dot that `İ` folds to.
_I_LOOKALIKES = {"\u0131": "i", "i\u0307": "i"}


def _folded(value: str | None) -> str:
    """NFKC first (`ſ` is `s`, full-width letters are ASCII), then case folded (`ß` is `ss`),
    then the look-alikes of `i` are `i`."""
    folded = unicodedata.normalize("NFKC", (value or "").strip()).casefold()
    for lookalike, letter in _I_LOOKALIKES.items():
        folded = folded.replace(lookalike, letter)
    return folded.strip()


def email_normalize(value: str | None) -> str:
    """The one form of an e-mail address: stored in `User.email` (unique), looked up
    exactly, and the key of its lockout (docs/security.md, "E-mail addresses").

    Folded (`_folded`): a spelling that signs in to an account is that account's e-mail,
    and one that is not does not sign in."""
    return _folded(value)


def username_normalize(value: str | None) -> str:
    """The one form of a username, folded as an e-mail is (`_folded`): stored in
    `User.username` (unique) and looked up exactly, so `Ivan`, `IVAN` and `ｉｖａｎ` are one
    name (docs/security.md, "Usernames")."""
    return _folded(value)


# Letters and digits of any script, `.`, `_` and `-`; never `@`, so that a sign-in name
# with `@` is an e-mail and one without is a username (`sign_in_lookup`).
USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH = 3, 30
username_validator = RegexValidator(
    rf"^[\w.-]{{{USERNAME_MIN_LENGTH},{USERNAME_MAX_LENGTH}}}\Z",
    # Interpolated when shown, in the language of the request.
    lazy(
        lambda: gettext("%(min)s to %(max)s letters, digits, `.`, `_` or `-`.")
        % {"min": USERNAME_MIN_LENGTH, "max": USERNAME_MAX_LENGTH},
        str,
    )(),
    code="invalid_username",
)


def username_single_script(value: str) -> None:
    """A username is written in one script (digits and `.`, `_`, `-` go with any): a name
    that mixes Latin and Cyrillic letters is made to pass for another."""
    if usernames.mixes_scripts(value):
        raise ValidationError(
            gettext("Letters of one alphabet only."), code="username_mixed_scripts"
        )


def sign_in_lookup(name: str | None) -> Q:
    """The account a sign-in name names: an e-mail if it has an `@`, else a username."""
    if "@" in (name or ""):
        return Q(email=email_normalize(name))
    return Q(username=username_normalize(name))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return email_normalize(email)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=email_normalize(username))

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        return self.create_user(email, password, **{**fields, "role": Role.ADMIN})


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    # Optional; stored normalised (`username_normalize`), unique where set.
    username = models.CharField(
        _("username"),
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        null=True,
        blank=True,
        validators=[username_validator, username_single_script],
        help_text=_("Optional; signs in as the e-mail does. Capitals do not matter."),
    )
    # What the username looks like (accounts/usernames.py): one account per look.
    username_skeleton = models.CharField(
        _("username skeleton"), max_length=120, unique=True, null=True, blank=True, editable=False
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Role.choices,
        default=Role.CLIENT,
        help_text=_("Managers and admins work in the admin; admins may do everything."),
    )
    # The language of the admin, the dashboards and the e-mails, as the user chose it; empty
    # until they do, and then the browser's decides (docs/admin.md, "Languages").
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Of the admin, the dashboards and the e-mails. Empty: the browser's language."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive user cannot sign in; their tokens end at once."),
    )
    is_staff = models.BooleanField(_("staff"), default=False, editable=False)
    # The city a buyer chose on signing up: their lead goes to the managers of its showrooms
    # (docs/crm.md, "Assignment").
    city = models.CharField(_("city"), max_length=100, blank=True)
    # A manager's showrooms, by id (the showroom database's): whose orders they see and act
    # on. Every showroom's only by the explicit grant below, never by the absence of a tick
    # (docs/showrooms.md, "Staff per showroom").
    showroom_ids = ArrayField(
        models.UUIDField(),
        verbose_name=_("showrooms"),
        default=list,
        blank=True,
        help_text=_("A manager sees and acts on the records of these showrooms only."),
    )
    whole_group = models.BooleanField(
        _("the whole group"),
        default=False,
        help_text=_(
            "The group's manager: sees and acts on every showroom's records and the group's "
            "own, as the admins do."
        ),
    )
    # Every token carries it (accounts/tokens.py); revoking them all makes a new one.
    token_version = models.PositiveIntegerField(_("token version"), default=0, editable=False)
    # When the owner of the mailbox proved it (an e-mailed link, or a provider that vouched
    # for the address); null until then (docs/security.md, "Google sign-in").
    email_verified_at = models.DateTimeField(
        _("e-mail verified"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.CLIENT, is_staff=False, is_superuser=False)
                    | Q(role=Role.MANAGER, is_staff=True, is_superuser=False)
                    | Q(role=Role.ADMIN, is_staff=True, is_superuser=True)
                ),
                name="accounts_user_staff_follows_role",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"])]

    def __str__(self) -> str:
        return self.email

    def save(
        self,
        *,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        self.normalize()
        if update_fields is not None and "username" in update_fields:
            update_fields = {*update_fields, "username_skeleton"}
        super().save(
            force_insert=force_insert,
            force_update=force_update,
            using=using,
            update_fields=update_fields,
        )

    def clean(self) -> None:
        super().clean()
        # The group-wide view is granted, never left to a missing tick (docs/showrooms.md).
        if self.role == Role.MANAGER and not self.whole_group and not self.showroom_ids:
            raise ValidationError(
                {"showroom_ids": _("Tick the showrooms this manager works in, or the whole group.")}
            )

    def normalize(self) -> None:
        """What every save sets from the other fields: the e-mail and username as stored,
        the username's look-alike key, the role's flags."""
        self.email = email_normalize(self.email)
        self.username = username_normalize(self.username) or None
        self.username_skeleton = usernames.skeleton(self.username) if self.username else None
        for flag, value in ROLE_FLAGS[Role(self.role)].items():
            setattr(self, flag, value)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """What a browser session keeps of its user, checked by Django on each request
        (`django.contrib.auth.get_user`): the password's HMAC and the token version, so that
        revoking every token (signing out everywhere, a new password, a deactivation) ends
        the sessions too (docs/security.md, "Tokens"). `get_session_auth_hash` and the
        fallback keys' hashes both come from here."""
        return salted_hmac(
            "accounts.models.User.get_session_auth_hash",
            f"{self.password}:{self.token_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()


class TokenFamily(TimestampedModel):
    """The refresh tokens of one sign-in: the first and each rotation's carry the family's
    id in their `family` claim. A token that was already rotated coming back means it was
    stolen (or copied): the family is revoked, and none of its refresh tokens works again
    (docs/security.md, "Refresh-token families")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="token_families", verbose_name=_("user")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token family")
        verbose_name_plural = _("token families")

    def __str__(self):
        return f"{self.user_id} {self.id}{' (revoked)' if self.revoked_at else ''}"


class SignInFailure(TimestampedModel):
    """A wrong password for `user` from `ip_address`: what the lockout counts
    (accounts/lockout.py). A sign-in from the address forgets the address's failures; a
    password reset or `accounts_unlock` forgets them all."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sign_in_failures", verbose_name=_("user")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in failure")
        verbose_name_plural = _("sign-in failures")
        indexes = [models.Index(fields=["user", "ip_address", "created_at"])]

    def __str__(self):
        return f"{self.user_id} from {self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"


class ActivityLog(models.Model):
    """What a user did: logins, logouts, password and role changes, orders placed."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="activity", verbose_name=_("user")
    )
    type = models.CharField(_("what happened"), max_length=32, choices=ActivityType.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account activity")
        verbose_name_plural = _("account activity")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(TimestampedModel):
    """An account at an identity provider (Google) linked to a user: its subject is the
    provider's stable id. No provider token is kept. `created_at` is when it was linked."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user")
    )
    provider = models.CharField(_("provider"), max_length=32)
    subject = models.CharField(
        _("subject"), max_length=255, help_text=_("The provider's stable id of the account.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("linked sign-in")
        verbose_name_plural = _("linked sign-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="accounts_identity_one_user_per_subject"
            )
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject}"


class Consent(TimestampedModel):
    """A person's consent to the processing of their personal data (152-FZ, art. 9, as
    amended from 1 September 2025): what it covers, the version of the text they agreed to,
    when and from which address. Withdrawn, it stops the processing it covered; the row
    stays, as the proof that there was one."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="consents",
        null=True,
        blank=True,
        help_text=_("Empty for someone without an account (a call back)."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    # To whom the data goes, where the purpose names one (a loan's bank: 152-FZ, art. 9).
    recipient = models.CharField(_("recipient"), max_length=250, blank=True)
    text_version = models.CharField(_("version of the text"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to personal data processing")
        verbose_name_plural = _("consents to personal data processing")
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}, {self.text_version}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
