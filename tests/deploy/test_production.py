"""The production profile: settings that refuse unsafe deployments, browser-facing headers,
protected metrics, the reset e-mail and docker-compose.yml. The admin, the dashboard and Swagger
UI under the Content-Security-Policy in a real browser: tests/browser/test_production_browser.py."""

import json
import re
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from config.process_kind import ENVIRONMENT_VARIABLE
from tests.processes import ROOT, HttpServer
from tests.production import ALLOWED_ORIGIN, METRICS_TOKEN, production_environment

# Its tests share one production server: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = pytest.mark.xdist_group("production")

KIND = ENVIRONMENT_VARIABLE  # the process's kind, as config/process_kind.py reads it
# Publication to Kafka as production has it: TLS, and a user with a password.
KAFKA = {
    "EVENTS_KAFKA_BOOTSTRAP_SERVERS": "kafka-0.example.com:9093",
    "EVENTS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "EVENTS_KAFKA_SASL_USERNAME": "autosalon",
    "EVENTS_KAFKA_SASL_PASSWORD": "kafka-password-of-the-relay",
}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


# SETTINGS
# ------------------------------------------------------------------------------
# Each case is what a process started with its environment does: read the production
# settings, then run a piece of code. Starting Django once per case would take a minute, so
# one process reads every case's settings, then loads the apps once and runs each case's code
# on that case's own settings (EVERY_CASE, below).
CHECK_DEPLOY = """
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "check", "--deploy"])
"""

