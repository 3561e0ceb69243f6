"""The registry of domain apps (common/registry.py, docs/adding-an-app.md): what follows from an
app's AppConfig follows for a new one without editing a list, the checks catch a wrong
declaration, and every file that must name each app does."""

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks

from common.checks import domain_apps_declared
from common.registry import ApiResource, declaration, domain_apps

ROOT = Path(__file__).resolve().parents[2]

# Files that name every app: each app's DATABASE_URL_<APP>, or its database autosalon_<app>.
NAMING_VARIABLES = [
    "docker-compose.yml",
    ".env.example",
    "deploy/k8s/overlays/production/external-secrets.yaml",
    "deploy/k8s/overlays/staging/databases.env.example",
]
NAMING_DATABASES = [
    "deploy/compose/pgbouncer.ini",
    "deploy/k8s/overlays/production/databases.ini",
    "deploy/k8s/overlays/staging/databases.ini",
]


@pytest.mark.parametrize("name", NAMING_VARIABLES)
def test_a_file_that_configures_the_databases_names_every_apps_variable(name):
    text = (ROOT / name).read_text()
    missing = [v for v in settings.DATABASE_ENV_VARS.values() if v not in text]
    assert missing == []


def test_the_suites_own_services_make_every_apps_database():
    """scripts/run_tests.py makes the run's databases before Django loads: its list of apps
    is the registry's."""
    from scripts.run_tests import APPS

    assert sorted(APPS) == sorted(settings.DOMAIN_APPS)


@pytest.mark.parametrize("name", NAMING_DATABASES)
def test_a_pooler_map_names_every_apps_database(name):
    text = (ROOT / name).read_text()
    missing = [app for app in settings.DOMAIN_APPS if f"autosalon_{app} =" not in text]
    assert missing == []


def pyproject_app_lists() -> dict[str, list[str]]:
    """The lists in pyproject.toml that must name every app (docs/adding-an-app.md)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = {c["type"]: c for c in pyproject["tool"]["importlinter"]["contracts"]}
    common_forbidden = next(
        c
        for c in pyproject["tool"]["importlinter"]["contracts"]
        if c["type"] == "forbidden"
        and c["source_modules"] == ["common"]
        and "accounts" in c["forbidden_modules"]
    )
    layers = [name.strip() for layer in contracts["layers"]["layers"] for name in layer.split("|")]
    return {
        "import-linter's root_packages": pyproject["tool"]["importlinter"]["root_packages"],
        "the layers contract": layers,
        "common's forbidden apps": common_forbidden["forbidden_modules"],
        "ruff's known-first-party": pyproject["tool"]["ruff"]["lint"]["isort"]["known-first-party"],
        "pytest's testpaths": pyproject["tool"]["pytest"]["ini_options"]["testpaths"],
    }


@pytest.mark.parametrize("name", list(pyproject_app_lists()))
def test_each_list_of_apps_in_pyproject_names_every_app(name):
    listed = pyproject_app_lists()[name]
    assert [app for app in settings.DOMAIN_APPS if app not in listed] == []


def test_the_registry_holds_the_fourteen_apps_in_their_order():
    assert [config.label for config in domain_apps()] == settings.DOMAIN_APPS
    assert len(settings.DOMAIN_APPS) == 14
    assert declaration("accounts").alias() == "default"
    assert settings.DATABASE_ENV_VARS["default"] == "DATABASE_URL_ACCOUNTS"


def test_the_checks_pass_and_catch_a_resource_no_url_serves(monkeypatch):
    assert domain_apps_declared() == []
    catalog = next(config for config in domain_apps() if config.label == "catalog")
    monkeypatch.setattr(
        catalog, "api_resources", (ApiResource("nowhere", "catalog/nowhere/", "Nothing"),)
    )
    assert [error.id for error in domain_apps_declared()] == ["autosalon.E003"]


def test_the_checks_catch_a_database_no_setting_configures(monkeypatch):
    crm = next(config for config in domain_apps() if config.label == "crm")
    monkeypatch.setattr(type(crm), "database", "nowhere")
    found = domain_apps_declared()
    assert [(error.id, error.level) for error in found] == [("autosalon.E002", checks.ERROR)]
    assert "crm declares the database 'nowhere'" in found[0].msg


TENTH_APP = {
    "tenth/__init__.py": "",
    "tenth/apps.py": """
        from common.registry import ApiResource, DomainAppConfig, PeriodicJob

        class TenthConfig(DomainAppConfig):
            name = "tenth"
            verbose_name = "Tenth"
            admin_section = "showroom"
            managers_may_use = True
            periodic_jobs = (PeriodicJob("tenth-tidy", "tenth.tasks.tidy_task", 30),)
        """,
    "tenth/models.py": """
        from django.db import models

        class Widget(models.Model):
            name = models.CharField(max_length=20)
        """,
    "tenth/admin.py": """
        from django.contrib import admin

        from tenth.models import Widget

        admin.site.register(Widget)
        """,
    # The temporary settings: the test settings, with one more app in the registry's list.
    "tenth_settings.py": """
        from config.settings.base import domain_settings
        from config.settings.test import *  # noqa: F403

        DOMAIN_APPS = [*DOMAIN_APPS, "tenth"]  # noqa: F405
        globals().update(domain_settings(DOMAIN_APPS))
        """,
    "probe.py": """
        import json

        import django

        django.setup()

        from django.conf import settings
        from django.contrib import admin
        from django.db import router
        from django.test import RequestFactory

        from accounts.models import User
        from common.registry import manager_app_labels
        from tenth.models import Widget

        request = RequestFactory().get("/admin/")
        request.user = User(is_active=True, is_staff=True, is_superuser=True)
        sections = {
            model["object_name"]: section["name"]
            for section in admin.site.get_app_list(request)
            for model in section["models"]
        }
        print(json.dumps({
            "variable": settings.DATABASE_ENV_VARS.get("tenth"),
            "database": settings.DATABASES["tenth"]["NAME"],
            "reads": router.db_for_read(Widget),
            "writes": router.db_for_write(Widget),
            "migrates_here": router.allow_migrate("tenth", "tenth"),
            "migrates_elsewhere": router.allow_migrate("default", "tenth"),
            "section": str(sections["Widget"]),
            "managers": "tenth" in manager_app_labels(),
            "beat": settings.CELERY_BEAT_SCHEDULE.get("tenth-tidy"),
        }))
        """,
}


@pytest.mark.process
def test_a_tenth_app_added_through_the_registry_alone_gets_all_that_follows(tmp_path):
    for name, text in TENTH_APP.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    done = subprocess.run(
        [sys.executable, str(tmp_path / "probe.py")],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{tmp_path}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "tenth_settings",
            "AUTOSALON_ENV_FILE": "/dev/null",
            "AUTOSALON_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])

    assert found == {
        "variable": "DATABASE_URL_TENTH",
        "database": "autosalon_tenth",
        "reads": "tenth",
        "writes": "tenth",
        "migrates_here": True,
        "migrates_elsewhere": False,
        "section": "Showroom",
        "managers": True,
        "beat": {"task": "tenth.tasks.tidy_task", "schedule": 30.0},
    }
