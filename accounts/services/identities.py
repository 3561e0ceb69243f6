"""External identities: sign-in through a provider, and linking and unlinking the accounts
it vouches for (docs/security.md, "Google sign-in")."""

import uuid
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.tokens import Token

from accounts import events, oidc
from accounts.choices import ActivityType, Role
from accounts.error_codes import AccountErrorCode
from accounts.models import ExternalIdentity, User
from accounts.oidc import VerifiedIdentity
from accounts.services.activity import activity_record, password_sign_in_recent
from accounts.services.email import _email_verified
from accounts.services.tokens import (
    TokenPair,
    _sign_in_recorded,
    _signed_in,
    tokens_revoke_all,
)
from common.api.exceptions import ApplicationError, NotFound

DB = "default"


IDENTITY_LINK_SALT = "accounts.identity-link"


@dataclass(frozen=True)
class FederatedSignIn:
    """How a sign-in through a provider ended: `user` signed in, with `tokens` unless it was
    for a website's session, or waiting for the owner of `confirmation_sent_to` to confirm
    the link from the e-mail sent there."""

    user: User | None = None
    tokens: TokenPair | None = None
    confirmation_sent_to: str = ""


def identity_sign_in(
    *,
    identity: VerifiedIdentity,
    linking_user_id: str = "",
    ip_address: str | None = None,
    session: bool = False,
) -> FederatedSignIn:
    """The account rules of a provider's sign-in, once the provider has vouched for
    `identity`:

    - an e-mail the provider has not verified is refused, and nothing is linked or created;
    - a signed-in user who started the flow (`linking_user_id`, allowed by
      `identity_link_authorize`) gets the identity linked, if their e-mail is verified;
    - an identity linked before signs in its user;
    - an e-mail that belongs to a user links only after its owner confirms from an e-mail
      (whoever holds the mailbox holds the account): nothing happens until then;
    - anyone else gets a new client account, with no password.

    With `session`, a website opens the session itself (`django.contrib.auth.login`): the
    same record and event, no tokens."""
    if not (identity.email_verified and identity.email):
        raise ApplicationError(
            _(
                "The provider has not verified this account's e-mail address; verify it there "
                "first, or sign up with a password."
            ),
            code=AccountErrorCode.IDENTITY_EMAIL_UNVERIFIED,
            status=403,
        )
    if linking_user_id:
        user = User.objects.filter(pk=linking_user_id).first()
        if user is not None:
            _email_verified_required(user)
        return _identity_signed_in(user, identity, ip_address=ip_address, session=session)
    linked = (
        ExternalIdentity.objects.filter(provider=identity.provider, subject=identity.subject)
        .select_related("user")
        .first()
    )
    if linked is not None:
        return _identity_signed_in(linked.user, identity, ip_address=ip_address, session=session)
    owner = User.objects.filter(email__iexact=User.objects.normalize_email(identity.email)).first()
    if owner is not None:
        identity_link_request(user=owner, identity=identity, ip_address=ip_address)
        return FederatedSignIn(confirmation_sent_to=owner.email)
    try:
        user = _user_from_identity(identity)
    except IntegrityError:  # a concurrent sign-in created the account or linked the subject
        return identity_sign_in(identity=identity, ip_address=ip_address, session=session)
    return _federated(user, identity, ip_address=ip_address, session=session)


def _federated(
    user: User, identity: VerifiedIdentity, *, ip_address: str | None, session: bool
) -> FederatedSignIn:
    if not session:
        tokens = _signed_in(user, ip_address=ip_address, via=identity.provider)
        return FederatedSignIn(user=user, tokens=tokens)
    with transaction.atomic(using=DB):
        _sign_in_recorded(user, ip_address=ip_address, via=identity.provider)
    return FederatedSignIn(user=user)


