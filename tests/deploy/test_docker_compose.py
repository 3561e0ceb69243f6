"""docker-compose.yml: valid by the Compose Specification, run in replicas behind PgBouncer
(docs/operations.md, "Deploying"), with every password in a secret file, and agreeing with the
settings it feeds, `.env.example` and `.env.production.example`. No container runs (the
machine has no Docker engine): the file is checked against the Compose Specification's schema,
the secrets script's output is read by the production settings as the containers would read
it, and PgBouncer's configuration runs in a real PgBouncer."""

import configparser
import copy
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import environ
import jsonschema
import psycopg
import pytest
import redis
import yaml
from django.conf import settings
from django.core.management import get_commands
from redis.backoff import NoBackoff
from redis.retry import Retry

from common import jwtkeys
from common.registry import domain_apps
from config import servers
from tests.pgbouncer import UNPRIVILEGED_USER
from tests.processes import free_port, wait_for

ROOT = Path(settings.BASE_DIR)
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
# The Compose Specification's JSON Schema, as `docker compose` v2 validates a file with it
# (deploy/compose/README.md says where it comes from).
COMPOSE_SCHEMA = json.loads((ROOT / "deploy" / "compose" / "compose-spec.json").read_text())
SECRETS_SCRIPT = ROOT / "deploy" / "compose" / "make-secrets.sh"
PGBOUNCER_INI = ROOT / "deploy" / "compose" / "pgbouncer.ini"
DB_SERVICES = [
    "auth_db",
    "catalog_db",
    "order_db",
    "payment_db",
    "financing_db",
    "insurance_db",
    "showroom_db",
    "crm_db",
    "integrations_db",
    "documents_db",
    "notifications_db",
    "tradein_db",
    "service_db",
    "onec_db",
]
# The long-running processes of the app's image; `migrate` and `kafka_topics` are one-shot.
APP_SERVICES = ["web", "ws", "worker", "beat", "relay"]
IMAGE_SERVICES = [*APP_SERVICES, "migrate", "kafka_topics"]
SCALABLE = ["web", "ws", "worker", "relay"]
DIRECT = ["migrate", "relay"]  # past PgBouncer: the migrations' lock, the relay's LISTEN
PROBED = {"worker": "worker", "relay": "relay", "beat": "beat"}
ENV_EXAMPLE_NAME = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
# The settings but the test suite's: config/settings/, each app's settings.py, and the
# readings they share (common/environment.py).
SETTINGS_SOURCE = "".join(
    path.read_text()
    for path in [
        *sorted((ROOT / "config" / "settings").glob("*.py")),
        *sorted(ROOT.glob("*/settings.py")),
        ROOT / "common" / "environment.py",
    ]
    if path.name != "test.py"
)
# Read by prometheus_client, and by common/ops/metrics.py, not by the settings.
METRICS_SOURCE = (ROOT / "common" / "ops" / "metrics.py").read_text()
# What config/settings/production.py refuses to start without (its `_refuse` calls).
PRODUCTION_REQUIRES = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "REDIS_URL",
    *settings.DATABASE_ENV_VARS.values(),
    "EMAIL_URL",
    "JWT_PRIVATE_KEY",  # or JWT_PRIVATE_KEY_FILE, the path of its file
    "PAYMENTS_PROVIDER",
    "FINANCING_LENDER",
    "PAYMENTS_RETURN_URL",
    "WEBHOOKS_SECRETS_KEY",
    "METRICS_TOKEN",
]
# Only these hold the keys that sign events for the workers, which production then requires.
EVENTS_SIGNERS = ("worker", "relay")
# Only these connect to Kafka, and hold its password and authority.
KAFKA_CLIENTS = ("worker", "relay", "kafka_topics")
# A URL that carries a password: scheme://user:password@host
CREDENTIALS_IN_URL = re.compile(r"://[^/@\s]*:[^/@\s]+@")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASS$|TOKEN|_KEY$")
SECRETS_MOUNT = "/run/secrets/"

# `${NAME:?message}` and `${NAME}` interpolate the same value.
INTERPOLATION_CHECK = re.compile(r"\$\{([A-Z_]+):\?[^}]*\}")
# `${NAME:-default}`: the default, as compose gives it when the env file leaves NAME unset.
INTERPOLATION_DEFAULT = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


def environment(name: str) -> dict[str, str]:
    env = SERVICES[name].get("environment") or {}
    if isinstance(env, list):  # the `- NAME=value` form
        env = dict(item.split("=", 1) for item in env)
    return {key: INTERPOLATION_CHECK.sub(r"${\1}", str(value)) for key, value in env.items()}


def command(name: str) -> str:
    cmd = SERVICES[name].get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def with_defaults(value: str) -> str:
    return INTERPOLATION_DEFAULT.sub(r"\1", value)


def seconds(duration: str) -> float:
    """A compose duration (`1m30s`, `150s`, `2m`) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", str(duration))
    assert parts and "".join(n + u for n, u in parts) == str(duration), duration
    return sum(float(number) * units[unit] for number, unit in parts)


def service_secrets(name: str) -> dict[str, str]:
    """The secrets a service is given: name -> where it reads it."""
    given = {}
    for secret in SERVICES[name].get("secrets") or []:
        if isinstance(secret, str):
            given[secret] = SECRETS_MOUNT + secret
        else:
            target = secret.get("target", secret["source"])
            given[secret["source"]] = target if target.startswith("/") else SECRETS_MOUNT + target
    return given


def pgbouncer_config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        comment_prefixes=(";",), inline_comment_prefixes=None, interpolation=None
    )
    parser.read_string(PGBOUNCER_INI.read_text())
    return parser


def pgbouncer_databases() -> dict[str, dict[str, str]]:
    """[databases]: name -> its connection string's fields."""
    return {
        name: dict(field.split("=", 1) for field in value.split())
        for name, value in pgbouncer_config()["databases"].items()
    }


