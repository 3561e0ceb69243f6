"""The exchange's writes: its accounts and sessions (`sessions.py`), the files 1C sends
(`files.py`), their import a step at a time (`imports.py`) of goods (`goods.py`) and of prices
and stock (`offers.py`), and the orders' exchange (`sale.py`)."""
