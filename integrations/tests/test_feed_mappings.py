"""Every code of the catalog's choices has a word on each classified, or is known to have none
(docs/feeds.md, "Mapping"): a code added to the catalog fails here until it is mapped or
listed, rather than leaving cars out of the feeds unnoticed."""

import pytest

from catalog.choices import BodyType, Color, Drive, Fuel, Transmission
from integrations.feeds import mappings as m

# The catalog's codes no site has a word for: a car with one is left out with its reason.
UNMAPPED = {"color": {"other"}}

TABLES = [
    (BodyType, "body_type", m.AVITO_BODY_TYPE),
    (Fuel, "fuel", m.AVITO_FUEL_TYPE),
    (Transmission, "transmission", m.AVITO_TRANSMISSION),
    (Drive, "drive", m.AVITO_DRIVE_TYPE),
    (Color, "color", m.AVITO_COLOR),
    (BodyType, "body_type", m.AUTORU_BODY_TYPE),
    (Fuel, "fuel", m.AUTORU_ENGINE),
    (Transmission, "transmission", m.AUTORU_TRANSMISSION),
    (Color, "color", m.AUTORU_COLOR),
]


@pytest.mark.parametrize(("choices", "field", "table"), TABLES, ids=lambda value: str(value)[:20])
def test_every_catalog_code_is_mapped_or_known_to_have_no_word(choices, field, table):
    codes = set(choices.values)
    assert set(table) <= codes, "a table maps a code the catalog does not have"
    assert codes - set(table) == UNMAPPED.get(field, set())


def test_each_sites_words_are_its_own_spelling():
    assert m.AVITO_COLOR["black"] == "Чёрный" and m.AUTORU_COLOR["silver"] == "серебристый"
    assert m.AVITO_BODY_TYPE["crossover"] == m.AVITO_BODY_TYPE["suv"] == "Внедорожник"
    assert m.AUTORU_TRANSMISSION["robot"] == "AMT"