@pytest.fixture(scope="module")
def secrets_dir(tmp_path_factory) -> Path:
    """The secret files deploy/compose/make-secrets.sh makes, where compose finds them."""
    directory = tmp_path_factory.mktemp("compose") / "secrets"
    subprocess.run(["sh", str(SECRETS_SCRIPT), str(directory)], check=True, capture_output=True)
    return directory


def secret_file(secrets_dir: Path, service: str, path: str) -> Path:
    """The host file behind `path` in `service`'s container: one of its secrets, declared
    with a file under ./secrets/."""
    given = {target: name for name, target in service_secrets(service).items()}
    assert path in given, f"{service}: {path} is none of its secrets {sorted(given)}"
    declared = COMPOSE["secrets"][given[path]]
    assert declared == {"file": f"./secrets/{given[path]}"}, declared
    return secrets_dir / given[path]


def settings_env(secrets_dir: Path, service: str) -> environ.FileAwareEnv:
    """The service's environment as the settings read it (django-environ's FileAwareEnv,
    `<VAR>_FILE` read from the file), its secrets where the secrets script made them."""
    mapping = {}
    for key, value in environment(service).items():
        if key.endswith("_FILE") and value.startswith(SECRETS_MOUNT):
            value = str(secret_file(secrets_dir, service, value))
        mapping[key] = value
    env = environ.FileAwareEnv()
    env.ENVIRON = environ.FileAwareMapping(env=mapping, cache=False)
    return env


# THE FILE ITSELF
# ------------------------------------------------------------------------------
def test_the_compose_file_is_valid_by_the_compose_specification():
    validator = jsonschema.Draft7Validator(COMPOSE_SCHEMA)
    with_values = yaml.safe_load(with_defaults(INTERPOLATION_CHECK.sub("x", COMPOSE_TEXT)))

    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for document in (COMPOSE, with_values)
        for error in validator.iter_errors(document)
    ]

    assert errors == []
    # The schema is strict: a misspelt key or a wrong type is an error.
    broken = copy.deepcopy(COMPOSE)
    broken["services"]["web"]["stop_grace_perod"] = "30s"
    broken["services"]["worker"]["stop_grace_period"] = 150  # a duration is a string
    assert len(list(validator.iter_errors(broken))) == 2


def test_every_service_is_defined():
    expected = {*DB_SERVICES, "pgbouncer", "redis", "rabbitmq", "kafka", "proxy"}
    missing = {*expected, *IMAGE_SERVICES} - SERVICES.keys()
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


# HEALTH, STOPPING, RESOURCES, REPLICAS
# ------------------------------------------------------------------------------
def one_shot(name: str) -> bool:
    """Runs to completion once: restarts never, and what needs it waits for its success."""
    waited_for = [
        other
        for other, spec in SERVICES.items()
        if isinstance(spec.get("depends_on"), dict)
        and (spec["depends_on"].get(name) or {}).get("condition")
        == "service_completed_successfully"
    ]
    return SERVICES[name].get("restart") == "no" and bool(waited_for)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_has_a_healthcheck(service):
    healthcheck = SERVICES[service].get("healthcheck") or {}

    if healthcheck.get("disable"):
        assert one_shot(service), f"{service}: only a one-shot step goes without a healthcheck"
    else:
        test = healthcheck.get("test")
        assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, (
            f"{service}: healthcheck test {test!r}"
        )


@pytest.mark.parametrize(
    ("service", "probe"),
    [(db, "pg_isready") for db in DB_SERVICES]
    + [("pgbouncer", "pg_isready"), ("redis", "redis-cli"), ("rabbitmq", "rabbitmq-diagnostics")],
)
def test_backing_services_have_healthchecks(service, probe):
    test = " ".join(SERVICES[service]["healthcheck"]["test"])
    assert probe in test, f"{service}: healthcheck {test!r} does not run {probe}"


@pytest.mark.parametrize(("service", "kind"), sorted(PROBED.items()))
def test_the_worker_relay_and_beat_are_probed_by_their_heartbeat(service, kind):
    healthcheck = SERVICES[service]["healthcheck"]

    assert healthcheck["test"] == ["CMD", "python", "manage.py", "probe", kind]
    # Fresh for LIVENESS_MAX_AGE_SECONDS: the probe runs more often than that goes stale.
    assert seconds(healthcheck["interval"]) < settings.LIVENESS_MAX_AGE_SECONDS
    assert "probe" in get_commands(), "manage.py probe, which the healthcheck runs, is missing"


def test_the_proxy_is_probed_by_an_http_request_to_caddy():
    test = " ".join(SERVICES["proxy"]["healthcheck"]["test"])
    assert "wget" in test and "http://127.0.0.1:80/" in test, test


def test_the_worker_may_finish_its_longest_task_when_stopped():
    grace = seconds(SERVICES["worker"]["stop_grace_period"])
    assert grace >= settings.CELERY_TASK_TIME_LIMIT + 15, (
        f"worker: stop_grace_period {grace}s, tasks run up to {settings.CELERY_TASK_TIME_LIMIT}s"
    )


@pytest.mark.parametrize("service", [*APP_SERVICES, "proxy", "pgbouncer", *DB_SERVICES])
def test_long_running_services_have_a_stop_grace_period_above_the_default(service):
    assert seconds(SERVICES[service].get("stop_grace_period", "10s")) > 10, service


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_has_resource_limits(service):
    limits = SERVICES[service].get("deploy", {}).get("resources", {}).get("limits", {})
    assert {"cpus", "memory"} <= limits.keys(), f"{service}: limits {limits!r}"


@pytest.mark.parametrize("service", SCALABLE)
def test_the_app_services_scale(service):
    spec = SERVICES[service]

    assert "container_name" not in spec and not spec.get("ports"), service
    assert int(with_defaults(str(spec["deploy"]["replicas"]))) >= 1
    assert re.fullmatch(r"\$\{[A-Z]+_REPLICAS:-\d+\}", str(spec["deploy"]["replicas"]))


