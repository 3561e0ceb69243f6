"""Cross-app business flows: the deal, its money and the reports and figures it adds up to."""
