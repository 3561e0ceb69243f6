"""The repository explains itself: its documents exist where the code cites them, the README
links only inside the repository, and the event catalogue lists every event and consumer."""

import re
import subprocess
from pathlib import Path

import pytest

from common.events import registry

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    path
    for pattern in ("**/*.py", "**/*.md", "**/*.html", "**/*.js", "**/*.yml", "Makefile")
    for path in ROOT.glob(pattern)
    if not {".venv", "node_modules", "var", "test-artifacts"} & set(path.parts)
]


def test_every_document_the_code_cites_exists():
    cited = {
        match
        for path in SOURCES
        for match in re.findall(r"docs/[a-z-]+\.md", path.read_text(errors="ignore"))
    }

    assert cited
    assert sorted(name for name in cited if not (ROOT / name).is_file()) == []


def test_every_section_the_code_cites_is_a_heading_of_its_document():
    """`docs/architecture.md §3.4` must name a heading `### 3.4 …` of that document; a
    section number with no document of this repository before it (a design brief outside
    it) fails too. Standards (`RFC 6455 §7.4.2`) are not ours to check."""
    wrong = []
    for path in ROOT.glob("**/*.py"):
        if {".venv", "var"} & set(path.parts):
            continue
        text = path.read_text()
        for cited in re.finditer(r"§\s*(\d+(?:\.\d+)*)", text):
            before = text[max(0, cited.start() - 80) : cited.start()]
            if re.search(r"RFC \d+\s*$", before):
                continue
            document = re.search(r"(docs/[a-z-]+\.md)[\s#\"]*$", before)
            headings = (ROOT / document[1]).read_text() if document else ""
            if not re.search(rf"^#+ {re.escape(cited[1])}[ .]", headings, re.MULTILINE):
                wrong.append(f"{path.relative_to(ROOT)}: {document and document[1]} §{cited[1]}")

    assert wrong == []


@pytest.mark.process
def test_the_readme_layout_names_every_top_level_folder():
    layout = (ROOT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    # The repository's folders: what git holds, not the caches a run leaves beside them.
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    folders = sorted({path.split("/", 1)[0] for path in tracked if "/" in path})

    assert "tests" in folders
    assert [name for name in folders if f"{name}/" not in layout] == []


def test_the_readme_links_only_to_files_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)]+)\)", readme)

    outside = [link for link in links if link.startswith(("..", "/"))]
    missing = [
        link
        for link in links
        if "://" not in link
        and not link.startswith("#")
        and not (ROOT / link.split("#")[0]).exists()
    ]
    assert links and outside == [] and missing == []


def test_every_markdown_file_the_code_and_docs_name_is_in_the_repository():
    named = {
        (path.relative_to(ROOT), name)
        for path in SOURCES
        if path.name != "test_docs.py"
        for name in re.findall(
            r"(?<![\w/.-])([\w-]+(?:/[\w-]+)*\.md)\b", path.read_text(errors="ignore")
        )
    }

    assert named
    assert sorted(f"{path}: {name}" for path, name in named if not (ROOT / name).is_file()) == []


def test_the_event_catalogue_lists_every_event_and_every_consumer():
    catalogue = (ROOT / "docs" / "events.md").read_text()
    emitted = {  # the apps' own types, not those a test declares
        declared.type
        for declared in registry._declared.values()
        if declared.payload.__module__.endswith(".events")
    }
    consumers = {  # the apps' own, not those a test registers
        name
        for name, c in registry._consumers.items()
        if c.handler.__module__.endswith(".handlers")
    }

    assert emitted >= {"order.cancelled", "payment.created", "user.password_reset_requested"}
    assert sorted(t for t in emitted if f"`{t}`" not in catalogue) == []
    assert sorted(c for c in consumers if f"`{c}`" not in catalogue) == []


NUMBERS = {
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    13: "thirteen",
    14: "fourteen",
}


def _rooms(block: str) -> list[str]:
    """The rooms a fenced block of docs/adding-an-app.md lists: each unindented line's name."""
    text = (ROOT / "docs" / "adding-an-app.md").read_text()
    body = text.split(f"```{block}\n", 1)[1].split("```", 1)[0]
    return [line.split()[0] for line in body.splitlines() if line and not line[0].isspace()]


# Rooms that are a module or, grown, a package of modules re-exported from its __init__.
EITHER_FORM = {"models.py", "models/", "services.py", "services/", "selectors.py", "selectors/"}


def _app_rooms(app: str) -> set[str]:
    """An app's files and folders as the rooms name them (`services` for either form)."""
    rooms = set()
    for path in (ROOT / app).iterdir():
        if path.name in {"__init__.py", "__pycache__"}:
            continue
        name = f"{path.name}/" if path.is_dir() else path.name
        rooms.add(name.removesuffix(".py").removesuffix("/") if name in EITHER_FORM else name)
    return rooms


def test_the_docs_count_the_apps_of_the_registry():
    from django.conf import settings

    count = NUMBERS[len(settings.DOMAIN_APPS)]
    assert f"with {count} domain apps" in (ROOT / "README.md").read_text()
    assert f"the existing {count} are" in (ROOT / "docs" / "adding-an-app.md").read_text()
    the_map = (ROOT / "docs" / "architecture.md").read_text().split("## The map", 1)[1]
    the_map = the_map.split("```", 2)[1]
    rooms = [*settings.DOMAIN_APPS, "config", "common", "storefront", "backoffice", "demo"]
    assert [room for room in rooms if f"{room}/" not in the_map] == []
    assert len(the_map.splitlines()) <= 30, "the map fits one screen"


def test_the_rooms_every_app_has_are_those_the_docs_list():
    from django.conf import settings

    shared = set.intersection(*(_app_rooms(app) for app in settings.DOMAIN_APPS))
    assert sorted(_rooms("rooms")) == sorted(shared)


def test_every_other_room_of_an_app_is_a_listed_one_or_a_module_of_its_own():
    """What is neither listed as a room nor a common one is a domain module (`annuity.py`) or
    package (`providers/`): Python, and no name the docs list as a room of another kind."""
    from django.conf import settings

    listed = {*_rooms("rooms"), *_rooms("optional-rooms")}
    unlisted = {
        f"{app}/{room}"
        for app in settings.DOMAIN_APPS
        for room in _app_rooms(app) - listed
        if not (room.endswith(".py") or (ROOT / app / room / "__init__.py").exists())
    }
    assert unlisted == set()
    present = set.union(*(_app_rooms(app) for app in settings.DOMAIN_APPS))
    assert sorted(set(_rooms("optional-rooms")) - present) == []
    assert "permissions.py" not in present | listed