REFUSED: list[tuple[dict[str, str | None], str]] = [
    ({"DJANGO_SECRET_KEY": None}, "set DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": settings.DEFAULT_SECRET_KEY}, "set DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "x" * 49}, "DJANGO_SECRET_KEY has 49 characters"),
    ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
    ({"DJANGO_ALLOWED_HOSTS": None}, "set DJANGO_ALLOWED_HOSTS"),
    ({"DJANGO_CSRF_TRUSTED_ORIGINS": None}, "set DJANGO_CSRF_TRUSTED_ORIGINS"),
    ({"EMAIL_URL": "consolemail://"}, "set EMAIL_URL to an SMTP server"),
    ({"EMAIL_URL": None}, "set EMAIL_URL to an SMTP server"),
    ({"EMAIL_URL": "smtp://mailpit:1025"}, "EMAIL_URL's host 'mailpit' is a mail catcher"),
    ({"EMAIL_URL": "smtp://MailHog:1025"}, "EMAIL_URL's host 'mailhog' is a mail catcher"),
    ({"EMAIL_URL": "smtp://localhost:25"}, "EMAIL_URL's host 'localhost' is a mail catcher"),
    ({"EMAIL_URL": "smtp://127.0.0.1:1025"}, "EMAIL_URL's host '127.0.0.1' is a mail"),
    ({"EMAIL_URL": "smtp://[::1]:1025"}, "EMAIL_URL's host '::1' is a mail catcher"),
    (
        {"EMAIL_URL": "smtp://mailpit:1025", "EMAIL_ALLOW_CATCHER": "false"},
        "EMAIL_URL's host 'mailpit' is a mail catcher",
    ),
    ({"METRICS_TOKEN": None}, "set METRICS_TOKEN"),
    ({"JWT_PRIVATE_KEY": None}, "set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE"),
    ({"GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com"}, "set GOOGLE_CLIENT_SECRET"),
    (
        {
            "GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com",
            "GOOGLE_CLIENT_SECRET": "secret",
            "GOOGLE_REDIRECT_URI": "http://autosalon.example.com/api/v1/auth/google/callback",
        },
        "GOOGLE_REDIRECT_URI must be an https://",
    ),
    (
        {"SITE_URL": "http://autosalon.example.com"},
        "SITE_URL is 'http://autosalon.example.com'; it",
    ),
    ({"SITE_URL": None}, "SITE_URL is 'http://127.0.0.1:8000'; it must be this site's https://"),
    ({"PAYMENTS_PROVIDER": None}, "PAYMENTS_PROVIDER is 'fake'"),
    ({"PAYMENTS_PROVIDER": "fake"}, "PAYMENTS_PROVIDER is 'fake'"),
    ({"YOOKASSA_SECRET_KEY": None}, "set YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY"),
    ({"PAYMENTS_PROVIDER": "stripe"}, "set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
    (
        {"PAYMENTS_RETURN_URL": "http://autosalon.example.com/payments/{payment_id}/return"},
        "PAYMENTS_RETURN_URL must be an https://",
    ),
    # The keys are the relay's and the workers' (config/process_kind.py names the kind).
    ({"EVENTS_SIGNING_KEYS": None, KIND: "worker"}, "set EVENTS_SIGNING_KEYS"),
    ({"EVENTS_SIGNING_KEYS": None, KIND: "relay"}, "set EVENTS_SIGNING_KEYS"),
    (
        {"EVENTS_SIGNING_KEYS": settings.DEFAULT_EVENTS_SIGNING_KEY, KIND: "relay"},
        "set EVENTS_SIGNING_KEYS",
    ),
    (
        {"EVENTS_SIGNING_KEYS": "x" * 31, KIND: "worker"},
        "EVENTS_SIGNING_KEYS must each be 32 characters",
    ),
    # Kafka over TLS, as a user: docs/events.md, "Kafka: TLS and SASL".
    (
        {"EVENTS_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092"},
        "EVENTS_KAFKA_SECURITY_PROTOCOL is 'PLAINTEXT'; set it to SASL_SSL",
    ),
    (
        {**KAFKA, "EVENTS_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
        "EVENTS_KAFKA_SECURITY_PROTOCOL is 'SASL_PLAINTEXT'; set it to SASL_SSL",
    ),
    (
        {**KAFKA, "EVENTS_KAFKA_SASL_MECHANISM": "GSSAPI"},
        "EVENTS_KAFKA_SASL_MECHANISM must be SCRAM-SHA-512",
    ),
    (
        {**KAFKA, "EVENTS_KAFKA_SASL_PASSWORD": None, KIND: "relay"},
        "set EVENTS_KAFKA_SASL_USERNAME and EVENTS_KAFKA_SASL_PASSWORD",
    ),
    ({"FINANCING_LENDER": None}, "FINANCING_LENDER is 'fake'"),
    ({"FINANCING_LENDER": "fake"}, "FINANCING_LENDER is 'fake'"),
    ({"WEBHOOKS_SECRETS_KEY": None}, "set WEBHOOKS_SECRETS_KEY"),
    ({"WEBHOOKS_SECRETS_KEY": "not-a-fernet-key"}, "WEBHOOKS_SECRETS_KEY must be Fernet keys"),
]

HOLDS_NO_KEY = """
from django.conf import settings
from common.events.signing import sign, verified
print(settings.EVENTS_SIGNING_KEYS, verified({"id": "e"}, ["c"], "0" * 64))
sign({"id": "e"}, ["c"])
"""
HOLDS_NO_KEY_KINDS = ["web", "ws", "beat", "command"]

KAFKA_CLIENT = """
from common.events.kafka import client_config
config = client_config()
print(config["security.protocol"], config["sasl.username"], config["sasl.password"])
print(config["ssl.ca.location"], config["ssl.endpoint.identification.algorithm"])
"""

TARGET_CHECK = """
from common.api.exceptions import ApplicationError
from integrations.targets import target_check
try:
    target_check(url)
except ApplicationError as refused:
    print(refused.code, refused.message)
else:
    print("allowed")
"""
INTERNAL_TARGETS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "https://10.0.0.1/",
    "https://127.0.0.1/hooks",
    "http://partner.example/hooks",  # https only
]

# Reads {name: case(...)} on stdin and prints a JSON line per case: "refused", the exception
# that reading its settings raised; else what its code did: its exit code, the exception it
# raised, what it wrote.
EVERY_CASE = """
import contextlib, io, json, os, sys

import django
from django.conf import Settings, settings

cases = json.load(sys.stdin)
project = os.getcwd() + os.sep
installed = sys.prefix + os.sep  # the virtualenv may lie inside the project


def project_modules():
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(project) and not path.startswith(installed):
            yield name


# Every case's settings, read as a process started in its environment reads them: the
# project's modules are all imported afresh (the settings read the environment as they
# load), the libraries' kept.
read = {}
for name, case in cases.items():
    for module in list(project_modules()):
        del sys.modules[module]
    os.environ.clear()
    os.environ.update(case["environment"])
    try:
        read[name] = Settings(os.environ["DJANGO_SETTINGS_MODULE"]), dict(os.environ)
    except Exception as error:
        refused = f"{type(error).__name__}: {error}"
        result = {"refused": refused, "exit": None, "raised": None, "stdout": "", "stderr": ""}
        print(json.dumps({"case": name, **result}))

# The apps load once, on the first case's settings; each case's code then runs on its own
# settings and in its own environment, which is all that Django and the code read.
for name, (case_settings, environment) in read.items():
    os.environ.clear()
    os.environ.update(environment)
    settings._wrapped = case_settings
    django.setup()
    stdout, stderr = io.StringIO(), io.StringIO()
    code, raised = 0, None
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            exec(cases[name]["code"], {"__name__": "__main__", **cases[name]["given"]})
        except SystemExit as exited:  # as a process exits: None is 0, a message 1
            code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
        except Exception as error:
            code, raised = 1, f"{type(error).__name__}: {error}"
    result = {"refused": None, "exit": code, "raised": raised}
    output = {"stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
    print(json.dumps({"case": name, **result, **output}))
"""


def case(environment: dict, code: str, **given) -> dict:
    """A process started in `environment` that runs `code`, with the names in `given`."""
    return {"environment": environment, "code": code, "given": given}


@pytest.fixture(scope="module")
def production_cases(django_db_setup, tmp_path_factory) -> dict[str, dict]:
    """Every case of this section, by name: what EVERY_CASE reports of it."""
    kafka_password = tmp_path_factory.mktemp("kafka") / "kafka_password"
    kafka_password.write_text("from-the-secret-file\n")
    cases = {  # the first one's settings load the apps: a proper configuration's
        "proper": case(production_environment(), CHECK_DEPLOY),
        "staging": case(
            production_environment(EMAIL_URL="smtp://mailpit:1025", EMAIL_ALLOW_CATCHER="true"),
            CHECK_DEPLOY,
        ),
        **{
            f"refused {overrides}": case(production_environment(**overrides), CHECK_DEPLOY)
            for overrides, _reason in REFUSED
        },
        **{
            f"holds no key {kind}": case(
                production_environment(EVENTS_SIGNING_KEYS=None, **{KIND: kind}), HOLDS_NO_KEY
            )
            for kind in HOLDS_NO_KEY_KINDS
        },
        "kafka relay": case(
            production_environment(
                **{**KAFKA, "EVENTS_KAFKA_SASL_PASSWORD": None, KIND: "relay"},
                EVENTS_KAFKA_SASL_PASSWORD_FILE=str(kafka_password),
                EVENTS_KAFKA_SSL_CA_LOCATION="/run/secrets/kafka_ca",
            ),
            KAFKA_CLIENT,
        ),
        "kafka web": case(
            production_environment(**{**KAFKA, "EVENTS_KAFKA_SASL_PASSWORD": None, KIND: "web"}),
            KAFKA_CLIENT,
        ),
        **{
            f"target {url}": case(production_environment(), TARGET_CHECK, url=url)
            for url in INTERNAL_TARGETS
        },
    }
    run = subprocess.run(
        [sys.executable, "-c", EVERY_CASE],
        input=json.dumps(cases),
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    results = {result.pop("case"): result for result in map(json.loads, run.stdout.splitlines())}
    assert results.keys() == cases.keys(), run.stderr
    return results


@pytest.mark.process
def test_check_deploy_passes_with_no_warning_on_a_proper_configuration(production_cases):
    result = production_cases["proper"]

    assert result["exit"] == 0, result
    assert "System check identified no issues" in result["stdout"]
    assert "WARNINGS" not in result["stdout"] + result["stderr"]


@pytest.mark.process
@pytest.mark.parametrize(("overrides", "reason"), REFUSED)
def test_production_refuses_to_start_with_an_unsafe_configuration(
    production_cases, overrides, reason
):
    result = production_cases[f"refused {overrides}"]

    refused = f"ImproperlyConfigured: Production settings: {reason}"
    assert str(result["refused"]).startswith(refused), result


@pytest.mark.process
def test_a_refused_configuration_stops_manage_py_with_the_reason(django_db_setup):
    # The cases above read the settings in one process; started as the operator starts it,
    # the process stops before it does anything, and says why.
    result = check_deploy(DJANGO_DEBUG="true")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Production settings: DJANGO_DEBUG must be off" in result.stderr
    assert "System check" not in result.stdout


@pytest.mark.process
@pytest.mark.parametrize("kind", HOLDS_NO_KEY_KINDS)
def test_a_process_that_hands_no_event_to_the_workers_holds_no_key_and_signs_nothing(
    production_cases, kind
):
    result = production_cases[f"holds no key {kind}"]

    assert result["stdout"].strip() == "[] False", result
    assert "ImproperlyConfigured: This process holds no EVENTS_SIGNING_KEYS" in str(
        result["raised"]
    )


@pytest.mark.process
def test_the_kafka_password_is_read_from_its_secret_file_and_only_the_publishers_need_it(
    production_cases,
):
    relay = production_cases["kafka relay"]
    assert relay["stdout"].split() == [
        "SASL_SSL",
        "autosalon",
        "from-the-secret-file",
        "/run/secrets/kafka_ca",
        "https",
    ], relay

    # A server holds no password: it starts, and could not publish if it tried.
    web = production_cases["kafka web"]
    assert web["refused"] is None and web["stdout"] == "", web
    assert "ImproperlyConfigured: EVENTS_KAFKA_SECURITY_PROTOCOL is SASL_SSL: set" in str(
        web["raised"]
    )


@pytest.mark.process
def test_a_staging_deployment_may_send_its_mail_to_the_catcher_when_it_says_so(production_cases):
    result = production_cases["staging"]

    assert result["exit"] == 0, result
    assert "System check identified no issues" in result["stdout"]


@pytest.mark.process
@pytest.mark.parametrize("url", INTERNAL_TARGETS)
def test_production_refuses_webhook_targets_inside_the_network(production_cases, url):
    result = production_cases[f"target {url}"]

    assert result["stdout"].startswith("webhook_target_refused"), result


# RESPONSES
# ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def production_server(django_db_setup, tmp_path_factory):
    # As docker-compose.yml's `web` runs it.
    server = HttpServer(
        tmp_path_factory.mktemp("production") / "server.log", env=production_environment()
    )
    # Health checks are exempt from the HTTPS redirect; everything else is served as if
    # through the TLS proxy.
    yield server.start()
    server.stop()


def https(server) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"X-Forwarded-Proto": "https"}, follow_redirects=False
    )