def test_the_worker_runs_an_explicit_concurrency_and_one_beat_runs():
    assert re.search(r"--concurrency=\$\{WORKER_CONCURRENCY:-\d+\}", command("worker"))
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


# MIGRATIONS: ONE STEP BEFORE EVERYTHING
# ------------------------------------------------------------------------------
def test_migrate_runs_once_and_every_app_service_waits_for_it():
    assert command("migrate") == "python manage.py migrate_all"
    assert one_shot("migrate")
    for service in APP_SERVICES:
        condition = SERVICES[service]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", service
    others = [name for name in SERVICES if name != "migrate" and "migrate" in command(name)]
    assert others == [], f"only the migrate step migrates: {others}"
    assert "migrate_all" not in (ROOT / "Dockerfile").read_text().split("CMD")[-1]


def test_the_image_is_built_without_the_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"secrets", ".env", ".env.*"} <= set(ignored)
    assert "COPY . ." in (ROOT / "Dockerfile").read_text()  # what .dockerignore filters


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_services_wait_for_healthy_backing_services(service):
    depends_on = SERVICES[service].get("depends_on") or {}
    assert isinstance(depends_on, dict), f"{service}: depends_on needs conditions, not a list"
    backing = [*DB_SERVICES, "redis"] if service == "migrate" else ["pgbouncer", "redis"]
    for dependency in backing:
        condition = (depends_on.get(dependency) or {}).get("condition")
        assert condition == "service_healthy", f"{service}: depends_on {dependency}: {condition!r}"
    pgbouncer_waits_for = SERVICES["pgbouncer"]["depends_on"]
    assert {db: {"condition": "service_healthy"} for db in DB_SERVICES} == pgbouncer_waits_for


# DATABASES: THROUGH PGBOUNCER, A PASSWORD EACH, FROM SECRETS
# ------------------------------------------------------------------------------
def test_pgbouncer_pools_all_fourteen_databases_in_transaction_mode():
    databases = pgbouncer_databases()
    config = pgbouncer_config()["pgbouncer"]
    pgbouncer = SERVICES["pgbouncer"]

    servers_of = {environment(db)["POSTGRES_DB"]: db for db in DB_SERVICES}
    assert {name: fields["host"] for name, fields in databases.items()} == servers_of
    assert all(fields["dbname"] == name for name, fields in databases.items())
    assert config["pool_mode"] == "transaction"
    assert config["auth_type"] == "scram-sha-256"
    assert config["auth_file"] == service_secrets("pgbouncer")["pgbouncer_userlist"]
    assert pgbouncer["configs"] == [
        {"source": "pgbouncer_ini", "target": "/etc/pgbouncer/pgbouncer.ini"}
    ]
    assert COMPOSE["configs"]["pgbouncer_ini"] == {"file": "./deploy/compose/pgbouncer.ini"}
    # Pinned to one release, never a moving tag.
    assert re.fullmatch(r"edoburu/pgbouncer:v\d+\.\d+\.\d+-p\d+", pgbouncer["image"])


@pytest.mark.process
def test_a_real_pgbouncer_runs_the_file_and_lets_the_app_in_with_its_secrets(secrets_dir, tmp_path):
    """deploy/compose/pgbouncer.ini as it is but for where it listens and what it reaches (the
    machine's PostgreSQL as `postgres`): PgBouncer accepts every setting, and checks the
    app's password against the user list (SCRAM) before it lets the client through."""
    port = free_port()
    userlist = tmp_path / "userlist.txt"
    userlist.write_text((secrets_dir / "pgbouncer_userlist").read_text())
    text = PGBOUNCER_INI.read_text()
    text = re.sub(
        r"host=\S+ port=5432 dbname=\S+",
        "host=127.0.0.1 port=5432 dbname=postgres user=postgres",
        text,
    )
    text = re.sub(r"(?m)^listen_addr = .*$", "listen_addr = 127.0.0.1", text)
    text = re.sub(r"(?m)^listen_port = .*$", f"listen_port = {port}", text)
    text = re.sub(r"(?m)^auth_file = .*$", f"auth_file = {userlist}", text)
    assert (
        text.count("127.0.0.1 port=5432") == len(DB_SERVICES)
        and str(port) in text
        and str(userlist) in text
    )
    config = tmp_path / "pgbouncer.ini"
    config.write_text(text)
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        for path in (tmp_path, userlist, config):
            shutil.chown(path, UNPRIVILEGED_USER)
    program = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    assert Path(program).exists(), "pgbouncer is missing: apt-get install pgbouncer"
    user = ["-u", UNPRIVILEGED_USER] if os.geteuid() == 0 else []
    log = tmp_path / "pgbouncer.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [program, *user, str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        url = urlsplit((secrets_dir / "database_url_orders").read_text())
        address = url._replace(netloc=f"{url.username}:{url.password}@127.0.0.1:{port}")

        errors = []

        def answers():
            assert process.poll() is None, f"pgbouncer exited: {log.read_text()}"
            try:
                with psycopg.connect(address.geturl(), connect_timeout=2) as connection:
                    return connection.execute("SELECT current_user").fetchone()[0]
            except psycopg.OperationalError as error:
                errors.append(str(error))
                return None

        try:
            assert wait_for(answers, timeout=30, message="pgbouncer") == "postgres"
        except TimeoutError:
            raise AssertionError(f"{errors[-1:]}\n{log.read_text()}") from None
        wrong = address._replace(netloc=f"{url.username}:not-it@127.0.0.1:{port}")
        with pytest.raises(psycopg.OperationalError, match="authentication failed"):
            psycopg.connect(wrong.geturl(), connect_timeout=2)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pgbouncer_and_the_direct_connections_fit_each_server():
    config = pgbouncer_config()["pgbouncer"]
    pool = int(config["max_db_connections"])
    relays = int(with_defaults(SERVICES["relay"]["deploy"]["replicas"]))
    # Per server: PgBouncer's pool, a LISTEN per relay, the migrate step, and PostgreSQL's
    # superuser_reserved_connections (3) within its max_connections (100): docs/operations.md,
    # "Connections".
    assert int(config["default_pool_size"]) <= pool
    assert pool + relays + 1 + 3 <= 100


