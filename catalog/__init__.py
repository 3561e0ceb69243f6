"""The vehicles and products for sale: categories, specifications, photos, stock and used cars
taken in (docs/storefront.md, docs/admin.md)."""
