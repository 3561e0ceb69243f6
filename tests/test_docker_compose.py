"""docker-compose.yml agrees with the settings it feeds and with `.env.example`."""

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlparse

import environ
import pytest
import yaml
from django.conf import settings

from config import servers

ROOT = Path(settings.BASE_DIR)
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
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
]
APP_SERVICES = ["web", "ws", "worker", "beat", "relay"]
POSTGRES_FIELDS = [
    ("POSTGRES_DB", "NAME"),
    ("POSTGRES_USER", "USER"),
    ("POSTGRES_PASSWORD", "PASSWORD"),
]
ENV_EXAMPLE_NAME = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
SETTINGS_SOURCE = "".join(
    (ROOT / "config" / "settings" / module).read_text()
    for module in ("base.py", "local.py", "production.py")
)
# Read by prometheus_client, and by config/metrics.py, not by the settings.
METRICS_SOURCE = (ROOT / "config" / "metrics.py").read_text()


# `${NAME:?message}` and `${NAME}` interpolate the same value.
INTERPOLATION_CHECK = re.compile(r"\$\{([A-Z_]+):\?[^}]*\}")


def environment(name: str) -> dict[str, str]:
    env = SERVICES[name].get("environment") or {}
    if isinstance(env, list):  # the `- NAME=value` form
        env = dict(item.split("=", 1) for item in env)
    return {key: INTERPOLATION_CHECK.sub(r"${\1}", str(value)) for key, value in env.items()}


def command(name: str) -> str:
    cmd = SERVICES[name].get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_every_service_is_defined():
    missing = {*DB_SERVICES, "redis", *APP_SERVICES} - SERVICES.keys()
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_database_urls_point_at_their_own_postgres_service(service):
    env = environment(service)
    hosts = {}
    for alias in settings.DATABASES:
        variable = settings.DATABASE_ENV_VARS[alias]
        assert variable in env, f"{service}: {variable} (database '{alias}') is not set"
        url = environ.Env.db_url_config(env[variable])
        host = hosts[alias] = url["HOST"]
        assert host in SERVICES, f"{service}: {variable} points at unknown service {host!r}"
        image = SERVICES[host].get("image", "")
        assert image.startswith("postgres"), f"{variable}: {host} runs {image!r}, not postgres"
        assert url["PORT"] == 5432, f"{variable}: port {url['PORT']!r}, expected 5432"
        db_env = environment(host)
        for key, field in POSTGRES_FIELDS:
            assert url[field] == db_env.get(key), (
                f"{service}: {variable} has {field}={url[field]!r} but {host} has {key}="
                f"{db_env.get(key)!r}"
            )
    assert len(set(hosts.values())) == len(hosts), f"{service}: aliases share a server: {hosts}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_redis_url_points_at_the_redis_service(service):
    url = urlparse(environment(service).get("REDIS_URL", ""))
    assert (url.scheme, url.hostname, url.port) == ("redis", "redis", 6379), (
        f"{service}: REDIS_URL={url.geturl()!r}, expected redis://redis:6379/<db>"
    )
    assert SERVICES["redis"].get("image", "").startswith("redis"), "redis service image"


def env_example_names() -> set[str]:
    return set(ENV_EXAMPLE_NAME.findall((ROOT / ".env.example").read_text()))


def test_compose_variables_are_documented_in_env_example():
    used = {name for service in APP_SERVICES for name in environment(service)}
    undocumented = used - env_example_names()
    assert not undocumented, f"missing from .env.example: {sorted(undocumented)}"


def test_env_example_names_are_read_by_settings():
    # DJANGO_SETTINGS_MODULE is read by manage.py, config/asgi.py and Django itself.
    source = SETTINGS_SOURCE + METRICS_SOURCE + '"DJANGO_SETTINGS_MODULE"'
    unknown = {name for name in env_example_names() if f'"{name}"' not in source}
    assert not unknown, f".env.example documents names the settings never read: {sorted(unknown)}"


def test_every_variable_settings_read_is_in_env_example():
    read = set(
        re.findall(r'(?:env\.\w+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_SOURCE)
    )
    read |= set(settings.DATABASE_ENV_VARS.values())
    missing = read - env_example_names()
    assert not missing, f"base.py reads variables .env.example omits: {sorted(missing)}"


@pytest.mark.parametrize(
    ("service", "probe"), [(db, "pg_isready") for db in DB_SERVICES] + [("redis", "redis-cli")]
)
def test_backing_services_have_healthchecks(service, probe):
    test = SERVICES[service].get("healthcheck", {}).get("test", "")
    test = " ".join(test) if isinstance(test, list) else test
    assert probe in test, f"{service}: healthcheck {test!r} does not run {probe}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_healthy_backing_services(service):
    depends_on = SERVICES[service].get("depends_on") or {}
    assert isinstance(depends_on, dict), f"{service}: depends_on needs conditions, not a list"
    for dependency in [*DB_SERVICES, "redis"]:
        condition = (depends_on.get(dependency) or {}).get("condition")
        assert condition == "service_healthy", (
            f"{service}: depends_on {dependency} has condition {condition!r}"
        )


def port_of(command_line: str) -> str:
    return re.search(r"--port (\d+)", command_line).group(1)


def test_web_migrates_then_serves_http_through_config_servers():
    cmd = command("web")
    assert "migrate_all" in cmd and "python -m config.servers http" in cmd, f"web: {cmd!r}"
    assert cmd.index("migrate_all") < cmd.index("config.servers"), "web must migrate first"
    healthcheck = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert f"http://localhost:{port_of(cmd)}/health" in healthcheck, healthcheck
    assert not SERVICES["web"].get("ports"), "web is reached through the proxy only"


def test_ws_serves_the_feed_through_config_servers():
    cmd = command("ws")
    assert "python -m config.servers ws" in cmd, f"ws: {cmd!r}"
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


def test_the_app_trusts_the_proxys_fixed_address_and_the_terminators_the_proxy_trusts():
    address = SERVICES["proxy"]["networks"]["default"]["ipv4_address"]
    subnet = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["networks"]["default"]
    network = ipaddress.ip_network(subnet["ipam"]["config"][0]["subnet"])

    assert ipaddress.ip_address(address) in network
    # The app believes the proxy, and the terminators the proxy itself believes.
    assert environment("proxy")["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}"
    for service in APP_SERVICES:
        trusted = environment(service)["TRUSTED_PROXIES"].split()
        assert trusted == [address, "${TRUSTED_PROXIES:-}"], service


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


def test_redis_keeps_its_data_in_an_append_only_file_on_a_volume():
    redis = SERVICES["redis"]
    command = redis.get("command", [])
    assert command[:1] == ["redis-server"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


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
    assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{kafka['KAFKA_NODE_ID']}@kafka:9093"
    advertised = kafka["KAFKA_ADVERTISED_LISTENERS"].removeprefix("PLAINTEXT://")
    for service in APP_SERVICES:
        assert environment(service)["EVENTS_KAFKA_BOOTSTRAP_SERVERS"] == advertised, service
    # The topics exist before the relay publishes: made by the command, never on first use.
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert command("kafka_topics") == "python manage.py events_kafka_topics"
    relay_waits_for = SERVICES["relay"]["depends_on"]["kafka_topics"]["condition"]
    assert relay_waits_for == "service_completed_successfully"
