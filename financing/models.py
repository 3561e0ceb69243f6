"""Models of the financing domain; they live in the `financing` database (see config/routers.py)."""