@pytest.mark.process
@pytest.mark.parametrize("service", IMAGE_SERVICES)
def test_the_app_reaches_every_database_through_pgbouncer_with_its_own_password(
    secrets_dir, service
):
    env = settings_env(secrets_dir, service)
    databases = pgbouncer_databases()
    listen_port = int(pgbouncer_config()["pgbouncer"]["listen_port"])
    userlist = (secrets_dir / "pgbouncer_userlist").read_text()
    servers_used = {}

    assert environment(service)["DATABASE_POOLER"] == "pgbouncer"
    for alias, variable in settings.DATABASE_ENV_VARS.items():
        assert variable not in environment(service), f"{service}: {variable} in plain sight"
        url = env.db_url(variable)
        assert (url["ENGINE"], url["HOST"], url["PORT"]) == (
            "django.db.backends.postgresql",
            "pgbouncer",
            listen_port,
        ), f"{service}: {variable}"
        server = servers_used[alias] = databases[url["NAME"]]["host"]
        db_env = environment(server)
        password_file = secret_file(secrets_dir, server, db_env["POSTGRES_PASSWORD_FILE"])
        assert (url["NAME"], url["USER"], url["PASSWORD"]) == (
            db_env["POSTGRES_DB"],
            db_env["POSTGRES_USER"],
            password_file.read_text(),
        ), f"{service}: {variable} does not log in to {server}"
        assert f'"{url["USER"]}" "{url["PASSWORD"]}"\n' in userlist

        direct = variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")
        if service in DIRECT:
            url_direct = env.db_url(direct)
            assert (url_direct["HOST"], url_direct["PORT"]) == (server, 5432), direct
            assert {k: url_direct[k] for k in ("NAME", "USER", "PASSWORD")} == {
                k: url[k] for k in ("NAME", "USER", "PASSWORD")
            }, direct
        else:
            assert env.str(direct, default="") == "", f"{service} needs no {direct}"
    assert len(set(servers_used.values())) == len(servers_used), servers_used


@pytest.mark.process
def test_each_postgres_server_has_its_own_password_secret(secrets_dir):
    files = {}
    for db in DB_SERVICES:
        given = service_secrets(db)
        assert list(given) == [
            f"postgres_password_{environment(db)['POSTGRES_DB'].removeprefix('autosalon_')}"
        ], given
        assert environment(db)["POSTGRES_PASSWORD_FILE"] == next(iter(given.values()))
        assert "POSTGRES_PASSWORD" not in environment(db)
        files[db] = (secrets_dir / next(iter(given))).read_text()
    assert len(set(files.values())) == len(DB_SERVICES), "two servers share a password"
    assert all(len(password) >= 32 for password in files.values())


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_no_environment_holds_a_password_or_a_url_with_credentials(service):
    for name, value in environment(service).items():
        assert not CREDENTIALS_IN_URL.search(value), f"{service}: {name} has credentials"
        if SECRET_NAME.search(name.removesuffix("_FILE")):
            assert name.endswith("_FILE") and value.startswith(SECRETS_MOUNT), (
                f"{service}: {name} must come from a secret file"
            )
    for item in SERVICES[service].get("env_file") or []:
        assert item == ".env.production", f"{service}: env file {item!r}"


LINE_FILES = {
    "pgbouncer_userlist",
    "rabbitmq_conf",
    "kafka_ca",
    "kafka_ca_key",
    "kafka_keystore",
    "kafka_server_properties",
}


@pytest.mark.process
def test_the_secrets_script_makes_every_secret_compose_declares_and_keeps_passwords(
    secrets_dir, tmp_path
):
    directory = tmp_path / "secrets"
    subprocess.run(["sh", str(SECRETS_SCRIPT), str(directory)], check=True, capture_output=True)
    passwords = {path.name: path.read_text() for path in directory.glob("*password*")}
    urls = {path.name: path.read_text() for path in directory.glob("*url*")}
    kafka = {path.name: path.read_text() for path in directory.glob("kafka_*")}
    (directory / "database_url_orders").unlink()

    subprocess.run(["sh", str(SECRETS_SCRIPT), str(directory)], check=True, capture_output=True)

    # Every secret compose mounts, and the passwords of RabbitMQ's users, which three of them
    # are made from (the definitions and two URLs).
    made = {path.name for path in directory.iterdir()}
    # Kafka's authority's key, which signed the broker's certificate, is mounted nowhere.
    assert made - set(COMPOSE["secrets"]) == {
        "rabbitmq_admin_password",
        "rabbitmq_celery_password",
        "rabbitmq_events_password",
        "kafka_ca_key",
    }
    assert set(COMPOSE["secrets"]) - made == set()
    # Run again: no password changes, and what is built from them comes back the same.
    assert {path.name: path.read_text() for path in directory.glob("*password*")} == passwords
    assert {path.name: path.read_text() for path in directory.glob("*url*")} == urls
    assert {path.name: path.read_text() for path in directory.glob("kafka_*")} == kafka
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
        # Files read line by line or as PEM end with one; values do not.
        if path.name not in LINE_FILES:
            assert not path.read_text().endswith("\n"), f"{path.name} ends with a newline"
    # Another deployment gets other passwords.
    assert (secrets_dir / "redis_password").read_text() != passwords["redis_password"]