@pytest.mark.process
def test_production_responses_carry_the_security_headers(
    production_server,
):
    response = https(production_server).get("/api/v1/catalog/products/")
    plain = httpx.get(f"{production_server.url}/api/v1/catalog/products/")

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert plain.status_code == 301  # plain HTTP goes to HTTPS
    assert plain.headers["Location"].startswith("https://")


@pytest.mark.process
def test_a_preflight_from_an_allowed_origin_succeeds_and_another_gets_no_allow_headers(
    production_server,
):
    def preflight(origin):
        return https(production_server).options(
            "/api/v1/orders/",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key, content-type",
            },
        )

    allowed = preflight(ALLOWED_ORIGIN)
    foreign = preflight("https://evil.example")

    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    allowed_headers = allowed.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "idempotency-key"} <= set(
        header.strip() for header in allowed_headers.split(",")
    )
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    assert not any(name.lower().startswith("access-control-allow") for name in foreign.headers)


@pytest.mark.process
def test_metrics_answer_only_with_the_token(production_server):
    client = https(production_server)

    anonymous = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    scraper = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert wrong.json()["error"]["code"] == "authentication_failed"
    assert scraper.status_code == 200
    assert "django_http_requests_total_by_method_total" in scraper.text


@pytest.mark.process
def test_production_logs_are_json_lines(production_server):
    https(production_server).get("/api/v1/catalog/products/", params={"ticket": "s3cret"})
    lines = production_server.log_path.read_text().splitlines()

    events = [json.loads(line) for line in lines]  # every line parses
    access = [e for e in events if e.get("logger") == "autosalon.access"]
    assert access and all({"timestamp", "level", "event", "request_id"} <= e.keys() for e in access)
    assert "s3cret" not in "\n".join(lines)


