"""Reasons written as English text become codes with their figures (financing/reasons.py),
so that they read in the reader's language; a text no pattern knows stays as it was."""

import re

from django.db import migrations

PATTERNS = [
    (
        "rate",
        r"Annual rate (?P<rate>[\d.]+)% for a (?P<financing_type>.+) of (?P<term>\d+) months "
        r"with (?P<down>\d+)% down \(rate table (?P<table>[^)]+)\)\.",
    ),
    ("dti_within", r"Debt-to-income ratio (?P<dti>[\d.]+)% is within (?P<limit>[\d.]+)%\."),
    (
        "dti_review",
        r"Debt-to-income ratio (?P<dti>[\d.]+)% is above (?P<limit>[\d.]+)%: a manager "
        r"reviews the application\.",
    ),
    ("dti_over", r"Debt-to-income ratio (?P<dti>[\d.]+)% is above the (?P<limit>[\d.]+)% limit\."),
    ("income_capped", r"The declared income counts up to (?P<cap>[\d.]+)\."),
    ("held_amount", r"A loan above (?P<max>[\d.]+) is approved by a manager only\."),
    (
        "held_down_payment",
        r"A down payment under (?P<percent>[\d.]+)% of the price is approved by a manager only\.",
    ),
    ("held_unverified", r"An applicant without a verified e-mail is approved by a manager only\."),
    ("staff_decision", r"Staff decision: (?P<reason>.*)"),
    ("order_cancelled", r"The order was cancelled\."),
    ("returned_cancelled", r"The order was cancelled: the loan goes back to the lender\."),
    ("returned_late", r"Disbursed after the order was cancelled: returned to the lender\."),
]
TYPES = {"car loan": "car_loan", "lease": "lease"}


def coded(text):
    if not isinstance(text, str):
        return text
    for code, pattern in PATTERNS:
        match = re.fullmatch(pattern, text, re.DOTALL)
        if match:
            params = match.groupdict()
            if "financing_type" in params:
                params["financing_type"] = TYPES.get(params["financing_type"], "car_loan")
            return {"code": code, "params": params}
    return {"code": "note", "params": {"text": text}}


def reasons_as_codes(apps, schema_editor):
    LoanApplication = apps.get_model("financing", "LoanApplication")
    rows = LoanApplication.objects.using(schema_editor.connection.alias)
    for application in rows.exclude(reasons=[]).iterator():
        application.reasons = [coded(item) for item in application.reasons]
        application.save(update_fields=["reasons"])


class Migration(migrations.Migration):
    dependencies = [("financing", "0009_disbursement_reference")]

    operations = [migrations.RunPython(reasons_as_codes, migrations.RunPython.noop)]
