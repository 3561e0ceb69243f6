from io import StringIO

import pytest
from django.core.management import call_command

from insurance.models import Claim, Policy, Quote

# The demo as seeded once, committed as `make run` seeds it (payments learns of a policy
# bought from its event): conftest.py, `demo_data`.
pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.xdist_group("demo_data")]


def states() -> dict:
    return {
        "quotes": sorted((q.insurance_type, q.status, q.is_expired) for q in Quote.objects.all()),
        "policies": sorted((p.status, p.refund_amount is not None) for p in Policy.objects.all()),
        "claims": sorted(Claim.objects.values_list("status", flat=True)),
    }


def test_the_demo_shows_every_state_and_running_it_again_adds_nothing(demo_data):
    first = states()
    call_command("seed_demo", no_history=True, stdout=StringIO())

    assert first == {
        "quotes": [
            ("kasko", "purchased", False),
            ("kasko", "quoted", True),
            ("osago", "purchased", False),
            ("osago", "quoted", False),
        ],
        # KASKO paid through payments (demo/crossing.py); OSAGO cancelled before it was paid.
        "policies": [("active", False), ("lapsed", False)],
        "claims": ["approved", "filed", "rejected"],
    }
    assert states() == first
