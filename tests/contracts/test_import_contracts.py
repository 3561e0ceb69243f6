"""The independence contract (config/import_contracts.py) can fail: on a copy of the project,
an app that imports a room of another app other than its public ones breaks it, and so does a
new app that is not a root package; an import through the public rooms keeps it. That the
project itself keeps every contract is `make lint`'s to check."""

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Its tests share one copy of the project: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = pytest.mark.xdist_group("import_contracts")

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACT = "Independence: an app imports of another only"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[Path, bytes]]:
    """The project's Python packages and pyproject.toml, copied once for the module, and
    what each copied file holds."""
    copy = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", copy)
    for package in ROOT.glob("*/__init__.py"):
        shutil.copytree(
            package.parent,
            copy / package.parent.name,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "migrations"),
        )
    return copy, {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()}


@pytest.fixture
def project(pristine) -> Iterator[Path]:
    """The copy, for a test to plant imports in; put back as it was after the test."""
    copy, files = pristine
    yield copy
    for path in sorted(copy.rglob("*"), reverse=True):  # a folder after what it holds
        if path.is_file() and path not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for path, content in files.items():
        if path.read_bytes() != content:
            path.write_bytes(content)


def lint(project: Path) -> tuple[int, str]:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def contract_line(output: str) -> str:
    return next(line for line in output.splitlines() if CONTRACT in line)


@pytest.mark.process
def test_an_import_of_another_apps_validators_breaks_it(project):
    (project / "insurance" / "planted.py").write_text(
        "from catalog.validators import normalize_vin\n"
    )
    code, output = lint(project)
    assert code == 1
    assert "BROKEN" in contract_line(output)
    assert "insurance.planted -> catalog.validators (l.1)" in output


@pytest.mark.process
def test_an_import_of_another_apps_selectors_keeps_it(project):
    (project / "insurance" / "planted.py").write_text("from catalog import selectors\n")
    code, output = lint(project)
    assert code == 0, output


@pytest.mark.process
def test_a_tests_import_of_another_apps_test_helpers_other_than_factories_breaks_it(project):
    (project / "insurance" / "tests" / "test_planted.py").write_text(
        "from orders.tests import test_order_create\n"
    )
    code, output = lint(project)
    assert code == 1
    assert "insurance.tests.test_planted -> orders.tests.test_order_create" in output


@pytest.mark.process
def test_a_new_app_missing_from_the_root_packages_breaks_it(project):
    tenth = project / "tenth"
    tenth.mkdir()
    (tenth / "__init__.py").write_text("")
    (tenth / "apps.py").write_text("")
    code, output = lint(project)
    assert code == 1
    assert "tenth has an apps.py but is not in root_packages" in output


@pytest.mark.process
def test_a_new_root_package_is_covered_without_an_edit_to_the_contract(project):
    tenth = project / "tenth"
    tenth.mkdir()
    (tenth / "__init__.py").write_text("")
    (tenth / "apps.py").write_text("")
    (tenth / "models.py").write_text("")
    (project / "insurance" / "planted.py").write_text("import tenth.models\n")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    listed = next(line for line in text.splitlines() if line.startswith("root_packages = "))
    pyproject.write_text(text.replace(listed, listed.replace("]", ', "tenth"]')))
    code, output = lint(project)
    assert code == 1
    assert "insurance.planted -> tenth.models (l.1)" in output


HIDDEN_CONTRACT = "common imports no app and not config by a name in a string"


@pytest.mark.process
@pytest.mark.parametrize(
    "line",
    [
        'import_module("config.settings.base")',
        'importlib.import_module(f"demo.history")',
        'import_string("orders.services.order_create")',
    ],
)
def test_an_import_by_name_in_common_breaks_the_hidden_imports_contract(project, line):
    """What import-linter's graph cannot see: `common` reaching `config` or an app through a
    string, as the demo data's command once did."""
    (project / "common" / "planted.py").write_text(
        "import importlib\nfrom importlib import import_module\n"
        "from django.utils.module_loading import import_string\n\n\n"
        f"def load():\n    return {line}\n"
    )
    code, output = lint(project)
    assert code == 1
    assert "BROKEN" in next(line for line in output.splitlines() if HIDDEN_CONTRACT in line)
    assert "common.planted -> " in output


@pytest.mark.process
def test_an_import_by_a_name_made_from_the_registry_keeps_it(project):
    (project / "common" / "planted.py").write_text(
        "from importlib import import_module\n\n\n"
        'def load(app):\n    return import_module(f"{app}.events")\n'
    )
    code, output = lint(project)
    assert code == 0, output


HTTP_CONTRACT = "Services and selectors know nothing of HTTP"


@pytest.mark.process
@pytest.mark.parametrize(
    ("module", "line", "imported"),
    [
        ("catalog/selectors/__init__.py", "from django.http import Http404", "django.http"),
        ("catalog/selectors/__init__.py", "from django import http", "django.http"),
        ("payments/services/planted.py", "import rest_framework.exceptions", "rest_framework"),
        (
            "accounts/services/users.py",
            "from rest_framework import (\n    status,\n)",
            "rest_framework",
        ),
    ],
)
def test_http_in_a_service_or_selector_breaks_the_http_contract(project, module, line, imported):
    path = project / module
    path.write_text(f"{line}\n" + (path.read_text() if path.exists() else ""))
    code, output = lint(project)
    assert code == 1
    assert "BROKEN" in next(line for line in output.splitlines() if HTTP_CONTRACT in line)
    assert f"-> {imported}" in output


@pytest.mark.process
def test_other_django_modules_in_a_selector_keep_the_http_contract(project):
    path = project / "catalog" / "selectors" / "__init__.py"
    path.write_text("from django.utils import timezone\n" + path.read_text())
    code, output = lint(project)
    assert code == 0, output


def test_no_service_or_selector_takes_a_request():
    """HTTP stays in the views: a service is given what it needs of a request (an address)."""
    modules = [
        *ROOT.glob("*/services.py"),
        *ROOT.glob("*/services/*.py"),
        *ROOT.glob("*/selectors.py"),
        *ROOT.glob("*/selectors/*.py"),
    ]
    assert len(modules) > 18
    taking = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and "request" in {arg.arg for arg in [*node.args.args, *node.args.kwonlyargs]}
    ]
    assert taking == []


def test_views_run_no_queries_of_their_own():
    """A view reads through its app's selectors: no `<Model>.objects` but the empty queryset
    the schema generator is given."""
    views = [
        *ROOT.glob("*/views.py"),
        # views.py, or modules named for what they serve (accounts/api/auth.py, users.py)
        *(
            p
            for p in ROOT.glob("*/api/*.py")
            if p.name not in {"__init__.py", "serializers.py", "urls.py"}
        ),
        *ROOT.glob("*/views/*.py"),
    ]
    querying = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in views
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "objects"
        and node.attr != "none"
    ]
    assert querying == []
