"""The buyers' website: the catalog, comparison, checkout and the account pages
(docs/storefront.md)."""
