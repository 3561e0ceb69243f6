"""The exchange with 1C:Enterprise over CommerceML 2, the protocol of its exchange with a
site: goods, prices and stock in, orders out and back (docs/1c.md)."""
