"""The Kubernetes manifests (deploy/k8s/, docs/operations.md "Kubernetes"): each overlay
renders with `kubectl kustomize`, every object validates against the Kubernetes schema
offline, checkov finds no failed check but those deploy/k8s/.checkov.yaml lists with a
reason, production settings load with each overlay's environment, and the shape the
deployment relies on holds (probes, grace periods, beat, the migration Job, autoscalers).

No cluster: everything here reads the rendered manifests."""

import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

pytestmark = pytest.mark.process  # kubectl renders the manifests, once for the module

ROOT = Path(settings.BASE_DIR)
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("staging", "production")
# The oldest Kubernetes the manifests support; kubernetes-validate ships its schema.
KUBERNETES_VERSION = "1.30.0"
# Built by `make test` from requirements-tools.txt (its dependencies conflict with ours).
CHECKOV = Path(os.environ.get("CHECKOV", ROOT / ".venv" / "tools" / "bin" / "checkov"))
# Custom resources, which kubernetes-validate has no schema for: checked by hand below.
CUSTOM_GROUPS = {"external-secrets.io"}
APP_KINDS = ("web", "ws", "worker", "relay", "beat")
# Variables whose values are secrets: never in a ConfigMap.
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEYS?)$|^DATABASE_(DIRECT_)?URL_")
SECRET_VARIABLES = {
    "DJANGO_SECRET_KEY",
    "METRICS_TOKEN",
    "WEBHOOKS_SECRETS_KEY",
    "EVENTS_SIGNING_KEYS",
    "EMAIL_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EVENTS_AMQP_URL",
    "EVENTS_KAFKA_SASL_PASSWORD",
    "YOOKASSA_SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "JWT_PRIVATE_KEY",
}
URL_WITH_PASSWORD = re.compile(r"://[^/@\s]*:[^/@\s]+@")


def kubectl() -> str:
    program = shutil.which("kubectl")
    if program is None:
        pytest.fail(
            "kubectl is missing (it renders deploy/k8s with `kubectl kustomize`): install it "
            "from https://kubernetes.io/docs/tasks/tools/ (the pkgs.k8s.io apt repository, "
            "package kubectl) and run the tests again."
        )
    return program


