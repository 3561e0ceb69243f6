"""Models of the catalog domain; they live in the `catalog` database (see config/routers.py)."""
