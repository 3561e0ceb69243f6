"""Models of the payments domain; they live in the `payments` database (see config/routers.py)."""