def identity_session_start(*, redirect_uri: str) -> oidc.Flow:
    """Begin a Google sign-in for a website's session; the provider sends the browser back to
    `redirect_uri`, the website's own callback. The website keeps `Flow.binding` in the
    browser's session (docs/storefront.md, "Signing in")."""
    return oidc.flow_start(redirect_uri=redirect_uri)


def identity_session_finish(
    *, state: str, code: str, binding: str | None, ip_address: str | None
) -> FederatedSignIn:
    """End a website's Google sign-in: the account rules of `identity_sign_in`, for a
    session."""
    identity, linking_user_id = oidc.flow_finish(state=state, code=code, binding=binding)
    return identity_sign_in(
        identity=identity, linking_user_id=linking_user_id, ip_address=ip_address, session=True
    )


def identity_link_authorize(*, user: User, access_token: Token | None) -> None:
    """May the session that presented `access_token` link an external account to `user`? Only
    if its e-mail is verified, and the session began with a recent password sign-in
    (`password_sign_in_recent`): a stolen access token links nothing."""
    _email_verified_required(user)
    if not password_sign_in_recent(user=user, access_token=access_token):
        raise ApplicationError(
            _(
                "Linking an account needs a recent sign-in: sign in again with your password "
                "and link within 10 minutes."
            ),
            code=AccountErrorCode.REAUTHENTICATION_REQUIRED,
            status=403,
        )


def _email_verified_required(user: User) -> None:
    if user.email_verified_at is None:
        raise ApplicationError(
            _("Verify this account's e-mail first (open the link we sent), then link."),
            code=AccountErrorCode.EMAIL_UNVERIFIED,
            status=403,
        )


def _identity_signed_in(
    user: User | None, identity: VerifiedIdentity, *, ip_address: str | None, session: bool
) -> FederatedSignIn:
    if user is None or not user.is_active:
        raise ApplicationError(
            _("This account is deactivated."), code=AccountErrorCode.ACCOUNT_INACTIVE, status=403
        )
    identity_link(user=user, **_identity_fields(identity))
    return _federated(user, identity, ip_address=ip_address, session=session)


class _IdentityFields(TypedDict):
    provider: str
    subject: str
    email: str


def _identity_fields(identity: VerifiedIdentity) -> _IdentityFields:
    return {"provider": identity.provider, "subject": identity.subject, "email": identity.email}


def _user_from_identity(identity: VerifiedIdentity) -> User:
    user = User(
        email=identity.email,
        full_name=identity.name,
        role=Role.CLIENT,
        email_verified_at=timezone.now(),  # the provider vouched for it
    )
    user.set_unusable_password()  # signs in through the provider until they set one
    with transaction.atomic(using=DB):
        user.save(using=DB)
        activity_record(user=user, type=ActivityType.REGISTERED, via=identity.provider)
        identity_link(user=user, **_identity_fields(identity))
        events.user_saved_emit(user, created=True)
    return user


def identity_link_request(
    *, user: User, identity: VerifiedIdentity, ip_address: str | None = None
) -> None:
    """Have `user` asked by e-mail to confirm that `identity` is theirs. The event carries
    what the link token is made of, never the token (accounts.emails)."""
    with transaction.atomic(using=DB):
        activity_record(
            user=user,
            type=ActivityType.IDENTITY_LINK_REQUESTED,
            ip_address=ip_address,
            provider=identity.provider,
        )
        events.USER_IDENTITY_LINK_REQUESTED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk), **_identity_fields(identity)}
        )


def identity_link_token(*, user: User, provider: str, subject: str, email: str) -> str:
    """Signed, never stored; it names the mailbox it was sent to, so that it stops working
    once the account's e-mail changes."""
    return signing.dumps(
        {
            "user_id": str(user.pk),
            "sent_to": user.email,
            "provider": provider,
            "subject": subject,
            "email": email,
        },
        salt=IDENTITY_LINK_SALT,
    )


