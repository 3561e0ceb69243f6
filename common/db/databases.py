"""Which database each app owns, and the router that sends every model there
(docs/architecture.md, "One database per domain"). It lives in `common` because the event
bus needs the map too, and `common` never imports `config`."""

from typing import Any

from django.conf import settings
from django.db.models import Model


def database_for_app(app_label: str) -> str:
    """The database alias `app_label`'s models live in: the one its DomainAppConfig declares
    (settings.APP_DATABASES, common/registry.py); `default`, the accounts database, for every
    app that is not a domain app (auth, contenttypes, admin, sessions, the token blacklist)."""
    return settings.APP_DATABASES.get(app_label, "default")


def direct_connection_params(alias: str) -> dict[str, Any]:
    """psycopg's connection arguments for `alias` straight to PostgreSQL, past any pooler:
    DATABASE_DIRECT_URL_<APP> when set, else the alias's own address. The relay's LISTEN and
    the migrations need a session of their own, which a pooler in transaction mode does not
    keep (docs/operations.md, "Connections")."""
    from django.db import connections

    params = connections[alias].get_connection_params()
    params.pop("cursor_factory", None)
    direct = settings.DATABASES_DIRECT.get(alias)
    if direct:
        params.update(
            {
                "dbname": direct["NAME"],
                "user": direct["USER"],
                "password": direct["PASSWORD"],
                "host": direct["HOST"],
                "port": direct["PORT"],
            }
        )
        params = {key: value for key, value in params.items() if value not in ("", None)}
    return params


class DomainRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return database_for_app(model._meta.app_label)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return database_for_app(model._meta.app_label)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return database_for_app(obj1._meta.app_label) == database_for_app(obj2._meta.app_label)

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db == database_for_app(app_label)
