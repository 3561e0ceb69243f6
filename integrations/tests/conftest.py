"""The classifieds' feeds' tests share a showroom and its cars on sale."""

import pytest

from integrations.tests.factories import feed_showroom_make, feed_stock_make


@pytest.fixture
def showroom():
    return feed_showroom_make()


@pytest.fixture
def stock(showroom):
    return feed_stock_make(showroom)