# THE RESET E-MAIL
# ------------------------------------------------------------------------------
@pytest.mark.django_db(databases="__all__")
def test_the_reset_email_link_opens_the_confirm_step_with_a_working_token(
    customer, django_capture_on_commit_callbacks
):
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/auth/password/reset", {"email": customer.email})

    message = mail.outbox[-1]
    link = re.search(r"https?://\S+", message.body).group()
    html, mime = message.alternatives[0]
    assert "&amp;" not in link
    assert mime == "text/html" and link.replace("&", "&amp;") in html
    page = APIClient().get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert page.status_code == 200
    assert b'name="token"' in page.content

    form = dict(re.findall(r'name="(uid|token)" value="([^"]+)"', page.content.decode()))
    browser = APIClient(enforce_csrf_checks=False)
    done = browser.post(
        "/reset-password", {**form, "new_password": "Brand-new-pass-2027"}, format="multipart"
    )

    assert done.status_code == 200
    assert b'id="done"' in done.content
    signed_in = client.post(
        "/api/v1/auth/token", {"email": customer.email, "password": "Brand-new-pass-2027"}
    )
    assert signed_in.status_code == 200


# DOCKER COMPOSE
# ------------------------------------------------------------------------------
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)["services"]
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$")


def test_compose_runs_web_worker_and_beat_on_production_settings_with_an_env_file():
    for name in ("web", "ws", "worker", "beat", "relay"):
        service = COMPOSE[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert service["env_file"] == [".env.production"]
    example = (ROOT / ".env.production.example").read_text()
    for required in (
        "DJANGO_SECRET_KEY=",
        "DJANGO_ALLOWED_HOSTS=",
        "EMAIL_URL=",
        "METRICS_TOKEN=",
        "JWT_PRIVATE_KEY_FILE=",
        "PAYMENTS_PROVIDER=",
        "PAYMENTS_RETURN_URL=",
        "SITE_ADDRESS=",
    ):
        assert re.search(rf"^{required}", example, re.MULTILINE), required


def test_the_env_file_does_not_point_production_mail_at_the_catcher():
    example = (ROOT / ".env.production.example").read_text()
    url = re.search(r"^EMAIL_URL=(.*)$", example, re.MULTILINE).group(1)

    assert "mailpit" not in url and url == ""  # the operator names a real SMTP server
    assert re.search(r"^# EMAIL_ALLOW_CATCHER=false$", example, re.MULTILINE)


def test_no_secret_has_a_default_in_compose():
    defaults = re.findall(r"\$\{([A-Z_]+):?-", COMPOSE_TEXT)
    literal_secrets = [
        f"{service}.{name}"
        for service, spec in COMPOSE.items()
        for name, value in (spec.get("environment") or {}).items()
        if SECRET_NAME.search(name)
        and "${" not in str(value)
        # NAME_FILE: the path of a Docker secret, not the secret itself
        and not (name.endswith("_FILE") and str(value).startswith("/run/secrets/"))
    ]

    assert not [name for name in defaults if SECRET_NAME.search(name)]
    assert literal_secrets == []
    assert ".env.production\n" in (ROOT / ".gitignore").read_text()  # never committed
