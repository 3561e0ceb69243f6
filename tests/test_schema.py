import inspect
import re

from django.core.management import call_command
from django.urls import resolve


def test_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"

    # --fail-on-warn turns any warning of drf-spectacular into a non-zero exit.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    assert "/api/v1/auth/token:" in text
    assert "ErrorEnvelope" in text


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
    from accounts.api.views import PublicAuthView, RegisterView

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
    """Each operation's body serializer is strict (common.serializers): an unknown field is a
    400 naming it."""
    from rest_framework import serializers

    from common.serializers import StrictInputSerializer

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
