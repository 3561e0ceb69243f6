from django.core.management import call_command


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
