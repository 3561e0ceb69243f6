"""The deal's papers: contracts, invoices and acts rendered to PDF from editable templates
(docs/documents.md)."""
