"""The PostgreSQL backend every services-mode alias uses (see `base.py`)."""
