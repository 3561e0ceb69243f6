"""The project's rooms stay where docs/architecture.md's map puts them: `config/` holds the
settings and the wiring only, and no module outside the migrations and the tests grows past
what a reader takes in at once (docs/conventions.md, "Modules")."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 450
# What a project's `config/` is for: settings, the URL and ASGI/WSGI wiring, the Celery app
# and beat's scheduler, the servers' command lines, the import contracts' own checks.
CONFIG_MODULES = {
    "__init__.py",
    "asgi.py",
    "beat.py",
    "celery.py",
    "import_contracts.py",
    "process_kind.py",
    "servers.py",
    "urls.py",
    "websocket_urls.py",
    "wsgi.py",
}
NOT_SOURCE = {".git", ".venv", "node_modules", "var", "test-artifacts", "migrations", "tests"}


def test_config_holds_settings_and_wiring_only():
    modules = {
        str(path.relative_to(ROOT / "config"))
        for path in (ROOT / "config").rglob("*.py")
        if "settings" not in path.relative_to(ROOT / "config").parts
    }
    assert modules == CONFIG_MODULES
    assert not list((ROOT / "config").rglob("*.html")), "a template belongs to an app"


def _source_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not NOT_SOURCE & set(path.relative_to(ROOT).parts[:-1]) and path.name != "conftest.py"
    ]


def test_no_module_outside_the_migrations_and_the_tests_is_longer_than_450_lines():
    lengths = sorted(
        (
            (len(path.read_text().splitlines()), str(path.relative_to(ROOT)))
            for path in _source_modules()
        ),
        reverse=True,
    )
    print("The longest modules:", *(f"{lines:5} {name}" for lines, name in lengths[:10]), sep="\n")
    assert len(lengths) > 400
    assert [(name, lines) for lines, name in lengths if lines > MAX_LINES] == []


def test_each_folder_says_in_its_first_module_what_it_is():
    """A reader's first stop in a package is its `__init__.py`: its docstring says what the
    folder holds."""
    packages = [init for init in _source_modules() if init.name == "__init__.py"]
    silent = [
        str(init.parent.relative_to(ROOT))
        for init in packages
        if not init.read_text().startswith('"""')
    ]
    assert len(packages) > 60
    assert silent == []
