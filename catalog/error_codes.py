from enum import StrEnum


class CatalogErrorCode(StrEnum):
    INSUFFICIENT_STOCK = "insufficient_stock"
    PRODUCT_UNAVAILABLE = "product_unavailable"
    CATEGORY_CYCLE = "category_cycle"
    CATEGORY_NOT_EMPTY = "category_not_empty"
    CATEGORY_TOO_DEEP = "category_too_deep"
    VIN_TAKEN = "vin_taken"
    VIN_CONTRADICTION = "vin_contradiction"
    SHOWROOM_NOT_FOUND = "showroom_not_found"
    SHOWROOM_REQUIRED = "showroom_required"
    ALREADY_THERE = "already_there"
