from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from accounts.choices import ActivityType, Role
from accounts.models import ActivityLog, ExternalIdentity, User
from common.cardnumbers import FreeTextField
from common.serializers import StrictInputSerializer


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
            "full_name",
            "phone",
            "role",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class UserRegisterInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
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


class UserRoleInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class TokenObtainInputSerializer(StrictInputSerializer):
    """`{email, password}` as JSON, or the OAuth2 password form with `username`."""

    email = serializers.CharField(max_length=254, required=False)
    username = serializers.CharField(
        max_length=254, required=False, help_text="OAuth2 form alias of `email`."
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
        email = attrs.get("email") or attrs.get("username")
        if not email:
            raise serializers.ValidationError({"email": ["This field is required."]})
        return {"email": email, "password": attrs["password"]}


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
            raise serializers.ValidationError({"code": ["This field is required."]})
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