# REDIS AND RABBITMQ
# ------------------------------------------------------------------------------
@pytest.mark.process
def test_redis_requires_a_password_from_a_secret_and_evicts_nothing_at_its_ceiling(secrets_dir):
    redis = SERVICES["redis"]
    line = command("redis").replace("$$", "$")
    password = (secrets_dir / "redis_password").read_text()

    assert redis["image"].startswith("redis:")
    # The password from the secret, as configuration on standard input (`redis-server ... -`),
    # never on the command line; the image's entrypoint then runs Redis as its own user.
    assert line.startswith("sh -c exec docker-entrypoint.sh redis-server "), line
    assert re.search(r" - <<EOF\nrequirepass \$\(cat /run/secrets/redis_password\)\nEOF\n$", line)
    assert "--requirepass" not in line
    assert service_secrets("redis") == {"redis_password": "/run/secrets/redis_password"}
    assert re.search(r"--maxmemory \$\{REDIS_MAXMEMORY:-\d+mb\}", line)
    assert "--maxmemory-policy noeviction" in line
    assert "--appendonly yes" in line
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    # The maximum leaves the container room (the AOF rewrite forks).
    maxmemory = int(re.search(r"REDIS_MAXMEMORY:-(\d+)mb", line).group(1))
    assert maxmemory * 1.5 <= int(redis["deploy"]["resources"]["limits"]["memory"].rstrip("m"))
    healthcheck = " ".join(redis["healthcheck"]["test"]).replace("$$", "$")
    assert 'REDISCLI_AUTH="$(cat /run/secrets/redis_password)"' in healthcheck
    assert "grep -q PONG" in healthcheck  # NOAUTH exits 0 too
    for service in IMAGE_SERVICES:
        url = urlsplit(settings_env(secrets_dir, service).str("REDIS_URL"))
        assert (url.scheme, url.hostname, url.port, url.password) == (
            "redis",
            "redis",
            6379,
            password,
        ), service


@pytest.mark.process
def test_a_real_redis_runs_the_command_and_answers_only_with_the_password(secrets_dir, tmp_path):
    """The redis service's shell line as it is, but for the image's entrypoint, the port and
    the directory: the secret's password is required, the policy set, and no command line
    that `ps` shows holds the password."""
    password = (secrets_dir / "redis_password").read_text()
    port = free_port()
    line = SERVICES["redis"]["command"][2].replace("$$", "$")
    line = with_defaults(line).replace("docker-entrypoint.sh redis-server", "redis-server")
    line = line.replace("/run/secrets/redis_password", str(secrets_dir / "redis_password"))
    line = line.replace(" - <<EOF", f" --port {port} --dir {tmp_path} - <<EOF")
    assert shutil.which("redis-server"), "redis-server is missing: apt-get install redis-server"
    process = subprocess.Popen(["sh", "-c", line], stdout=subprocess.DEVNULL, cwd=tmp_path)
    try:
        # No retries: redis-py counts a refused password as a connection error, and retries.
        once = {
            "host": "127.0.0.1",
            "port": port,
            "socket_timeout": 2,
            "retry": Retry(NoBackoff(), 0),
        }
        wait_for(lambda: process.poll() is None and (tmp_path / "appendonlydir").exists(), 15)

        with pytest.raises(redis.AuthenticationError):
            redis.Redis(**once).ping()
        client = redis.Redis(**once, password=password)
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        assert client.config_get("maxmemory") == {"maxmemory": str(256 * 1024 * 1024)}
        assert password not in Path(f"/proc/{process.pid}/cmdline").read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.process
def test_rabbitmq_loads_its_users_from_a_secret_and_each_process_logs_in_as_its_own(secrets_dir):
    given = service_secrets("rabbitmq")
    definitions = json.loads((secrets_dir / "rabbitmq_definitions").read_text())
    users = {user["name"] for user in definitions["users"]}
    passwords = {
        "autosalon_celery": (secrets_dir / "rabbitmq_celery_password").read_text(),
        "autosalon_events": (secrets_dir / "rabbitmq_events_password").read_text(),
    }

    assert given == {
        "rabbitmq_conf": "/etc/rabbitmq/conf.d/20-autosalon.conf",
        "rabbitmq_definitions": "/etc/rabbitmq/definitions.json",
    }
    assert (secrets_dir / "rabbitmq_conf").read_text() == (
        "load_definitions = /etc/rabbitmq/definitions.json\n"
    )
    assert users == {"autosalon_admin", "autosalon_celery", "autosalon_events"}  # no guest
    assert not [name for name in environment("rabbitmq") if name.startswith("RABBITMQ_DEFAULT")]
    for service in IMAGE_SERVICES:
        env = settings_env(secrets_dir, service)
        url = urlsplit(env.str("CELERY_BROKER_URL"))
        assert (url.scheme, url.hostname, url.port, url.path) == (
            "amqp",
            "rabbitmq",
            5672,
            "/celery",
        )
        assert (url.username, url.password) == ("autosalon_celery", passwords["autosalon_celery"])
        # The partners' events' virtual host and the signing keys: the relay and the workers.
        publishes = {"EVENTS_AMQP_URL", "EVENTS_SIGNING_KEYS"} & {
            name.removesuffix("_FILE") for name in environment(service)
        }
        if service in EVENTS_SIGNERS:
            assert publishes == {"EVENTS_AMQP_URL", "EVENTS_SIGNING_KEYS"}, service
            url = urlsplit(env.str("EVENTS_AMQP_URL"))
            assert (url.username, url.password, url.path) == (
                "autosalon_events",
                passwords["autosalon_events"],
                "/events",
            ), service
            assert [len(key) for key in env.list("EVENTS_SIGNING_KEYS")] == [64], service
        else:
            assert publishes == set(), f"{service} holds {publishes}"
            assert not {"events_amqp_url", "events_signing_keys"} & set(service_secrets(service))


# THE ENV FILES
# ------------------------------------------------------------------------------
def env_example_names() -> set[str]:
    return set(ENV_EXAMPLE_NAME.findall((ROOT / ".env.example").read_text()))


def production_example() -> str:
    return (ROOT / ".env.production.example").read_text()


