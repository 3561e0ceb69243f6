"""Models of the orders domain; they live in the `orders` database (see config/routers.py)."""
