"""The environment reader of every settings module, config's and each app's `settings.py`, and the
readings they share (docs/conventions.md, "Settings"); config/settings/base.py reads the file."""

from pathlib import Path
from typing import Any

import environ

# The project's root: this file is <root>/common/environment.py.
BASE_DIR = Path(__file__).resolve().parent.parent


class _SecretFiles(environ.FileAwareMapping):  # type: ignore[misc]
    """Any variable may instead be read from a file named by <VARIABLE>_FILE (a Docker or
    Kubernetes secret), so that no secret shows in the process's environment; the file's
    final newline is not part of the value. JWT_PRIVATE_KEY_FILE is a setting of its own
    (the signing key's path, read when a token is signed: common/jwtkeys.py)."""

    OWN_FILE_SETTINGS = frozenset({"JWT_PRIVATE_KEY"})

    def __getitem__(self, key: str) -> Any:
        if key in self.OWN_FILE_SETTINGS:
            return self.env[key]
        value = super().__getitem__(key)
        return value.removesuffix("\n") if self.env.get(f"{key}_FILE") else value


class _Env(environ.Env):  # type: ignore[misc]
    ENVIRON = _SecretFiles()


env = _Env()


def read_env_file(path: Path) -> None:
    """Reads the environment file, if there is one: values already in the environment win
    over the file."""
    if path.is_file():
        environ.Env.read_env(path, overwrite=False)


def var_dir() -> Path:
    """The directory of the process's files (AUTOSALON_VAR_DIR, by default var/), made if
    missing: settings.VAR_DIR, and where an app's settings put their files."""
    path = Path(env.str("AUTOSALON_VAR_DIR", default=str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def site_url() -> str:
    """This site's address, with no final slash: settings.SITE_URL, which the apps' absolute
    links default to (config/settings/general.py)."""
    return str(env.str("SITE_URL", default="http://127.0.0.1:8000")).rstrip("/")


def task_time_limit() -> int:
    """The longest any task runs before the worker kills it: settings.CELERY_TASK_TIME_LIMIT,
    which the apps' timeouts derived from task bounds add to (config/settings/celery.py)."""
    return int(env.int("CELERY_TASK_TIME_LIMIT", default=120))
