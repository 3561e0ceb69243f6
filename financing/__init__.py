"""Car loans: applications, scoring, the lender's decision and its money (docs/deal.md)."""