def test_compose_variables_are_documented_in_env_example():
    # NAME_FILE is NAME read from a file (django-environ's FileAwareEnv).
    used = {
        name.removesuffix("_FILE") for service in IMAGE_SERVICES for name in environment(service)
    }
    undocumented = used - env_example_names()
    assert not undocumented, f"missing from .env.example: {sorted(undocumented)}"


# The periodic jobs' intervals an app declares (common/registry.py), read by the settings.
PERIODIC_JOB_SETTINGS = {
    job.setting for config in domain_apps() for job in config.periodic_jobs if job.setting
}


def test_env_example_names_are_read_by_settings():
    # DJANGO_SETTINGS_MODULE is read by manage.py, config/asgi.py and Django itself.
    source = SETTINGS_SOURCE + METRICS_SOURCE + '"DJANGO_SETTINGS_MODULE"'
    # DATABASE_URL_<APP>, from the registry of apps, and DATABASE_DIRECT_URL_<APP>, made from
    # it by the settings.
    variables = set(settings.DATABASE_ENV_VARS.values())
    direct = {v.replace("_URL_", "_DIRECT_URL_") for v in variables} | variables
    assert '"DATABASE_URL_", "DATABASE_DIRECT_URL_"' in SETTINGS_SOURCE
    source += "".join(f'"{name}"' for name in direct | PERIODIC_JOB_SETTINGS)
    unknown = {name for name in env_example_names() if f'"{name}"' not in source}
    assert not unknown, f".env.example documents names the settings never read: {sorted(unknown)}"


