"""The real providers' adapters, configured against their APIs mocked with `responses`."""

import pytest
import responses

from payments.tests.provider_api import STRIPE_API, STRIPE_WEBHOOK_SECRET, YOOKASSA_API


@pytest.fixture
def yookassa(settings):
    from payments.breaker import provider_breaker

    settings.PAYMENTS_PROVIDER = "yookassa"
    settings.YOOKASSA_SHOP_ID = "100500"
    settings.YOOKASSA_SECRET_KEY = "test_secret"
    settings.YOOKASSA_API_URL = YOOKASSA_API
    provider_breaker().close()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    provider_breaker().close()


@pytest.fixture
def stripe_api(settings):
    from payments.breaker import provider_breaker

    settings.PAYMENTS_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = STRIPE_API
    provider_breaker().close()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    provider_breaker().close()
