"""CommerceML 2 files shaped like 1C:Enterprise's own exports, for the tests and for the
emulator that plays 1C against the site (onec/emulator.py, docs/1c.md). The names and ids in
`names.py`; the goods of a catalog, random from a seed, in `goods.py`; a catalog exchange's
files, and broken ones, in `catalog.py`; the orders 1C sends back in `sale.py`. The same
arguments give the same bytes, and the same names the same ids in every run."""

from onec.samples.catalog import PURCHASE_SHARE, Sample, broken_samples, catalog_sample
from onec.samples.goods import COLORS, FEATURE_EVERY, MAKES, PROPERTIES
from onec.samples.names import (
    CATALOG_ID,
    CLASSIFIER_ID,
    FEATURE,
    GENERATED_AT,
    GROUP_ACCESSORIES,
    GROUP_CARS,
    GROUP_NEW_CARS,
    GROUP_PARTS,
    GROUP_USED_CARS,
    GROUPS,
    NAMESPACE,
    PACKAGE_ID,
    PRICE_PURCHASE,
    PRICE_RETAIL,
    WAREHOUSES,
    feature_id,
    good_id,
    group_id,
    maker_id,
    price_type_id,
    property_id,
    property_value_id,
    warehouse_id,
)
from onec.samples.sale import SaleDocument, sale_sample

__all__ = [
    "CATALOG_ID",
    "CLASSIFIER_ID",
    "COLORS",
    "FEATURE",
    "FEATURE_EVERY",
    "GENERATED_AT",
    "GROUPS",
    "GROUP_ACCESSORIES",
    "GROUP_CARS",
    "GROUP_NEW_CARS",
    "GROUP_PARTS",
    "GROUP_USED_CARS",
    "MAKES",
    "NAMESPACE",
    "PACKAGE_ID",
    "PRICE_PURCHASE",
    "PRICE_RETAIL",
    "PROPERTIES",
    "PURCHASE_SHARE",
    "WAREHOUSES",
    "SaleDocument",
    "Sample",
    "broken_samples",
    "catalog_sample",
    "feature_id",
    "good_id",
    "group_id",
    "maker_id",
    "price_type_id",
    "property_id",
    "property_value_id",
    "sale_sample",
    "warehouse_id",
]
