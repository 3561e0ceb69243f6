"""A user's linked external identities (`GET/DELETE users/{id}/integrations`): shown to the
owner and admins, never a provider token, and never unlinked when it is the last way in."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import ActivityLog, ExternalIdentity
from common.api.exceptions import ApplicationError
from conftest import browser_for, client_for

pytestmark = pytest.mark.django_db(databases="__all__")


def integrations(user) -> str:
    return f"/api/v1/users/{user.pk}/integrations"


def link(user, subject="google-sub-1"):
    return services.identity_link(
        user=user, provider="google", subject=subject, email="anna@gmail.example"
    )


def test_the_owner_and_an_admin_see_the_link_and_no_token(customer, customer_client, admin_client):
    identity = link(customer)

    mine = customer_client.get(integrations(customer)).json()["results"]
    as_admin = admin_client.get(integrations(customer)).json()["results"]

    assert mine == as_admin
    assert [(i["id"], i["provider"], i["subject"], i["email"]) for i in mine] == [
        (str(identity.pk), "google", "google-sub-1", "anna@gmail.example")
    ]
    assert set(mine[0]) == {"id", "provider", "subject", "email", "linked_at", "last_login_at"}
    assert mine[0]["last_login_at"] is not None


def test_another_client_gets_404_and_unlinks_nothing(customer, other_customer):
    identity = link(customer)
    intruder = client_for(other_customer)

    listed = intruder.get(integrations(customer))
    unlinked = intruder.delete(f"{integrations(customer)}/{identity.pk}")

    assert (listed.status_code, unlinked.status_code) == (404, 404)
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_the_only_way_left_to_sign_in_is_not_unlinked(customer):
    customer.set_unusable_password()  # signed up through Google: no password
    customer.save()
    identity = link(customer)

    refused = client_for(customer).delete(f"{integrations(customer)}/{identity.pk}")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "last_sign_in_method"
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_with_a_password_or_a_second_link_it_is_unlinked(customer):
    first = link(customer, "sub-1")
    link(customer, "sub-2")
    customer.set_unusable_password()
    customer.save()

    response = client_for(customer).delete(f"{integrations(customer)}/{first.pk}")

    assert response.status_code == 204
    assert list(customer.identities.values_list("subject", flat=True)) == ["sub-2"]
    assert ActivityLog.objects.filter(user=customer, type="identity_unlinked").count() == 1


def test_one_provider_account_belongs_to_one_user(customer, other_customer):
    link(customer)

    with pytest.raises(ApplicationError):
        link(other_customer)
    assert ExternalIdentity.objects.get().user_id == customer.pk
    assert link(customer).user_id == customer.pk  # linking again: a sign-in, nothing new
    assert ExternalIdentity.objects.count() == 1


def test_an_admin_sees_the_links_on_the_users_page_and_unlinks_one(customer, admin_user):
    identity = link(customer)
    browser = browser_for(admin_user)

    page = browser.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    deleted = browser.post(
        reverse("admin:accounts_externalidentity_delete", args=[identity.pk]), {"post": "yes"}
    )

    assert b"anna@gmail.example" in page.content
    assert deleted.status_code == 302
    assert not ExternalIdentity.objects.exists()
