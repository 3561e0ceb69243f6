"""The buyers' pages (docs/storefront.md): the cars in `catalog`, signing in and up in
`account`."""
