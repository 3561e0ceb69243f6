from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from accounts.choices import ActivityType, Role
from accounts.models import (
    USERNAME_MAX_LENGTH,
    ActivityLog,
    ExternalIdentity,
    User,
    username_normalize,
    username_single_script,
    username_validator,
)
from common.api.serializers import StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.showrooms import showroom_names


class UserOutputSerializer(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(
        read_only=True,
        help_text="Whether the owner of the mailbox has proven it (the e-mailed link, or a "
        "provider that vouched for the address).",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "email_verified",
            "username",
            "full_name",
            "phone",
            "role",
            "whole_group",
            "showroom_ids",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class UsernameField(serializers.CharField):
    """3 to 30 letters, digits, `.`, `_` or `-`, case-insensitive: checked and answered in
    its stored form (`username_normalize`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Optional; 3 to 30 letters, digits, `.`, `_` or `-`; "
            "case-insensitive. Signs in as the e-mail does.",
        )
        super().__init__(max_length=USERNAME_MAX_LENGTH * 2, **kwargs)

    def to_internal_value(self, data):
        value = username_normalize(super().to_internal_value(data))
        if value:
            username_validator(value)
            username_single_script(value)
        return value or None


class UserRegisterInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    username = UsernameField(required=False, allow_null=True, allow_blank=True)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    full_name = FreeTextField(max_length=200, required=False, allow_blank=True, default="")
    name = FreeTextField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Alias of `full_name`, as specification 002's clients send it; give one or "
        "the other.",
    )
    phone = PhoneNumberField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        name = attrs.pop("name", None)
        if name is not None and self.initial_data.get("full_name") not in (None, name):
            raise serializers.ValidationError(
                {"name": ["Give `name` or `full_name`, not two different names."]}
            )
        if name is not None:
            attrs["full_name"] = name
        return attrs


class UserMeUpdateInputSerializer(StrictInputSerializer):
    full_name = FreeTextField(max_length=200, required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)
    username = UsernameField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="3 to 30 letters, digits, `.`, `_` or `-`; case-insensitive; null or empty "
        "removes it. Someone else's is a 409 `username_taken`.",
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text="A new address changes nothing yet: a link is e-mailed there, and the change "
        "happens when it is opened (`POST auth/email/change/confirm`); the current address is "
        "told. Someone else's is a 409 `email_taken`. It needs `current_password`, unless "
        "this session signed in with the password in the last 10 minutes (403 "
        "`reauthentication_required`).",
    )
    current_password = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        max_length=128,
        help_text="The account's password: required to change `email` in an older session.",
    )


class UserRoleInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class UserCreateInputSerializer(StrictInputSerializer):
    """An account an admin opens; its owner sets the password from the e-mailed link."""

    email = serializers.EmailField(max_length=254)
    full_name = FreeTextField(max_length=200, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Role.choices)
    whole_group = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A manager of the whole group, who sees every showroom's records.",
    )
    showroom_ids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=100,
        help_text="The showrooms a manager works in (`GET /api/v1/showrooms/`). A manager is "
        "opened with these or `whole_group`, never neither.",
    )

    def validate_showroom_ids(self, value):
        if not value:
            return value
        known = {showroom_id for showroom_id, _name in showroom_names()}
        unknown = [str(showroom_id) for showroom_id in value if showroom_id not in known]
        if unknown:
            raise serializers.ValidationError(
                _("No such showroom: %(ids)s.") % {"ids": ", ".join(unknown)}
            )
        return list(dict.fromkeys(value))


class UserAdminUpdateInputSerializer(StrictInputSerializer):
    """What an admin changes of an account; a new e-mail applies at once."""

    full_name = FreeTextField(max_length=200, required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)


class TokenObtainInputSerializer(StrictInputSerializer):
    """`{email, password}` or `{username, password}` as JSON, or the OAuth2 password form
    with `username`; either field takes an e-mail or a username."""

    email = serializers.CharField(
        max_length=254, required=False, help_text="The account's e-mail or username."
    )
    username = serializers.CharField(
        max_length=254,
        required=False,
        help_text="The account's username or e-mail (the OAuth2 form's name for it).",
    )
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    grant_type = serializers.ChoiceField(
        choices=["password"], required=False, help_text="OAuth2 form: `password`."
    )
    scope = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="OAuth2 form; ignored."
    )
    client_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="OAuth2 form; ignored."
    )

    def validate(self, attrs):
        login = attrs.get("email") or attrs.get("username")
        if not login:
            raise serializers.ValidationError({"email": [_("This field is required.")]})
        return {"login": login, "password": attrs["password"]}


class TokenPairOutputSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class RefreshTokenInputSerializer(StrictInputSerializer):
    refresh_token = serializers.CharField(max_length=4096)


class TokenVerifyInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=4096)


class TokenVerifyOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    user_id = serializers.UUIDField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)


class WsTicketOutputSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField()


class PasswordChangeInputSerializer(StrictInputSerializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(StrictInputSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class GoogleStartOutputSerializer(serializers.Serializer):
    authorization_url = serializers.URLField(help_text="Send the browser here.")
    state = serializers.CharField(help_text="Comes back to the callback unchanged.")
    expires_in = serializers.IntegerField(help_text="Seconds the flow may take.")


class GoogleCallbackInputSerializer(StrictInputSerializer):
    """What Google puts on the redirect URI's query string."""

    code = serializers.CharField(max_length=2048, required=False)
    state = serializers.CharField(max_length=256, required=False, default="")
    error = serializers.CharField(
        max_length=128, required=False, help_text="Set by Google when it signed nobody in."
    )

    def validate(self, attrs):
        if not attrs.get("error") and not attrs.get("code"):
            raise serializers.ValidationError({"code": [_("This field is required.")]})
        return attrs


class LinkConfirmationOutputSerializer(serializers.Serializer):
    confirmation_sent_to = serializers.EmailField(
        help_text="The account's e-mail: the link is made once its owner confirms from there."
    )
    message = serializers.CharField()


class IdentityLinkConfirmInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=1024, help_text="From the e-mailed link.")


class EmailVerifyInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=1024, help_text="From the e-mailed link.")


class EmailChangeConfirmInputSerializer(StrictInputSerializer):
    token = serializers.CharField(
        max_length=1024, help_text="From the link e-mailed to the new address."
    )


class IntegrationOutputSerializer(serializers.ModelSerializer):
    """A linked identity; never a provider's token."""

    linked_at = serializers.DateTimeField(source="created_at")
    email = serializers.CharField(help_text="The e-mail the provider gave, or empty.")

    class Meta:
        model = ExternalIdentity
        fields = ["id", "provider", "subject", "email", "linked_at", "last_login_at"]
        read_only_fields = fields


class ActivityOutputSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=ActivityType.choices)

    class Meta:
        model = ActivityLog
        fields = ["id", "type", "ip_address", "details", "created_at"]
        read_only_fields = fields
