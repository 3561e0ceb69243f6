"""Who may do what (docs/api.md, "Roles"; docs/conventions.md, "Tests"): one row for every
operation of the OpenAPI schema, one column for every kind of caller. A new endpoint without
a row fails the suite.

Outcomes: `OK` means the request got past authentication and authorization (a success, or a
validation or state error about the request itself); 401, 403 and 404 are refusals. The
objects in a path belong to `client`; `other_client` is a second client, to whom they are a
404, exactly like missing ones."""

import json
import uuid
from contextlib import ExitStack, contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from catalog.models import Product
from catalog.tests.factories import jpeg
from conftest import cache_clear, client_for
from crm.tests.factories import crm_client_make
from documents import services as documents_services
from documents.tests.factories import legal_entity_make
from financing.models import LoanApplication
from financing.tests.factories import application_make, offer_make
from insurance.tests.factories import claim_make, policy_make, quote_make
from integrations.tests.factories import webhook_delivery_make, webhook_subscription_make
from orders.models import Order
from orders.tests.factories import category_make, order_make, product_make, vehicle_make
from payments import services as payments_services
from payments.tests.factories import completed_payment_make
from service.models import WarrantyClaim
from service.tests.factories import booking_make, service_showroom_make, work_order_make
from showroom import services as showroom_services
from showroom.tests.factories import event_make, resource_make, showroom_make, tomorrow_at
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")

ROLES = ["anonymous", "client", "other_client", "manager", "other_showroom_manager", "admin"]
OK = "ok"
# The manager works in the showroom that sells the order in the paths; the other showroom's
# manager in another of the group's (docs/showrooms.md, "Staff per showroom").
SHOWROOM, OTHER_SHOWROOM = uuid.uuid4(), uuid.uuid4()


def row(anonymous, client, other_client, manager, admin, *, other_showroom=None) -> dict:
    """`other_showroom`: what the other showroom's manager gets, by default what the manager
    gets (a record that belongs to no showroom, or one whose app does not scope yet)."""
    other_showroom = manager if other_showroom is None else other_showroom
    return dict(
        zip(
            ROLES,
            [anonymous, client, other_client, manager, other_showroom, admin],
            strict=True,
        )
    )


PUBLIC = row(OK, OK, OK, OK, OK)
SIGNED_IN = row(401, OK, OK, OK, OK)
OWNER_OR_STAFF = row(401, OK, 404, OK, OK)
OWNER_ONLY = row(401, OK, 404, 404, 404)
STAFF = row(401, 403, 403, OK, OK)
ADMIN = row(401, 403, 403, 403, OK)
SELF_OR_ADMIN = row(401, OK, 404, 404, OK)
# An order's, or a record of an order's: its customer's, and its showroom's staff's.
OWNER_OR_SHOWROOM = row(401, OK, 404, OK, OK, other_showroom=404)
SHOWROOM_STAFF = row(401, 403, 403, OK, OK, other_showroom=404)
# A car: everyone reads it; its showroom's staff and the group's change it, another showroom's
# are refused (403: the car itself is public).
CAR_STAFF = row(401, 403, 403, OK, OK, other_showroom=403)

