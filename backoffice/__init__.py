"""The back office: the managers' business dashboard and the sales report, composed from every
app's selectors (docs/dashboard.md, docs/admin.md "Reports")."""
