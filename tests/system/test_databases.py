"""One database per domain (docs/architecture.md §3.1), proven on the real PostgreSQL databases."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, router

from accounts.models import ActivityLog, User
from common.db.databases import DomainRouter
from common.registry import domain_apps

ALL = pytest.mark.django_db(databases="__all__")


def expected_tables(alias: str) -> set[str]:
    """Every table Django would create for models routed to `alias`, plus its own bookkeeping."""
    tables = {"django_migrations"}
    for model in apps.get_models(include_auto_created=True):
        if router.allow_migrate_model(alias, model):
            tables.add(model._meta.db_table)
    return tables


@ALL
def test_after_migrate_all_each_database_holds_exactly_its_own_tables():
    call_command("migrate_all", verbosity=0)

    seen_databases = set()
    for alias in settings.DATABASES:
        connection = connections[alias]
        assert connection.vendor == "postgresql"
        seen_databases.add(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            actual = set(connection.introspection.table_names(cursor))
        assert actual == expected_tables(alias), alias

    # One of each domain app's (the default is accounts').
    assert len(seen_databases) == len(settings.DATABASES) == len(domain_apps())
    default_tables = expected_tables("default")
    assert {"accounts_user", "auth_permission", "django_session"} <= default_tables
    assert "token_blacklist_outstandingtoken" in default_tables
    for alias in set(settings.APP_DATABASES.values()) - {"default"}:
        assert not default_tables & expected_tables(alias) - {"django_migrations"}


@pytest.mark.parametrize(
    ("app_label", "alias"),
    [
        ("accounts", "default"),
        ("auth", "default"),
        ("token_blacklist", "default"),
        ("catalog", "catalog"),
        ("orders", "orders"),
        ("payments", "payments"),
        ("financing", "financing"),
        ("insurance", "insurance"),
        ("showroom", "showroom"),
        ("crm", "crm"),
        ("integrations", "integrations"),
        ("documents", "documents"),
        ("notifications", "notifications"),
        ("tradein", "tradein"),
    ],
)
def test_migrations_run_only_on_the_owning_alias(app_label, alias):
    allowed = [db for db in settings.DATABASES if DomainRouter().allow_migrate(db, app_label)]

    assert allowed == [alias]


class _ModelIn:
    """Stands for an instance of a model of `app_label`: the router reads only its meta."""

    def __init__(self, app_label):
        self._meta = type("Meta", (), {"app_label": app_label})


def test_relations_across_databases_are_refused():
    router_ = DomainRouter()

    assert router_.allow_relation(_ModelIn("accounts"), _ModelIn("auth"))
    assert router_.allow_relation(_ModelIn("orders"), _ModelIn("orders"))
    assert not router_.allow_relation(_ModelIn("orders"), _ModelIn("accounts"))
    assert not router_.allow_relation(_ModelIn("payments"), _ModelIn("orders"))


def test_reads_and_writes_of_accounts_models_go_to_default():
    assert router.db_for_read(User) == router.db_for_write(ActivityLog) == "default"


def test_every_alias_has_its_own_environment_variable():
    assert set(settings.DATABASE_ENV_VARS) == set(settings.DATABASES)
    assert set(settings.APP_DATABASES.values()) | {"default"} == set(settings.DATABASES)