V1 = "/api/v1"
MATRIX = {
    ("POST", f"{V1}/auth/register"): PUBLIC,
    ("POST", f"{V1}/auth/token"): PUBLIC,
    ("POST", f"{V1}/auth/token/refresh"): PUBLIC,
    ("POST", f"{V1}/auth/token/verify"): PUBLIC,
    ("POST", f"{V1}/auth/logout"): PUBLIC,
    ("POST", f"{V1}/auth/logout-all"): SIGNED_IN,
    ("POST", f"{V1}/auth/password/change"): SIGNED_IN,
    ("POST", f"{V1}/auth/password/reset"): PUBLIC,
    ("POST", f"{V1}/auth/password/reset/confirm"): PUBLIC,
    ("POST", f"{V1}/auth/ws-ticket"): SIGNED_IN,
    ("GET", f"{V1}/auth/google/start"): PUBLIC,
    # Signed in, it links Google to the account: only for a verified e-mail and a session
    # that signed in with its password in the last 10 minutes, which the matrix's tokens
    # are not (accounts.services.identities.identity_link_authorize).
    ("POST", f"{V1}/auth/google/start"): row(OK, 403, 403, 403, 403),
    ("GET", f"{V1}/auth/google/callback"): PUBLIC,
    ("POST", f"{V1}/auth/google/callback"): PUBLIC,
    ("POST", f"{V1}/auth/identity-link/confirm"): PUBLIC,
    ("POST", f"{V1}/auth/email/verify"): PUBLIC,
    ("POST", f"{V1}/auth/email/verify/resend"): SIGNED_IN,
    ("POST", f"{V1}/auth/email/change/confirm"): PUBLIC,
    ("GET", f"{V1}/"): PUBLIC,
    ("GET", f"{V1}/ping"): PUBLIC,
    ("GET", f"{V1}/users/me"): SIGNED_IN,
    ("PATCH", f"{V1}/users/me"): SIGNED_IN,
    ("GET", f"{V1}/users/me/notifications"): SIGNED_IN,
    ("PATCH", f"{V1}/users/me/notifications"): SIGNED_IN,
    ("GET", f"{V1}/users/me/notifications/log"): SIGNED_IN,
    ("GET", f"{V1}/users/"): ADMIN,
    ("POST", f"{V1}/users/"): ADMIN,
    ("GET", f"{V1}/users/{{id}}"): ADMIN,
    ("PATCH", f"{V1}/users/{{id}}"): ADMIN,
    ("DELETE", f"{V1}/users/{{id}}"): ADMIN,
    ("PATCH", f"{V1}/users/{{id}}/role"): ADMIN,
    ("POST", f"{V1}/users/{{id}}/deactivate"): ADMIN,
    ("POST", f"{V1}/users/{{id}}/activate"): ADMIN,
    ("GET", f"{V1}/users/{{id}}/activity"): SELF_OR_ADMIN,
    ("GET", f"{V1}/users/{{id}}/integrations"): SELF_OR_ADMIN,
    ("DELETE", f"{V1}/users/{{id}}/integrations/{{identity_id}}"): SELF_OR_ADMIN,
    ("GET", f"{V1}/integrations/webhooks/"): ADMIN,
    ("POST", f"{V1}/integrations/webhooks/"): ADMIN,
    ("GET", f"{V1}/integrations/webhooks/{{id}}/"): ADMIN,
    ("PATCH", f"{V1}/integrations/webhooks/{{id}}/"): ADMIN,
    ("DELETE", f"{V1}/integrations/webhooks/{{id}}/"): ADMIN,
    ("POST", f"{V1}/integrations/webhooks/{{id}}/rotate-secret"): ADMIN,
    ("GET", f"{V1}/integrations/webhooks/{{id}}/deliveries"): ADMIN,
    ("POST", f"{V1}/integrations/webhooks/{{id}}/deliveries/{{delivery_id}}/redeliver"): ADMIN,
    ("POST", f"{V1}/integrations/webhooks/{{id}}/redeliver"): ADMIN,
    ("GET", f"{V1}/catalog/categories/"): PUBLIC,
    ("POST", f"{V1}/catalog/categories/"): STAFF,
    ("GET", f"{V1}/catalog/categories/tree/"): PUBLIC,
    ("GET", f"{V1}/catalog/categories/{{id}}/"): PUBLIC,
    ("PATCH", f"{V1}/catalog/categories/{{id}}/"): STAFF,
    ("DELETE", f"{V1}/catalog/categories/{{id}}/"): STAFF,
    ("GET", f"{V1}/catalog/products/"): PUBLIC,
    ("POST", f"{V1}/catalog/products/"): STAFF,
    ("GET", f"{V1}/catalog/products/{{id}}/"): PUBLIC,
    ("PATCH", f"{V1}/catalog/products/{{id}}/"): CAR_STAFF,
    ("DELETE", f"{V1}/catalog/products/{{id}}/"): CAR_STAFF,
    ("POST", f"{V1}/catalog/products/{{id}}/transfer/"): CAR_STAFF,
    ("GET", f"{V1}/catalog/products/facets/"): PUBLIC,
    ("GET", f"{V1}/catalog/products/compare/"): PUBLIC,
    ("GET", f"{V1}/catalog/products/{{product_pk}}/photos/"): PUBLIC,
    ("POST", f"{V1}/catalog/products/{{product_pk}}/photos/"): CAR_STAFF,
    ("GET", f"{V1}/catalog/products/{{product_pk}}/photos/{{id}}/"): PUBLIC,
    ("PATCH", f"{V1}/catalog/products/{{product_pk}}/photos/{{id}}/"): CAR_STAFF,
    ("DELETE", f"{V1}/catalog/products/{{product_pk}}/photos/{{id}}/"): CAR_STAFF,
    ("GET", f"{V1}/orders/"): SIGNED_IN,
    ("POST", f"{V1}/orders/"): SIGNED_IN,
    ("GET", f"{V1}/orders/stats/"): STAFF,
    ("GET", f"{V1}/orders/stats/my"): SIGNED_IN,
    ("GET", f"{V1}/orders/{{id}}/"): OWNER_OR_SHOWROOM,
    ("DELETE", f"{V1}/orders/{{id}}/"): ADMIN,
    ("GET", f"{V1}/orders/{{id}}/history/"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/orders/{{id}}/deal"): OWNER_OR_SHOWROOM,
    ("PATCH", f"{V1}/orders/{{id}}/items/{{item_id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/orders/{{id}}/status"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/payments/"): SIGNED_IN,
    ("POST", f"{V1}/payments/"): SIGNED_IN,
    ("GET", f"{V1}/payments/{{id}}/"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/payments/{{id}}/receipts/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/payments/{{id}}/refund"): SHOWROOM_STAFF,
    # The refund in the path awaits a second staff member: another one asked for it.
    ("POST", f"{V1}/payments/refunds/{{id}}/decision"): SHOWROOM_STAFF,
    ("GET", f"{V1}/payments/methods/"): SIGNED_IN,
    ("POST", f"{V1}/payments/methods/"): SIGNED_IN,
    ("DELETE", f"{V1}/payments/methods/{{id}}/"): OWNER_ONLY,
    ("GET", f"{V1}/payments/transactions/"): SIGNED_IN,
    ("GET", f"{V1}/financing/applications/"): SIGNED_IN,
    ("POST", f"{V1}/financing/applications/"): SIGNED_IN,
    ("GET", f"{V1}/financing/applications/{{id}}/"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/financing/applications/{{id}}/schedule/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/financing/applications/{{id}}/decision"): SHOWROOM_STAFF,
    ("POST", f"{V1}/financing/applications/{{id}}/disburse"): SHOWROOM_STAFF,
    ("POST", f"{V1}/financing/calculator"): SIGNED_IN,
    ("GET", f"{V1}/financing/banks/"): PUBLIC,
    ("GET", f"{V1}/financing/applications/{{id}}/offers/"): OWNER_OR_SHOWROOM,
    # Only the applicant sends their application to banks and takes an offer.
    ("POST", f"{V1}/financing/applications/{{id}}/offers/"): row(
        401, OK, 404, 404, 404, other_showroom=404
    ),
    ("POST", f"{V1}/financing/offers/{{id}}/choose"): row(
        401, OK, 404, 404, 404, other_showroom=404
    ),
    # Only the buyer gives their own loan up: staff cannot do it in their name.
    ("POST", f"{V1}/financing/applications/{{id}}/withdraw"): row(
        401, OK, 404, 404, 404, other_showroom=404
    ),
    ("POST", f"{V1}/financing/offers/{{id}}/answer"): SHOWROOM_STAFF,
    ("GET", f"{V1}/insurance/quotes/"): SIGNED_IN,
    ("POST", f"{V1}/insurance/quotes/"): SIGNED_IN,
    ("GET", f"{V1}/insurance/quotes/{{id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/insurance/quotes/{{id}}/purchase"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/trade-ins/"): SIGNED_IN,
    ("POST", f"{V1}/trade-ins/"): SIGNED_IN,
    ("GET", f"{V1}/trade-ins/{{id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/trade-ins/{{id}}/photos/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/trade-ins/{{id}}/offer"): SHOWROOM_STAFF,
    # The customer's own steps: staff see the trade-in but take none of them (docs/security.md).
    ("POST", f"{V1}/trade-ins/{{id}}/accept"): OWNER_ONLY,
    ("POST", f"{V1}/trade-ins/{{id}}/decline"): OWNER_ONLY,
    ("POST", f"{V1}/trade-ins/{{id}}/withdraw"): OWNER_ONLY,
    ("POST", f"{V1}/trade-ins/{{id}}/inspect"): SHOWROOM_STAFF,
    ("GET", f"{V1}/documents/"): SIGNED_IN,
    ("GET", f"{V1}/documents/{{id}}/file"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/orders/{{id}}/documents/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/orders/{{id}}/documents/"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/insurance/policies/"): SIGNED_IN,
    ("GET", f"{V1}/insurance/policies/{{id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/insurance/policies/{{id}}/cancel"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/insurance/policies/{{id}}/claims"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/insurance/claims/"): SIGNED_IN,
    ("GET", f"{V1}/insurance/claims/{{id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/insurance/claims/{{id}}/decision"): SHOWROOM_STAFF,
    ("GET", f"{V1}/showroom/categories/"): PUBLIC,
    ("POST", f"{V1}/showroom/categories/"): STAFF,
    ("GET", f"{V1}/showroom/events/"): PUBLIC,
    ("POST", f"{V1}/showroom/events/"): STAFF,
    ("GET", f"{V1}/showroom/events/{{id}}/"): PUBLIC,
    ("PATCH", f"{V1}/showroom/events/{{id}}/"): STAFF,
    ("POST", f"{V1}/showroom/events/{{id}}/cancel"): STAFF,
    ("POST", f"{V1}/showroom/events/{{id}}/register"): SIGNED_IN,
    ("GET", f"{V1}/showroom/events/{{id}}/registrations"): STAFF,
    ("GET", f"{V1}/showroom/registrations/"): SIGNED_IN,
    ("POST", f"{V1}/showroom/registrations/{{id}}/cancel"): OWNER_OR_STAFF,
    ("GET", f"{V1}/showroom/resource-types/"): SIGNED_IN,
    ("POST", f"{V1}/showroom/resource-types/"): STAFF,
    ("GET", f"{V1}/showrooms/"): PUBLIC,
    ("GET", f"{V1}/showroom/resources/"): SIGNED_IN,
    ("POST", f"{V1}/showroom/resources/"): STAFF,
    ("GET", f"{V1}/showroom/resources/{{id}}/"): row(401, OK, OK, OK, OK, other_showroom=404),
    ("PUT", f"{V1}/showroom/resources/{{id}}/"): SHOWROOM_STAFF,
    ("PATCH", f"{V1}/showroom/resources/{{id}}/"): SHOWROOM_STAFF,
    ("DELETE", f"{V1}/showroom/resources/{{id}}/"): SHOWROOM_STAFF,
    ("POST", f"{V1}/showroom/resources/{{id}}/allocate"): SHOWROOM_STAFF,
    ("GET", f"{V1}/showroom/allocations/"): SIGNED_IN,
    ("POST", f"{V1}/showroom/allocations/{{id}}/release"): SHOWROOM_STAFF,
    ("GET", f"{V1}/showroom/test-drives/"): SIGNED_IN,
    ("POST", f"{V1}/showroom/test-drives/"): SIGNED_IN,
    ("GET", f"{V1}/showroom/test-drives/slots"): SIGNED_IN,
    ("POST", f"{V1}/showroom/test-drives/{{id}}/reschedule"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/showroom/test-drives/{{id}}/cancel"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/showroom/test-drives/{{id}}/outcome"): SHOWROOM_STAFF,
    # The service department (docs/service.md): anyone books, the phone confirmed by a code
    # where not signed in; a booking is its customer's and its showroom's staff's, and its
    # signed link's (the token in the body decides, a 400 without one).
    ("GET", f"{V1}/service/slots"): PUBLIC,
    ("GET", f"{V1}/service/menus/"): PUBLIC,
    ("POST", f"{V1}/service/phone-codes"): PUBLIC,
    ("GET", f"{V1}/service/bookings/"): SIGNED_IN,
    ("POST", f"{V1}/service/bookings/"): PUBLIC,
    ("GET", f"{V1}/service/bookings/{{id}}/"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/service/bookings/{{id}}/reschedule"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/service/bookings/{{id}}/cancel"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/service/link/booking"): PUBLIC,
    ("POST", f"{V1}/service/link/reschedule"): PUBLIC,
    ("POST", f"{V1}/service/link/cancel"): PUBLIC,
    # A work order: its showroom's staff open and move it; its customer reads, signs, answers
    # the jobs proposed and cancels before the work; anyone with its signed link does too.
    ("GET", f"{V1}/service/work-orders/"): SIGNED_IN,
    ("POST", f"{V1}/service/work-orders/"): STAFF,
    ("GET", f"{V1}/service/work-orders/{{id}}/"): OWNER_OR_SHOWROOM,
    ("PATCH", f"{V1}/service/work-orders/{{id}}/"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/lines/"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/lines/{{line_id}}/decide"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/service/work-orders/{{id}}/lines/{{line_id}}/done"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/photos/"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/sign"): OWNER_OR_SHOWROOM,
    ("POST", f"{V1}/service/work-orders/{{id}}/start"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/complete"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/allow-balance"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/hand-over"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/close"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/work-orders/{{id}}/cancel"): OWNER_OR_SHOWROOM,
    ("GET", f"{V1}/service/my-cars/"): SIGNED_IN,
    ("GET", f"{V1}/service/warranty-claims/"): STAFF,
    ("POST", f"{V1}/service/warranty-claims/{{id}}/status"): SHOWROOM_STAFF,
    ("POST", f"{V1}/service/link/work-order"): PUBLIC,
    ("POST", f"{V1}/service/link/work-order/sign"): PUBLIC,
    ("POST", f"{V1}/service/link/work-order/decide"): PUBLIC,
    # The CRM's clients are staff's; the one in the path is an unassigned lead of the manager's
    # showroom (docs/api.md, docs/crm.md).
    ("GET", f"{V1}/crm/clients/"): STAFF,
    ("POST", f"{V1}/crm/clients/"): STAFF,
    ("GET", f"{V1}/crm/clients/{{id}}/"): SHOWROOM_STAFF,
    ("PUT", f"{V1}/crm/clients/{{id}}/"): SHOWROOM_STAFF,
    ("PATCH", f"{V1}/crm/clients/{{id}}/"): SHOWROOM_STAFF,
    ("DELETE", f"{V1}/crm/clients/{{id}}/"): SHOWROOM_STAFF,
    ("POST", f"{V1}/crm/clients/{{id}}/take"): SHOWROOM_STAFF,
    ("GET", f"{V1}/crm/clients/{{id}}/contacts"): SHOWROOM_STAFF,
    ("POST", f"{V1}/crm/clients/{{id}}/contacts"): SHOWROOM_STAFF,
    ("GET", f"{V1}/crm/clients/{{id}}/activity"): SHOWROOM_STAFF,
    ("POST", f"{V1}/crm/clients/{{id}}/activity"): SHOWROOM_STAFF,
    ("GET", f"{V1}/crm/clients/{{id}}/duplicates"): SHOWROOM_STAFF,
    ("POST", f"{V1}/crm/clients/{{id}}/merge"): SHOWROOM_STAFF,
}

# A body that a permitted caller could send, so that a refusal cannot hide behind a 400.
BODIES = {
    # A showroom the catalog does not know: staff get past the gate to a 400.
    ("POST", f"{V1}/catalog/products/{{id}}/transfer/"): {"showroom_id": str(uuid.uuid4())},
    ("POST", f"{V1}/users/"): {
        "email": "matrix@example.com",
        "role": "manager",
        "whole_group": True,
    },
    ("PATCH", f"{V1}/users/{{id}}"): {"full_name": "Matrix"},
    ("PATCH", f"{V1}/users/{{id}}/role"): {"role": "manager"},
    ("PATCH", f"{V1}/catalog/categories/{{id}}/"): {"description": "Updated"},
    ("PATCH", f"{V1}/catalog/products/{{id}}/"): {"description": "Updated"},
    ("PATCH", f"{V1}/catalog/products/{{product_pk}}/photos/{{id}}/"): {"alt": "Matrix"},
    ("PATCH", f"{V1}/orders/{{id}}/items/{{item_id}}/"): {"quantity": 2},
    ("POST", f"{V1}/orders/{{id}}/status"): {"status": "cancelled", "reason": "Matrix"},
    ("POST", f"{V1}/payments/{{id}}/refund"): {"amount": "1.00", "reason": "Matrix"},
    ("POST", f"{V1}/financing/applications/{{id}}/decision"): {
        "decision": "approved",
        "reason": "Matrix",
    },
    ("POST", f"{V1}/payments/refunds/{{id}}/decision"): {"decision": "approved", "reason": "M"},
    ("POST", f"{V1}/financing/applications/{{id}}/offers/"): {
        "banks": [str(uuid.uuid4())],
        "consent": True,
    },
    ("POST", f"{V1}/financing/offers/{{id}}/answer"): {
        "approved": True,
        "reference": "Matrix",
        "annual_rate": "10.00",
    },
    ("POST", f"{V1}/financing/applications/{{id}}/disburse"): {
        "amount": "1000.00",
        "reference": "Matrix",
    },
    ("POST", f"{V1}/insurance/policies/{{id}}/cancel"): {"reason": "Matrix"},
    ("POST", f"{V1}/orders/{{id}}/documents/"): {"kind": "offer"},
    ("PATCH", f"{V1}/users/me/notifications"): {"sms": {"reminders": False}},
    ("POST", f"{V1}/trade-ins/"): {
        "vin": "XTA217030C0999999",
        "make": "Lada",
        "model": "Priora",
        "year": 2012,
        "mileage_km": 100000,
        "condition": "good",
        "owners_count": 1,
        "accident_history": False,
    },
    ("POST", f"{V1}/trade-ins/{{id}}/offer"): {
        "amount": "500000.00",
        "valid_until": "2099-01-01T00:00:00Z",
    },
    ("POST", f"{V1}/trade-ins/{{id}}/inspect"): {"mileage_km": 100000, "findings": "Matrix"},
    ("POST", f"{V1}/insurance/policies/{{id}}/claims"): {
        "incident_date": date.today().isoformat(),
        "description": "Matrix",
        "amount_claimed": "1000.00",
    },
    ("POST", f"{V1}/insurance/claims/{{id}}/decision"): {
        "decision": "approved",
        "amount_approved": "500.00",
        "reason": "Matrix",
    },
    ("PATCH", f"{V1}/showroom/events/{{id}}/"): {"location": "Hall B"},
    ("PUT", f"{V1}/showroom/resources/{{id}}/"): {
        "name": "Matrix room",
        "type_id": "00000000-0000-4000-8000-000000000001",  # a 400 past the permission check
        "opens_at": "09:00",
        "closes_at": "18:00",
    },
    ("PATCH", f"{V1}/showroom/resources/{{id}}/"): {"name": "Matrix room"},
    ("POST", f"{V1}/showroom/resources/{{id}}/allocate"): {
        "start_time": tomorrow_at(9).isoformat(),
        "end_time": tomorrow_at(10).isoformat(),
    },
    ("POST", f"{V1}/showroom/test-drives/{{id}}/reschedule"): {
        "start_time": tomorrow_at(15).isoformat(),
        "end_time": tomorrow_at(16).isoformat(),
    },
    ("POST", f"{V1}/showroom/test-drives/{{id}}/outcome"): {"outcome": "completed"},
    ("POST", f"{V1}/service/bookings/{{id}}/reschedule"): {
        "start_time": tomorrow_at(15).isoformat()
    },
    ("POST", f"{V1}/crm/clients/"): {"name": "Matrix"},
    ("PUT", f"{V1}/crm/clients/{{id}}/"): {"name": "Matrix", "type": "organization"},
    ("PATCH", f"{V1}/crm/clients/{{id}}/"): {"industry": "IT"},
    ("POST", f"{V1}/crm/clients/{{id}}/contacts"): {"name": "Matrix", "phone": "+79161234567"},
    ("POST", f"{V1}/crm/clients/{{id}}/activity"): {"kind": "note", "summary": "Matrix"},
}


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_in_the_schema_has_a_row():
    operations = schema_operations()

    assert operations - MATRIX.keys() == set(), "operations without a row in MATRIX"
    assert MATRIX.keys() - operations == set(), "rows for operations the API no longer has"


def in_showroom(record) -> uuid.UUID:
    """`record`, made by its factory with an order of its own, moved to the manager's
    showroom as its order would be: its id."""
    type(record).objects.filter(pk=record.pk).update(showroom_id=SHOWROOM)
    return record.pk


class World:
    """The callers, and the objects of `client` that a path names, made when first asked."""

    def __init__(self):
        self.users = {
            "anonymous": None,
            "client": UserFactory(role="client"),
            "other_client": UserFactory(role="client"),
            "manager": UserFactory(role="manager", showroom_ids=[SHOWROOM]),
            "other_showroom_manager": UserFactory(role="manager", showroom_ids=[OTHER_SHOWROOM]),
            "admin": UserFactory(role="admin"),
        }
        self.client = self.users["client"]

    def path(self, template: str) -> str:
        values = {}
        if "{product_pk}" in template:
            values["product_pk"] = self.photo.product_id
        if "{id}" in template:
            values["id"] = self._object_id(template)
        if "{line_id}" in template:
            values["line_id"] = self.work_order.lines.first().pk
        if "{item_id}" in template:
            values["item_id"] = self.order.line_items[0].pk
        if "{delivery_id}" in template:
            values["delivery_id"] = webhook_delivery_make(values["id"]).pk
        if "{identity_id}" in template:
            values["identity_id"] = accounts_services.identity_link(
                user=self.client, provider="google", subject="matrix", email=self.client.email
            ).pk
        return template.format(**values)

    def _object_id(self, template: str):
        section = template.removeprefix(f"{V1}/").split("/{id}")[0]
        return {
            "users": lambda: self.client.pk,
            "catalog/categories": lambda: category_make().pk,
            "catalog/products": lambda: self.car.pk,
            "catalog/products/{product_pk}/photos": lambda: self.photo.pk,
            "orders": lambda: self.order.pk,
            "payments": lambda: completed_payment_make(self.client, self.order, "100.00").pk,
            "payments/refunds": lambda: payments_services.refund_reserve(
                payment_id=completed_payment_make(self.client, self.order, "100.00").pk,
                reason="Matrix",
                amount=Decimal("50.00"),
                user=UserFactory.create(role="manager"),
            ).pk,
            "payments/methods": lambda: payments_services.payment_method_save(
                user=self.client,
                brand="visa",
                last4="4242",
                exp_month=12,
                exp_year=2099,
                holder_name="Matrix",
            ).pk,
            "financing/applications": lambda: in_showroom(
                application_make(self.client, monthly_income="40000.00")
            ),
            "financing/offers": lambda: offer_make(
                LoanApplication.objects.get(pk=in_showroom(application_make(self.client)))
            ).pk,
            "insurance/quotes": lambda: in_showroom(quote_make(self.client)),
            "insurance/policies": lambda: in_showroom(policy_make(self.client)),
            "insurance/claims": lambda: in_showroom(claim_make(self.client)),
            "showroom/events": lambda: event_make().pk,
            "showroom/registrations": lambda: showroom_services.registration_create(
                event_id=event_make().pk, user=self.client
            ).pk,
            "showroom/resources": lambda: self.resource.pk,
            "showroom/allocations": lambda: showroom_services.allocation_create(
                resource_id=self.resource.pk,
                start_time=tomorrow_at(11),
                end_time=tomorrow_at(12),
                user=self.client,
            ).pk,
            "showroom/test-drives": lambda: self.test_drive.pk,
            "service/bookings": lambda: booking_make(
                self.client, service_showroom_make(pk=SHOWROOM)
            ).pk,
            "service/work-orders": lambda: self.work_order.pk,
            "service/warranty-claims": lambda: WarrantyClaim.objects.create(
                work_order=self.work_order,
                showroom_id=SHOWROOM,
                manufacturer="Lada",
                amount=Decimal("3750.00"),
            ).pk,
            "crm/clients": lambda: in_showroom(crm_client_make(name="Matrix lead")),
            "integrations/webhooks": lambda: webhook_subscription_make(self.users["admin"]).pk,
            "documents": lambda: self.document.pk,
            "trade-ins": lambda: in_showroom(trade_in_make(self.client)),
        }[section]()

    @property
    def document(self):
        legal_entity_make()
        return documents_services.document_generate(kind="offer", order_id=self.order.pk)

    @property
    def photo(self):
        if not hasattr(self, "_photo"):
            self._photo = catalog_services.photo_add(product=self.car, data=jpeg())
        return self._photo

    @property
    def car(self):
        """A car that stands in the manager's showroom."""
        car = vehicle_make()
        Product.objects.filter(pk=car.pk).update(showroom_id=SHOWROOM)
        car.showroom_id = SHOWROOM
        return car

    @property
    def resource(self):
        """A resource of the manager's showroom."""
        return resource_make(showroom=showroom_make(pk=SHOWROOM))

    @property
    def test_drive(self):
        vehicle = product_make()
        resource_make(vehicle_id=vehicle.pk, showroom=showroom_make(pk=SHOWROOM))
        return showroom_services.test_drive_book(
            user=self.client,
            vehicle_id=vehicle.pk,
            start_time=tomorrow_at(13),
            end_time=tomorrow_at(14),
        )

    @property
    def work_order(self):
        """A draft work order of the manager's showroom for the client's booked ТО-1."""
        if not hasattr(self, "_work_order"):
            showroom = service_showroom_make(pk=SHOWROOM)
            self._work_order = work_order_make(self.users["admin"], self.client, showroom)
        return self._work_order

    @property
    def order(self):
        if not hasattr(self, "_order"):
            self._order = order_make(self.client, (product_make(price="1000.00", stock=5), 1))
            Order.objects.filter(pk=self._order.pk).update(showroom_id=SHOWROOM)
            self._order.showroom_id = SHOWROOM
        return self._order

    def api(self, role: str) -> APIClient:
        user = self.users[role]
        return client_for(user) if user else APIClient()


def outcome(status: int) -> int | str:
    return status if status in (401, 403, 404) else OK


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back():
    """Whatever the block writes to any database is undone at its end, so that each caller
    of a row meets the objects as they were made (a savepoint in every database)."""
    try:
        with ExitStack() as stack:
            for alias in settings.DATABASES:
                stack.enter_context(transaction.atomic(using=alias))
            yield
            raise _RolledBack
    except _RolledBack:
        pass


@pytest.fixture
def world(settings, provider, oidc_provider):
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal("10.00")
    return World()


# One world per row, its callers each in turn, each request rolled back and the cache and the
# provider's books emptied after it: each caller meets the row's objects as they were made,
# as if alone, at a fifth of the cost of a world per caller.
@pytest.mark.parametrize(("method", "template"), sorted(MATRIX))
def test_each_caller_gets_what_the_matrix_says(world, provider, method, template):
    path = world.path(template)
    body = json.dumps(BODIES.get((method, template), {}))
    expected = MATRIX[method, template]
    got, answers = {}, {}
    for role in ROLES:
        with rolled_back():
            response = world.api(role).generic(
                method, path, data=body, content_type="application/json"
            )
        got[role] = outcome(response.status_code)
        if got[role] != expected[role]:
            answers[role] = response.content[:300]
        cache_clear()
        provider.reset()

    assert got == expected, answers
