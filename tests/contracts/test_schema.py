import inspect
import re

import pytest
from django.urls import resolve


def test_schema_and_documentation_pages_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/")
    redoc = client.get("/api/redoc/")

    assert schema.status_code == 200
    assert "/api/v1/users/me" in schema.json()["paths"]
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert redoc.status_code == 200 and b"redoc" in redoc.content.lower()


def operations():
    """(path, method, operation, view class) of every operation in the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001", path)
        match = resolve(concrete)
        view_class = getattr(match.func, "cls", None) or match.func.view_class
        for method, operation in item.items():
            yield path, method, operation, view_class


def test_no_operation_describes_itself_with_a_docstring_it_inherited():
    copied = []
    for path, method, operation, view_class in operations():
        inherited = {
            inspect.getdoc(base) for base in view_class.__mro__[1:] if inspect.getdoc(base)
        }
        if operation.get("description") in inherited:
            copied.append(f"{method.upper()} {path}")

    assert copied == []
    descriptions = [operation.get("description", "") for _p, _m, operation, _v in operations()]
    assert any(descriptions)  # views' own words still come through


def test_the_check_would_see_an_inherited_docstring():
    from accounts.api.auth import PublicAuthView, RegisterView

    assert inspect.getdoc(RegisterView) == inspect.getdoc(PublicAuthView)  # what it guards


def request_serializers():
    """(method, path, serializer) of every operation with a request body, as drf-spectacular
    finds them."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import ComponentRegistry
    from drf_spectacular.settings import spectacular_settings

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.get_operation(path, path_regex, "", method, ComponentRegistry())
        yield method, path, view.schema.get_request_serializer()


def test_every_request_body_refuses_unknown_fields():
    """Each operation's body serializer is strict (common.api.serializers): an unknown field is a
    400 naming it."""
    from rest_framework import serializers

    from common.api.serializers import StrictInputSerializer

    bodies = [
        (method, path, body if isinstance(body, type) else type(body))
        for method, path, body in request_serializers()
        if body is not None
    ]
    lenient = [
        f"{method} {path}: {body.__name__}"
        for method, path, body in bodies
        if issubclass(body, serializers.Serializer) and not issubclass(body, StrictInputSerializer)
    ]

    assert len(bodies) > 40
    assert lenient == []


@pytest.fixture(scope="module")
def generated_schema():
    """The schema as drf-spectacular generates it. `make lint` writes it with --validate and
    --fail-on-warn and runs Spectral over it (docs/security.md, "The API schema"): these
    tests read what those cannot check."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_has_the_token_endpoint_and_the_error_envelope(generated_schema):
    assert "/api/v1/auth/token" in generated_schema["paths"]
    assert "ErrorEnvelope" in generated_schema["components"]["schemas"]


def test_spectral_lints_with_the_owasp_ruleset():
    """`make lint` runs Spectral with the repository's ruleset: it must hold OWASP's."""
    from pathlib import Path

    import yaml

    ruleset = yaml.safe_load((Path(__file__).resolve().parents[2] / ".spectral.yaml").read_text())
    extends = ruleset["extends"]
    assert "spectral:oas" in str(extends)
    assert "@stoplight/spectral-owasp-ruleset" in str(extends)


def request_fields(serializer, prefix=""):
    """(name, field) of every field a request body's serializer reads, nested ones too."""
    from rest_framework import serializers

    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        yield f"{prefix}{name}", field
        if isinstance(field, serializers.ListSerializer):
            yield from request_fields(field.child, f"{prefix}{name}[].")
        elif isinstance(field, serializers.Serializer):
            yield from request_fields(field, f"{prefix}{name}.")
        elif isinstance(field, serializers.ListField | serializers.DictField):
            yield f"{prefix}{name}[]", field.child


def test_every_string_and_list_in_a_request_body_has_a_bound_its_serializer_enforces():
    from phonenumber_field.serializerfields import PhoneNumberField
    from rest_framework import serializers

    unbounded = set()
    for method, path, body in request_serializers():
        if body is None or not isinstance(body, serializers.Serializer | type):
            continue
        serializer = body() if isinstance(body, type) else body
        for name, field in request_fields(serializer):
            where = f"{method} {path}: {name}"
            if isinstance(field, PhoneNumberField):
                continue  # phonenumbers refuses an input over 250 characters itself
            if isinstance(field, serializers.CharField) and field.max_length is None:
                unbounded.add(where)
            if isinstance(field, serializers.ListField | serializers.ListSerializer) and (
                field.max_length is None
            ):
                unbounded.add(where)

    assert sorted(unbounded) == []


def test_the_schema_documents_errors_rate_limits_and_the_jwt_profile(generated_schema):
    from common.api.throttling import RATE_LIMIT_HEADERS

    schema = generated_schema

    assert schema["servers"] and schema["servers"][0]["url"] == "/"
    jwt = schema["components"]["securitySchemes"]["jwtAuth"]
    assert jwt["bearerFormat"] == "JWT" and "RFC8725" in jwt["description"]
    token = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert token["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert set(RATE_LIMIT_HEADERS) <= set(token["200"]["headers"])
    orders = schema["paths"]["/api/v1/orders/"]["get"]["responses"]
    for status in ("401", "403", "429", "500"):
        assert orders[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorEnvelope"
        }
    for item in schema["paths"].values():
        for operation in item.values():
            assert "500" in operation["responses"]
    page = schema["components"]["schemas"]["PaginatedOrderOutputList"]["properties"]
    assert page["results"]["maxItems"] == 100
    assert not page["next"]["example"].endswith('"')


def test_an_over_long_email_for_a_crm_client_is_refused_by_its_serializer():
    from crm.api.serializers import ClientInputSerializer

    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.com"  # 260 characters
    serializer = ClientInputSerializer(data={"name": "Ivan", "email": long_email})

    assert not serializer.is_valid()
    assert "no more than 254 characters" in str(serializer.errors["email"][0])


@pytest.mark.django_db(databases="__all__")
def test_an_over_long_phone_number_at_registration_is_refused_and_no_account_is_made(client):
    from accounts.models import User

    phone = "+7" + " " * 300 + "916 123-45-67"  # a real number, padded past any bound

    response = client.post(
        "/api/v1/auth/register",
        {"email": "padded@example.com", "password": "Sturdy-pass-2026", "phone": phone},
        content_type="application/json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["details"]) == ["phone"]
    assert not User.objects.filter(email="padded@example.com").exists()


def test_each_view_the_schema_says_answers_401_itself_still_exists():
    from importlib import import_module

    from common.api.schema import CREDENTIAL_VIEWS

    for name in CREDENTIAL_VIEWS:
        module, _dot, attribute = name.rpartition(".")
        assert hasattr(import_module(module), attribute), name
