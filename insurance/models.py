"""Models of the insurance domain; they live in the `insurance` database (see config/routers.py)."""
