"""Trade-in: a customer's old car appraised, offered for, inspected and taken into stock
(docs/tradein.md)."""
