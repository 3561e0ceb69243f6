import pytest

from payments.breaker import provider_breaker
from payments.providers import FakeProvider


@pytest.fixture(autouse=True)
def provider():
    """The fake provider with nothing recorded and the breaker closed."""
    fake = FakeProvider()
    fake.reset()
    provider_breaker().close()
    yield fake
    fake.reset()
    provider_breaker().close()