def test_every_variable_settings_read_is_in_env_example():
    read = set(
        re.findall(r'(?:env\.\w+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_SOURCE)
    )
    read |= set(settings.DATABASE_ENV_VARS.values()) | PERIODIC_JOB_SETTINGS
    missing = read - env_example_names()
    assert not missing, f"the settings read variables .env.example omits: {sorted(missing)}"


def test_env_production_example_gives_every_variable_compose_reads():
    example = production_example()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", COMPOSE_TEXT))
    optional = set(re.findall(r"\$\{([A-Z_]+):-", COMPOSE_TEXT))

    assert "SITE_ADDRESS" in required
    unset = [name for name in required if not re.search(rf"^{name}=", example, re.MULTILINE)]
    assert unset == [], f".env.production.example does not set {unset}"
    # The ones with a default are there to change, commented out at their default (an empty
    # one, none: the line shows an example).
    for name in optional:
        defaults = set(re.findall(rf"\$\{{{name}:-([^}}]*)\}}", COMPOSE_TEXT))
        assert len(defaults) == 1, f"{name} has several defaults: {defaults}"
        value = re.escape(defaults.pop()) or ".*"
        assert re.search(rf"^# ?{name}={value}$", example, re.MULTILINE), name


@pytest.mark.parametrize("service", IMAGE_SERVICES)
def test_every_variable_the_production_settings_require_is_given(service):
    read = set(settings.DATABASE_ENV_VARS.values())  # named by the registry of apps
    for name in PRODUCTION_REQUIRES:
        assert f'"{name}"' in SETTINGS_SOURCE or name in read, f"the settings no longer read {name}"
    given = {name.removesuffix("_FILE") for name in environment(service)}
    given |= set(re.findall(r"^([A-Z][A-Z0-9_]*?)(?:_FILE)?=", production_example(), re.MULTILINE))
    required = [
        *PRODUCTION_REQUIRES,
        *(["EVENTS_SIGNING_KEYS"] if service in EVENTS_SIGNERS else []),
    ]
    assert '"EVENTS_SIGNING_KEYS"' in SETTINGS_SOURCE
    missing = [name for name in required if name not in given]
    assert missing == [], f"{service}: neither compose nor the env file gives {missing}"
    assert environment(service)["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert SERVICES[service]["env_file"] == [".env.production"]


# Blanks of .env.production.example that production settings refuse to leave empty, filled in
# as an operator would (no secret file needed: they may be plain values).
FILLED_IN = {
    "DJANGO_SECRET_KEY": "k" * 60,
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "YOOKASSA_SHOP_ID": "100500",
    "YOOKASSA_SECRET_KEY": "live_secret",
    "METRICS_TOKEN": "t" * 40,
    "WEBHOOKS_SECRETS_KEY": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
}
LOADED = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "databases": {a: [d["HOST"], d["PORT"], d["NAME"], d["USER"]] for a, d in s.DATABASES.items()},
    "direct": {a: d and [d["HOST"], d["PORT"]] for a, d in s.DATABASES_DIRECT.items()},
    "pooler": s.DATABASE_POOLER,
    "redis": s.REDIS_URL,
    "broker": s.CELERY_BROKER_URL,
    "trusted": s.TRUSTED_PROXIES,
}))
"""


@pytest.mark.process
@pytest.mark.parametrize("service", ["web", "relay"])
def test_the_production_settings_load_from_compose_the_env_file_and_the_secrets(
    secrets_dir, service
):
    env_file = dict(
        line.split("=", 1)
        for line in production_example().splitlines()
        if re.match(r"^[A-Z][A-Z0-9_]*=", line)
    )
    # The token signing key, where compose mounts secrets/jwt/ (FileAwareEnv reads
    # JWT_PRIVATE_KEY_FILE at start, as JWT_PRIVATE_KEY's file).
    assert "./secrets/jwt:/run/secrets/jwt:ro" in SERVICES[service]["volumes"]
    keys = secrets_dir / "jwt"
    keys.mkdir(exist_ok=True)
    (keys / "jwt-1.pem").write_bytes(jwtkeys.private_key_pem())
    env_file = {
        key: value.replace("/run/secrets/jwt/", f"{keys}/") for key, value in env_file.items()
    }
    compose_env = {}
    for key, value in environment(service).items():
        if key.endswith("_FILE") and value.startswith(SECRETS_MOUNT):
            value = str(secret_file(secrets_dir, service, value))
        compose_env[key] = with_defaults(value)
    # As compose gives them: the env file, then the service's environment over it.
    process_env = {
        "PATH": os.environ["PATH"],
        "AUTOSALON_ENV_FILE": "/dev/null",
        **env_file,
        **FILLED_IN,
        **compose_env,
    }

    loaded = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=ROOT,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert loaded.returncode == 0, loaded.stderr[-2000:]
    result = json.loads(loaded.stdout.splitlines()[-1])
    assert result["pooler"] == "pgbouncer"
    assert {host for host, port, _, _ in result["databases"].values()} == {"pgbouncer"}
    assert {name for _, _, name, _ in result["databases"].values()} == set(pgbouncer_databases())
    assert all(name == user for _, _, name, user in result["databases"].values())
    if service == "relay":
        assert sorted(host for host, _ in result["direct"].values()) == sorted(DB_SERVICES)
    else:
        assert set(map(str, result["direct"].values())) == {"None"}
    assert result["redis"] == (secrets_dir / "redis_url").read_text()  # no newline kept
    assert result["broker"].startswith("amqp://autosalon_celery:")
    assert result["trusted"] == ["172.30.0.0/24"]


# SERVING
# ------------------------------------------------------------------------------
def port_of(command_line: str) -> str:
    found = re.search(r"--port (\d+)", command_line)
    assert found is not None, command_line
    return found.group(1)


def test_web_serves_http_through_config_servers():
    cmd = command("web")
    assert cmd.startswith("python -m config.servers http "), f"web: {cmd!r}"
    assert re.search(r"--workers \$\{WEB_CONCURRENCY:-\d+\}", cmd), cmd
    healthcheck = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert f"http://localhost:{port_of(cmd)}/health" in healthcheck, healthcheck
    assert not SERVICES["web"].get("ports"), "web is reached through the proxy only"


def test_ws_serves_the_feed_through_config_servers():
    cmd = command("ws")
    assert cmd.startswith("python -m config.servers ws "), f"ws: {cmd!r}"
    # Compose fills in the number: the command runs without a shell.
    assert "$$" not in cmd and re.search(r"--workers \$\{WS_CONCURRENCY:-\d+\}", cmd), cmd
    healthcheck = " ".join(SERVICES["ws"]["healthcheck"]["test"])
    assert f"http://localhost:{port_of(cmd)}/health" in healthcheck, healthcheck
    assert not SERVICES["ws"].get("ports"), "ws is reached through the proxy only"


def test_the_proxy_runs_the_repositorys_caddyfile_against_web_and_ws():
    proxy = SERVICES["proxy"]
    caddyfile = (ROOT / "config" / "Caddyfile").read_text()
    env = environment("proxy")

    assert proxy["image"].startswith("caddy:")
    assert "./config/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert set(re.findall(r"\{\$([A-Z_]+)\}", caddyfile)) == env.keys()
    assert env["HTTP_UPSTREAM"] == f"web:{port_of(command('web'))}"
    assert env["WS_UPSTREAM"] == f"ws:{port_of(command('ws'))}"
    assert {"80:80", "443:443"} <= {str(port) for port in proxy["ports"]}
    assert {name for name, spec in SERVICES.items() if spec.get("ports")} <= {"proxy", "mailpit"}
    assert [dependency for dependency in proxy["depends_on"]] == ["web", "ws"]


def test_the_app_trusts_the_edge_network_where_the_proxy_is_the_one_sender():
    edge = COMPOSE["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    members = {name for name, spec in SERVICES.items() if "edge" in (spec.get("networks") or [])}

    ipaddress.ip_network(with_defaults(edge))  # a network, whatever the env file says
    assert members == {"proxy", "web", "ws"}
    assert SERVICES["proxy"]["networks"] == ["edge"]
    for service, spec in SERVICES.items():  # no fixed address anywhere
        networks = spec.get("networks") or []
        assert isinstance(networks, list), f"{service}: networks {networks!r}"
        assert "ipv4_address" not in str(spec) and "ipv6_address" not in str(spec), service
    # The app believes the proxy, and the terminators the proxy itself believes.
    assert environment("proxy")["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}"
    for service in IMAGE_SERVICES:
        trusted = environment(service)["TRUSTED_PROXIES"].split()
        assert trusted == [edge, "${TRUSTED_PROXIES:-}"], service


def test_web_keeps_its_metrics_files_in_a_directory_of_its_own():
    directory = environment("web").get("PROMETHEUS_MULTIPROC_DIR", "")
    assert directory.startswith("/"), f"web: PROMETHEUS_MULTIPROC_DIR={directory!r}"
    for service in ["ws", "worker", "beat", "relay"]:  # they serve no /metrics
        assert "PROMETHEUS_MULTIPROC_DIR" not in environment(service), service


def test_the_servers_empty_the_metrics_directory_before_their_workers_start(tmp_path, monkeypatch):
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "notes.txt").write_text("kept")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    servers.metrics_files_clear()

    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_the_relay_follows_the_outbox():
    assert command("relay") == "python manage.py events_relay --follow"


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_run_the_config_app(service):
    cmd = command(service)
    assert re.search(rf"celery -A config (--quiet )?{service}\b", cmd), f"{service}: {cmd!r}"


def published_addresses(service: dict) -> list[str]:
    """The host address each published port listens on ("" for every interface), from the
    short (`[address:]host:container`) and the long (`host_ip:`) syntax."""
    addresses = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            addresses.append(str(port.get("host_ip", "")))
            continue
        parts = str(port).rsplit(":", 2)
        addresses.append(parts[0].strip("[]") if len(parts) == 3 else "")
    return addresses


def test_no_mail_catcher_port_listens_on_a_non_loopback_address():
    catchers = {name: spec for name, spec in SERVICES.items() if "mailpit" in spec.get("image", "")}
    exposed = {
        name: address
        for name, spec in catchers.items()
        for address in published_addresses(spec)
        if not address or not ipaddress.ip_address(address).is_loopback
    }

    assert catchers, "the catcher to try the system out is gone"
    assert exposed == {}
    # A plain `docker compose up` (production) does not start it, and nothing waits for it.
    assert all(spec.get("profiles") for spec in catchers.values())
    assert not [name for name in APP_SERVICES if set(catchers) & set(SERVICES[name]["depends_on"])]


@pytest.mark.parametrize(
    ("ports", "addresses"),
    [
        (["8025:8025"], [""]),
        (["0.0.0.0:8025:8025"], ["0.0.0.0"]),
        (["127.0.0.1:8025:8025"], ["127.0.0.1"]),
        (["[::1]:8025:8025", "8025"], ["::1", ""]),
        ([{"target": 8025, "published": 8025, "host_ip": "127.0.0.1"}], ["127.0.0.1"]),
    ],
)
def test_published_addresses_reads_every_port_syntax(ports, addresses):
    assert published_addresses({"ports": ports}) == addresses


def test_the_proxy_gets_the_trusted_proxies_as_caddy_reads_them(tmp_path):
    env = servers.proxy_environment(
        "http://:80", "web:8000", "ws:8001", tmp_path, " 10.0.0.1,10.0.0.0/8  ::1 "
    )

    assert env["TRUSTED_PROXIES"] == "10.0.0.1 10.0.0.0/8 ::1"  # the Caddyfile's separator
    caddyfile = (ROOT / "config" / "Caddyfile").read_text()
    assert caddyfile.count("import client_address") == 2  # the feed and the HTTP upstream
    assert "trusted_proxies {$TRUSTED_PROXIES}" in caddyfile


def test_kafka_runs_the_official_image_in_kraft_mode_and_the_app_services_point_at_it():
    kafka = environment("kafka")

    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{kafka['KAFKA_NODE_ID']}@localhost:9093"
    # The one listener outside the container is TLS with SASL; the others are its loopback's.
    listeners = dict(
        listener.split("://") for listener in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")
    )
    protocols = dict(
        item.split(":") for item in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    outside = {
        name: address for name, address in listeners.items() if not address.startswith("localhost:")
    }
    assert outside == {"SASL_SSL": "kafka:9092"}
    assert protocols["SASL_SSL"] == "SASL_SSL"
    for listener in kafka["KAFKA_LISTENERS"].split(","):
        name, address = listener.split("://")
        assert name == "SASL_SSL" or address.startswith("localhost:"), listener
    assert kafka["KAFKA_SASL_ENABLED_MECHANISMS"] == "PLAIN"
    for service in APP_SERVICES:
        env = environment(service)
        assert env["EVENTS_KAFKA_BOOTSTRAP_SERVERS"] == outside["SASL_SSL"], service
        assert env["EVENTS_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL", service
        assert env["EVENTS_KAFKA_SASL_MECHANISM"] == "PLAIN", service
    # The topics exist before the relay publishes: made by the command, never on first use.
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert command("kafka_topics") == "python manage.py events_kafka_topics"
    relay_waits_for = SERVICES["relay"]["depends_on"]["kafka_topics"]["condition"]
    assert relay_waits_for == "service_completed_successfully"


@pytest.mark.process
def test_kafka_takes_its_certificate_and_users_from_secrets_and_only_its_clients_hold_them(
    secrets_dir,
):
    given = service_secrets("kafka")
    properties = dict(
        line.split("=", 1)
        for line in (secrets_dir / "kafka_server_properties").read_text().splitlines()
    )
    password = (secrets_dir / "kafka_app_password").read_text()

    assert given["kafka_server_properties"] == "/mnt/shared/config/server.properties"
    assert properties["ssl.keystore.location"] == given["kafka_keystore"]
    assert properties["ssl.keystore.type"] == "PEM"
    jaas = properties["listener.name.sasl_ssl.plain.sasl.jaas.config"]
    assert re.findall(r'user_(\S+)="([^"]*)"', jaas) == [("autosalon", password)]
    assert properties["super.users"] == "User:autosalon;User:ANONYMOUS"
    assert properties["authorizer.class.name"].endswith("StandardAuthorizer")
    for service in IMAGE_SERVICES:
        env = settings_env(secrets_dir, service)
        holds = {"kafka_app_password", "kafka_ca"} & set(service_secrets(service))
        if service in KAFKA_CLIENTS:
            assert holds == {"kafka_app_password", "kafka_ca"}, service
            assert env.str("EVENTS_KAFKA_SASL_USERNAME") == "autosalon", service
            assert env.str("EVENTS_KAFKA_SASL_PASSWORD") == password, service
            ca = env.str("EVENTS_KAFKA_SSL_CA_LOCATION")
            assert ca == service_secrets(service)["kafka_ca"], service
        else:
            assert holds == set(), f"{service} holds {holds}"
            assert "EVENTS_KAFKA_SASL_PASSWORD_FILE" not in environment(service), service


@pytest.mark.process
def test_the_brokers_certificate_checks_out_for_its_name_against_the_clients_authority(
    secrets_dir,
):
    """A TLS handshake between the broker's key store and a client that trusts kafka_ca
    alone and expects the name `kafka`, as librdkafka does (ssl.endpoint.identification)."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(secrets_dir / "kafka_keystore")
    client_context = ssl.create_default_context(cafile=secrets_dir / "kafka_ca")

    def handshake(name: str) -> None:
        server_side, client_side = socket.socketpair()
        unexpected: list[BaseException] = []

        def serve() -> None:
            try:
                server_context.wrap_socket(server_side, server_side=True).close()
            except (ssl.SSLError, OSError):
                pass  # the client refused the certificate: its side says why
            except BaseException as exc:  # noqa: BLE001 - raised again below
                unexpected.append(exc)

        server = threading.Thread(target=serve)
        server.start()
        try:
            client_context.wrap_socket(client_side, server_hostname=name).close()
        finally:
            client_side.close()
            server.join(10)
            server_side.close()
        assert not server.is_alive() and unexpected == [], unexpected

    handshake("kafka")
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        handshake("kafka.example.com")
