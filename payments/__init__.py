"""Money: payments and their providers, refunds, the ledger, fiscal receipts (docs/payments.md)."""
