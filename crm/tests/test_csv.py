"""Clients in and out of CSV: a thousand rows with ten bad ones, a dry run, a real run, an
export, and a second import of the same file."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from rest_framework.test import APIClient

from crm import services
from crm.models import Client, OutboxEvent

pytestmark = pytest.mark.django_db(databases="__all__")

HEADER = ["type", "name", "email", "phone", "industry", "tax_id", "tags", "status"]
# Ten bad rows, by line number in the file (the header is line 1), and the field refused.
BAD = {
    12: ({"name": ""}, "name"),
    105: ({"email": "not-an-email"}, "email"),
    208: ({"phone": "12345"}, "phone"),
    311: ({"type": "company"}, "type"),
    414: ({"tax_id": "123"}, "tax_id"),
    517: ({"status": "vip"}, "status"),
    620: ({"name": "x" * 201}, "name"),
    723: ({"tags": "ok;" + "t" * 60}, "tags"),
    826: ({"email": "row2@example.com"}, "email"),  # line 3's e-mail again
    929: ({"type": "individual", "tax_id": "7707083893"}, "tax_id"),
}


def row(line: int) -> dict:
    n = line - 1
    good = {
        "type": "organization" if n % 3 == 0 else "individual",
        "name": f"Client {n}",
        "email": f"row{n}@example.com",
        "phone": f"+7916{n:07d}",
        "industry": "IT" if n % 3 == 0 else "",
        "tax_id": "",
        "tags": "imported;fleet" if n % 2 else "imported",
        "status": "lead",
    }
    return {**good, **BAD.get(line, ({}, None))[0]}


@pytest.fixture
def thousand_rows(tmp_path):
    path = tmp_path / "clients.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, HEADER)
        writer.writeheader()
        for line in range(2, 1002):
            writer.writerow(row(line))
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("crm_import", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_the_ten_bad_rows_and_writes_nothing(thousand_rows):
    report = run(str(thousand_rows), "--dry-run")

    reported = [line for line in report.splitlines() if line.startswith("line ")]
    assert [int(line.split(":")[0].removeprefix("line ")) for line in reported] == sorted(BAD)
    for line, (_, field) in BAD.items():
        assert f"line {line}: {field}:" in report
    assert "Would import 990 of 1000 rows; 10 rejected." in report
    assert not Client.objects.exists() and not OutboxEvent.objects.exists()


def test_the_real_run_imports_the_990_good_rows_and_nothing_else(thousand_rows, manager):
    report = run(str(thousand_rows), "--manager", manager.email)

    assert "Imported 990 of 1000 rows; 10 rejected." in report
    expected = {f"Client {line - 1}" for line in range(2, 1002) if line not in BAD}
    assert set(Client.objects.values_list("name", flat=True)) == expected
    assert Client.objects.count() == 990
    assert set(Client.objects.values_list("manager_id", flat=True)) == {manager.pk}
    client = Client.objects.get(name="Client 3")
    assert (str(client.phone), client.source) == ("+79160000003", "import")
    assert sorted(t.name for t in client.tags.all()) == ["fleet", "imported"]
    assert OutboxEvent.objects.filter(type="client.created").count() == 990


def test_importing_the_same_file_again_adds_nothing(thousand_rows):
    run(str(thousand_rows))

    report = run(str(thousand_rows))

    assert "Imported 0 of 1000 rows; 1000 rejected." in report
    assert Client.objects.count() == 990


def test_an_export_can_be_read_back(thousand_rows, tmp_path):
    run(str(thousand_rows))
    exported = tmp_path / "export.csv"

    call_command("crm_export", "--output", str(exported), stderr=io.StringIO())

    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert len(rows) == 990
    by_name = {r["name"]: r for r in rows}
    assert by_name["Client 3"]["phone"] == "'+79160000003"  # a formula's start, escaped
    assert by_name["Client 3"]["tags"] == "fleet;imported"
    Client.objects.all().delete()
    assert "Imported 990 of 990 rows; 0 rejected." in run(str(exported))


@pytest.mark.parametrize("content", ["name;email\nA;a@example.com\n", "name,salary\nA,100\n", ""])
def test_a_file_with_the_wrong_columns_is_refused_whole(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content)

    with pytest.raises(CommandError, match="header"):
        run(str(path))
    assert not Client.objects.exists()


def test_a_cell_too_large_for_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text('name,description\nA,"' + "x" * 200_000 + '"\n')

    with pytest.raises(CommandError, match="Cannot read"):
        run(str(path))
    assert not Client.objects.exists()


def test_an_export_escapes_cells_a_spreadsheet_would_run_as_formulas_and_reads_back(tmp_path):
    # Given an account registered with a formula for a name, and its CRM record
    registered = APIClient().post(
        "/api/v1/auth/register",
        {
            "email": "formula@example.com",
            "password": "Sturdy-pass-2026",
            "full_name": '=HYPERLINK("http://x")',
            "phone": "+79161234567",
        },
    )
    assert registered.status_code == 201
    with transaction.atomic(using="crm"):
        services.client_for_user(registered.json()["id"])
    Client.objects.create(name="-2+3", description="@SUM(A1)", industry="\tTab")
    exported = tmp_path / "export.csv"

    # When it is exported
    call_command("crm_export", "--output", str(exported), stderr=io.StringIO())

    # Then no cell starts a formula, and the import reads the values back as they were
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    by_email = {r["email"]: r for r in rows}
    formula = by_email["formula@example.com"]
    assert (formula["name"], formula["phone"]) == ('\'=HYPERLINK("http://x")', "'+79161234567")
    other = by_email[""]
    assert (other["name"], other["description"], other["industry"]) == (
        "'-2+3",
        "'@SUM(A1)",
        "'\tTab",
    )
    starts = {cell[:1] for r in rows for cell in r.values() if cell}
    assert not starts & {"=", "+", "-", "@", "\t", "\r"}
    Client.objects.all().delete()
    assert "Imported 2 of 2 rows; 0 rejected." in run(str(exported))
    reread = Client.objects.get(email="formula@example.com")
    assert (reread.name, str(reread.phone)) == ('=HYPERLINK("http://x")', "+79161234567")
    assert Client.objects.get(name="-2+3").description == "@SUM(A1)"


def test_an_export_reads_clients_a_page_at_a_time_and_ties_on_time_break_by_id():
    from django.utils import timezone

    from crm.csvfiles import _pages

    same_moment = timezone.now()
    Client.objects.bulk_create(Client(name=f"Client {n}") for n in range(23))
    Client.objects.update(created_at=same_moment)  # every key ties on time
    clients = Client.objects.order_by("created_at", "id")

    pages = list(_pages(clients, size=7))

    assert [len(page) for page in pages] == [7, 7, 7, 2]
    assert [client.id for page in pages for client in page] == [c.id for c in clients]