def identity_link_confirm(*, token: str) -> ExternalIdentity:
    """Link the identity an e-mailed token names to the user it was sent to. Confirming
    again changes nothing; the token expires after IDENTITY_LINK_TTL_SECONDS.

    Confirming proves the mailbox. If nobody had proven it before, whoever set the account's
    password may not be its owner (someone can sign up with another's address and wait):
    the account is reclaimed (`_account_reclaimed`), as the link e-mail said it would be."""
    try:
        claims = signing.loads(
            token, salt=IDENTITY_LINK_SALT, max_age=settings.IDENTITY_LINK_TTL_SECONDS
        )
    except signing.BadSignature as exc:  # SignatureExpired among them
        raise ApplicationError(
            _("The link is invalid or has expired; sign in with Google again for a new one."),
            code=AccountErrorCode.LINK_TOKEN_INVALID,
            status=400,
        ) from exc
    user = User.objects.filter(pk=claims.pop("user_id"), is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("This account is deactivated."), code=AccountErrorCode.ACCOUNT_INACTIVE, status=403
        )
    if claims.pop("sent_to") != user.email:
        raise ApplicationError(
            _("The link was sent to an e-mail address this account no longer has."),
            code=AccountErrorCode.LINK_TOKEN_INVALID,
            status=400,
        )
    with transaction.atomic(using=DB):
        user = User.objects.using(DB).select_for_update().get(pk=user.pk)
        identity = identity_link(user=user, **claims)
        if user.email_verified_at is None:
            _account_reclaimed(user, identity=identity)
    return identity


def _account_reclaimed(user: User, *, identity: ExternalIdentity) -> None:
    """The owner of the mailbox takes the account over: the password (anyone's) no longer
    works, every token and open socket ends, every other external account is unlinked, and
    the e-mail counts as verified."""
    user.set_unusable_password()
    user.save(using=DB, update_fields=["password", "updated_at"])
    unlinked = ExternalIdentity.objects.using(DB).filter(user=user).exclude(pk=identity.pk)
    for other in unlinked:
        activity_record(user=user, type=ActivityType.IDENTITY_UNLINKED, provider=other.provider)
    unlinked.delete()
    tokens_revoke_all(user=user, reason="account_reclaimed")
    _email_verified(user, via=identity.provider, password_cleared=True)


def identity_link(*, user: User, provider: str, subject: str, email: str) -> ExternalIdentity:
    """Link an identity the provider vouched for to `user` (once proven theirs); linking it
    again only notes the sign-in. A subject already linked to someone else is refused."""
    with transaction.atomic(using=DB):
        identity, created = ExternalIdentity.objects.using(DB).get_or_create(
            provider=provider, subject=subject, defaults={"user": user, "email": email}
        )
        if identity.user_id != user.pk:
            raise ApplicationError(
                _("That account is linked to another user."),
                code=AccountErrorCode.IDENTITY_LINKED_ELSEWHERE,
                status=409,
            )
        identity.email, identity.last_login_at = email, timezone.now()
        identity.save(using=DB, update_fields=["email", "last_login_at", "updated_at"])
        if created:
            activity_record(user=user, type=ActivityType.IDENTITY_LINKED, provider=provider)
    return identity


def identity_unlink(*, user: User, identity_id: uuid.UUID) -> None:
    """Unlink one of `user`'s identities, unless it is the only way left to sign in."""
    with transaction.atomic(using=DB):
        locked = User.objects.using(DB).select_for_update().get(pk=user.pk)
        identity = ExternalIdentity.objects.using(DB).filter(pk=identity_id, user=locked).first()
        if identity is None:
            raise NotFound
        if not locked.has_usable_password() and locked.identities.count() == 1:
            raise ApplicationError(
                _("This is your only way to sign in: set a password before you unlink it."),
                code=AccountErrorCode.LAST_SIGN_IN_METHOD,
                status=409,
            )
        identity.delete()
        activity_record(
            user=locked, type=ActivityType.IDENTITY_UNLINKED, provider=identity.provider
        )