def staging_secret_files(overlay: Path) -> None:
    """The staging overlay's secret files are not committed: the tests make them from the
    committed *.example files, and a throw-away token signing key."""
    for example in overlay.glob("*.example"):
        shutil.copy(example, overlay / example.stem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (overlay / "jwt-1.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Each overlay rendered to a file, from a copy of deploy/k8s."""
    program = kubectl()
    work = tmp_path_factory.mktemp("k8s")
    shutil.copytree(K8S, work / "k8s")
    staging_secret_files(work / "k8s" / "overlays" / "staging")
    files = {}
    for overlay in OVERLAYS:
        result = subprocess.run(
            [program, "kustomize", str(work / "k8s" / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
        files[overlay] = work / f"{overlay}.yaml"
        files[overlay].write_text(result.stdout)
    return files


@pytest.fixture(scope="module")
def objects(rendered) -> dict[str, list[dict]]:
    return {
        overlay: [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        for overlay, path in rendered.items()
    }


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def deployment(docs: list[dict], kind: str) -> dict:
    name = f"autosalon-{kind}"
    found = of_kind(docs, "Deployment")
    assert name in found, f"no Deployment {name}"
    return found[name]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def main_container(workload: dict) -> dict:
    return pod_spec(workload)["containers"][0]


def config_data(docs: list[dict]) -> dict[str, str]:
    configs = [doc for doc in docs if doc["kind"] == "ConfigMap"]
    matching = [c for c in configs if c["metadata"]["name"].startswith("autosalon-config")]
    assert len(matching) == 1, f"expected one autosalon-config ConfigMap, got {matching}"
    return matching[0]["data"]


def secret_values(docs: list[dict], name: str, staging_docs: list[dict]) -> dict[str, str]:
    """The variables the Secret `name` holds. Staging generates it (with the example
    files' placeholders); production's comes from an ExternalSecret, whose keys are named
    but whose values are the secret manager's, so staging's placeholder stands in for each."""
    generated = re.compile(rf"{re.escape(name)}(-[a-z0-9]{{10}})?")  # kustomize's hash
    for doc in docs:
        if doc["kind"] == "Secret" and generated.fullmatch(doc["metadata"]["name"]):
            return {k: base64.b64decode(v).decode() for k, v in doc.get("data", {}).items()}
    external = of_kind(docs, "ExternalSecret").get(name)
    assert external, f"Secret {name} is referenced but neither generated nor an ExternalSecret"
    placeholders = secret_values(staging_docs, name, staging_docs)
    keys = [item["secretKey"] for item in external["spec"]["data"]]
    missing = set(keys) - placeholders.keys()
    assert not missing, f"{name}: staging has no placeholder for {sorted(missing)}"
    return {key: placeholders[key] for key in keys}


def mount_secrets(
    workload: dict, container: dict, docs: list[dict], staging_docs: list[dict], root: Path
) -> dict[str, str]:
    """The container's Secret volumes written under `root`: {mount path: local directory}."""
    volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
    mounts = {}
    for mount in container.get("volumeMounts", []):
        secret = volumes[mount["name"]].get("secret")
        if secret:
            directory = root / mount["mountPath"].strip("/")
            directory.mkdir(parents=True, exist_ok=True)
            for key, value in secret_values(docs, secret["secretName"], staging_docs).items():
                (directory / key).write_text(value)
            mounts[mount["mountPath"]] = str(directory)
    return mounts


def container_environment(container: dict, docs: list[dict], staging_docs: list[dict]) -> dict:
    env = {}
    configs = {c["metadata"]["name"]: c.get("data", {}) for c in docs if c["kind"] == "ConfigMap"}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            name = source["configMapRef"]["name"]
            assert name in configs, f"{container['name']}: no ConfigMap {name}"
            env.update(configs[name])
        else:
            env.update(secret_values(docs, source["secretRef"]["name"], staging_docs))
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", "")
    return env


def app_workloads(docs: list[dict]) -> list[dict]:
    return [
        doc
        for doc in docs
        if doc["kind"] in ("Deployment", "Job")
        and doc["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/name")
        == "autosalon"
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_the_kubernetes_schema(objects, overlay):
    validated = 0
    for doc in objects[overlay]:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["apiVersion"].split("/")[0] in CUSTOM_GROUPS:
            continue  # test_external_secrets_name_a_store_and_their_keys
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{overlay}: {name} is invalid: {error.message} at {list(error.path)}")
        except kubernetes_validate.SchemaNotFoundError:
            pytest.fail(f"{overlay}: {name}: {doc['apiVersion']} is not in Kubernetes 1.30")
        validated += 1
    assert validated >= 30, f"{overlay}: only {validated} objects rendered"


def test_external_secrets_name_a_store_and_their_keys(objects):
    """kubernetes-validate has no schema for the External Secrets Operator's custom resource:
    the fields it needs are checked here, and the production overlay renders no Secret of
    its own (nothing secret is in the repository)."""
    docs = objects["production"]
    assert not of_kind(docs, "Secret"), "production renders Secrets: they belong to the store"
    externals = of_kind(docs, "ExternalSecret")
    assert set(externals) == {
        "autosalon-secrets",
        "autosalon-events",
        "autosalon-databases",
        "autosalon-jwt",
        "pgbouncer-users",
    }
    for name, external in externals.items():
        assert external["apiVersion"] == "external-secrets.io/v1", name
        spec = external["spec"]
        assert spec["secretStoreRef"]["kind"] in ("SecretStore", "ClusterSecretStore"), name
        assert spec["secretStoreRef"]["name"], name
        assert spec["target"]["name"] == name
        assert spec["data"], name
        for item in spec["data"]:
            assert item["secretKey"] and item["remoteRef"]["key"], f"{name}: {item}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_production_settings_load_with_every_app_containers_environment(objects, overlay, tmp_path):
    """Every variable production settings require (config/settings/production.py refuses to
    start without them) reaches every app container, from the overlay's ConfigMap and
    Secrets: the settings are loaded with exactly that environment."""
    docs = objects[overlay]
    environments = {}
    for workload in app_workloads(docs):
        spec = pod_spec(workload)
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            key = f"{workload['metadata']['name']}/{container['name']}"
            env = container_environment(container, docs, objects["staging"])
            # A path in a mounted Secret (JWT_PRIVATE_KEY_FILE) points at the files here.
            mounts = mount_secrets(workload, container, docs, objects["staging"], tmp_path / key)
            for variable, value in env.items():
                for mount_path, directory in mounts.items():
                    if value.startswith(mount_path + "/"):
                        env[variable] = directory + value[len(mount_path) :]
            environments[key] = env
    assert len(environments) >= 11, sorted(environments)
    # The keys that sign events for the workers, the partners' events' broker and the Kafka
    # password: only the relay and the workers hold them, not their init containers
    # (docs/events.md).
    publishing = {"EVENTS_SIGNING_KEYS", "EVENTS_AMQP_URL", "EVENTS_KAFKA_SASL_PASSWORD"}
    holders = {name: publishing & set(env) for name, env in environments.items()}
    assert {name: held for name, held in holders.items() if held} == {
        "autosalon-relay/relay": publishing,
        "autosalon-worker/worker": publishing,
    }, overlay
    # Kafka over TLS, as a user, everywhere.
    for name, env in environments.items():
        assert env["EVENTS_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL", f"{overlay} {name}"
    for name, env in environments.items():
        assert env.get("DJANGO_SETTINGS_MODULE") == "config.settings.production", name
        for variable in settings.DATABASE_ENV_VARS.values():
            direct = variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")
            assert variable in env and direct in env, f"{overlay} {name}: {variable}/{direct}"
            assert ":6432/" in env[variable], f"{name}: {variable} is not through PgBouncer"
        result = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
            cwd=ROOT,
            env={
                "PATH": os.environ["PATH"],
                "AUTOSALON_ENV_FILE": "/dev/null",
                "AUTOSALON_VAR_DIR": str(tmp_path),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (
            f"{overlay}: production settings refuse {name}'s environment:\n"
            f"{result.stderr.strip().splitlines()[-1]}"
        )


def test_checkov_finds_no_failed_check(rendered):
    if not CHECKOV.exists():
        pytest.fail(
            f"checkov is missing at {CHECKOV}: `make test` installs it into .venv/tools "
            "(requirements-tools.txt), or set CHECKOV to its path."
        )
    config = K8S / ".checkov.yaml"
    skipped = yaml.safe_load(config.read_text())["skip-check"]
    text = config.read_text()
    for check in skipped:
        comment = text[: text.index(f"- {check}")].rstrip().splitlines()[-1].strip()
        assert comment.startswith("#"), f".checkov.yaml skips {check} without a reason"
    files = [arg for path in rendered.values() for arg in ("-f", str(path))]
    result = subprocess.run(
        [str(CHECKOV), "--config-file", str(config), *files, "--output", "json"],
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        f"{check['check_id']} {check['check_name']}: {check['resource']}"
        for report in reports
        for check in report["results"]["failed_checks"]
    ]
    assert not failed, "checkov:\n" + "\n".join(failed)
    assert sum(report["summary"]["passed"] for report in reports) > 500
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_process_kind_runs_its_command_line(objects, overlay):
    docs = objects[overlay]
    commands = {kind: main_container(deployment(docs, kind))["command"] for kind in APP_KINDS}
    assert commands["web"][:4] == ["python", "-m", "config.servers", "http"]
    assert {"--host", "0.0.0.0", "--port", "8000", "--workers"} <= set(commands["web"])
    assert commands["ws"][:4] == ["python", "-m", "config.servers", "ws"]
    assert commands["relay"] == ["python", "manage.py", "events_relay", "--follow"]
    worker = shlex.join(commands["worker"])
    assert worker.startswith("celery -A config --quiet worker"), worker
    assert re.search(r" --concurrency=[1-9]", worker), "the worker's concurrency is implicit"
    assert shlex.join(commands["beat"]).startswith("celery -A config --quiet beat")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_and_feed_probe_with_an_allowed_host_and_roll_without_dropping(objects, overlay):
    docs = objects[overlay]
    allowed = config_data(docs)["DJANGO_ALLOWED_HOSTS"].replace(",", " ").split()
    ingress_hosts = {
        rule["host"]
        for ingress in of_kind(docs, "Ingress").values()
        for rule in ingress["spec"]["rules"]
    }
    assert ingress_hosts and ingress_hosts <= set(allowed), (ingress_hosts, allowed)
    for kind in ("web", "ws"):
        workload = deployment(docs, kind)
        container = main_container(workload)
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/health/ready")):
            get = container[probe]["httpGet"]
            assert get["path"] == path, f"{kind} {probe}"
            hosts = [h["value"] for h in get.get("httpHeaders", []) if h["name"] == "Host"]
            assert hosts and hosts[0] in allowed, f"{overlay} {kind} {probe}: Host {hosts}"
        assert workload["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, kind
        assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep", kind
    paths = {
        path["path"]: path["backend"]["service"]["name"]
        for ingress in of_kind(docs, "Ingress").values()
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert paths == {"/": "autosalon-web", "/ws/": "autosalon-ws"}
    feed = of_kind(docs, "Ingress")["autosalon-feed"]["metadata"]["annotations"]
    assert int(feed["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_relay_and_beat_probe_their_heartbeat(objects, overlay):
    for kind in ("worker", "relay", "beat"):
        probe = main_container(deployment(objects[overlay], kind))["livenessProbe"]
        assert probe["exec"]["command"] == ["python", "manage.py", "probe", kind]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_workers_grace_period_covers_the_longest_task(objects, overlay):
    docs = objects[overlay]
    limit = int(config_data(docs).get("CELERY_TASK_TIME_LIMIT", settings.CELERY_TASK_TIME_LIMIT))
    assert limit >= 120
    grace = pod_spec(deployment(docs, "worker"))["terminationGracePeriodSeconds"]
    assert grace >= limit + 15, f"worker: {grace} s to stop, tasks run up to {limit} s"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_beat_is_single_and_replaced_not_rolled(objects, overlay):
    docs = objects[overlay]
    beat = deployment(docs, "beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    autoscaled = {
        hpa["spec"]["scaleTargetRef"]["name"]
        for hpa in of_kind(docs, "HorizontalPodAutoscaler").values()
    }
    assert "autosalon-beat" not in autoscaled
    running_beat = [
        name
        for name, doc in of_kind(docs, "Deployment").items()
        if " beat" in shlex.join(main_container(doc).get("command", []))
    ]
    assert running_beat == ["autosalon-beat"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_release_migrates_in_its_own_job_that_the_apps_wait_for(objects, overlay):
    docs = objects[overlay]
    tag = main_container(deployment(docs, "web"))["image"].rsplit(":", 1)[1]
    jobs = of_kind(docs, "Job")
    assert list(jobs) == [f"autosalon-migrate-{tag}"], list(jobs)
    job = next(iter(jobs.values()))
    assert main_container(job)["command"] == ["python", "manage.py", "migrate_all"]
    assert main_container(job)["image"] == main_container(deployment(docs, "web"))["image"]
    for kind in APP_KINDS:
        init = pod_spec(deployment(docs, kind))["initContainers"]
        assert [c["name"] for c in init] == ["wait-for-migrations"], kind
        assert "check_unapplied=True" in init[0]["command"][-1], kind


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscalers_and_disruption_budgets_target_existing_deployments(objects, overlay):
    docs = objects[overlay]
    deployments = of_kind(docs, "Deployment")
    hpas = of_kind(docs, "HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas.values()}
    assert targets == {"autosalon-web", "autosalon-worker"}
    for name in targets:
        assert name in deployments
        assert "replicas" not in deployments[name]["spec"], f"{name}: the HPA owns replicas"
    for hpa in hpas.values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    covered = set()
    for name, pdb in of_kind(docs, "PodDisruptionBudget").items():
        selector = pdb["spec"]["selector"]["matchLabels"]
        matching = [
            d
            for d, doc in deployments.items()
            if selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matching) == 1, f"PodDisruptionBudget {name} selects {matching}"
        covered.update(matching)
    assert {"autosalon-web", "autosalon-ws", "autosalon-worker", "pgbouncer"} <= covered


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_in_a_config_map(objects, overlay):
    for config in of_kind(objects[overlay], "ConfigMap").values():
        for key, value in config.get("data", {}).items():
            where = f"{overlay}: ConfigMap {config['metadata']['name']} {key}"
            assert key not in SECRET_VARIABLES and not SECRET_NAME.search(key), where
            assert not URL_WITH_PASSWORD.search(value), f"{where} holds a password"
            assert "PRIVATE KEY" not in value, where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_unprivileged_on_a_read_only_root(objects, overlay):
    for doc in objects[overlay]:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        spec = pod_spec(doc)
        name = doc["metadata"]["name"]
        assert spec["automountServiceAccountToken"] is False, name
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            context = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert context["runAsUser"] == 10001, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert {"requests", "limits"} <= container["resources"].keys(), where
            mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
            assert "/tmp" in mounts, f"{where}: nothing writable at /tmp"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_deny_by_default_and_admit_only_the_ingress_controller(objects, overlay):
    policies = of_kind(objects[overlay], "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    admitted = {
        name: policy
        for name, policy in policies.items()
        if "Ingress" in policy["spec"]["policyTypes"] and policy["spec"].get("ingress")
    }
    assert set(admitted) == {"ingress-controller-to-web-and-feed", "apps-to-pgbouncer"}
    for name, policy in policies.items():
        for rule in policy["spec"].get("egress", []):
            for peer in rule["to"]:
                cidr = peer.get("ipBlock", {}).get("cidr")
                assert cidr != "192.0.2.0/24", f"{overlay}: {name} keeps the base's placeholder"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pgbouncer_runs_the_image_compose_runs(objects, overlay):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    pgbouncer = of_kind(objects[overlay], "Deployment")["pgbouncer"]
    assert main_container(pgbouncer)["image"] == compose["services"]["pgbouncer"]["image"]
