"""Downloaded files never run a cell as a formula, and their money stays numbers
(common/spreadsheets.py, common.admin's export formats)."""

from decimal import Decimal

import openpyxl
import pytest
import tablib

from common.admin import ExportCSV, ExportXLSX
from common.spreadsheets import cell_escape, cell_unescape


@pytest.mark.parametrize("value", ["=1+1", "+7 915", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_text_cell_that_starts_like_a_formula_is_written_as_text(value):
    assert cell_escape(value) == "'" + value
    assert cell_unescape(cell_escape(value)) == value


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Иван;=1+1", "Иван;'=1+1"),
        ("a,-5", "a,'-5"),
        ("x\t@SUM(A1)", "x\t'@SUM(A1)"),
        ("=1;+2", "'=1;'+2"),
    ],
)
def test_a_formula_after_any_separator_a_spreadsheet_splits_on_is_escaped(value, escaped):
    assert cell_escape(value) == escaped
    assert cell_unescape(escaped) == value


def test_other_text_is_left_as_it_is():
    assert cell_escape("Лада Веста") == "Лада Веста"
    assert cell_unescape("'quoted") == "'quoted"


def _dataset():
    data = tablib.Dataset(headers=["name", "amount"])
    data.append(['=HYPERLINK("http://x")', Decimal("1250000.50")])
    data.append(["+7 915 123-45-67", Decimal("10.00")])
    return data


def test_the_csv_export_escapes_formulas(settings):
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    text = ExportCSV().export_data(_dataset())
    assert "'=HYPERLINK" in text
    assert "1250000.50" in text
    assert "'+7 915 123-45-67" in text  # a spreadsheet would compute +7 − 915 …
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")","1250000.50"'  # all quoted


def test_the_xlsx_export_escapes_formulas_and_keeps_money_a_number(settings, tmp_path):
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    path = tmp_path / "export.xlsx"
    path.write_bytes(ExportXLSX().export_data(_dataset()))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == pytest.approx(1250000.5)
    assert sheet["A3"].value == "+7 915 123-45-67"  # text in XLSX, whatever it starts with
    assert sheet["B3"].value == pytest.approx(10)
