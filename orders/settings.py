"""The orders app's settings (docs/conventions.md, "Settings"): the reservations' sweep, the
live feed's snapshot and the clocks of unpaid orders (docs/operations.md, "Unpaid orders")."""

from common.environment import env

# ORDERS
# ------------------------------------------------------------------------------
# A reservation whose order has not appeared in the orders database after this long belongs
# to an order that never committed; the sweep gives its stock back.
ORDERS_RESERVATION_SWEEP_AFTER_SECONDS = env.int(
    "ORDERS_RESERVATION_SWEEP_AFTER_SECONDS", default=600
)
# How many recent orders the live feed sends on connect.
ORDERS_LIVE_SNAPSHOT_SIZE = env.int("ORDERS_LIVE_SNAPSHOT_SIZE", default=50)
# A pending order not paid after this many hours is cancelled and its stock given back
# (`orders_expire_unpaid`, and beat every 15 minutes). Vehicles and financed orders have
# clocks of their own, below (docs/operations.md, "Unpaid orders").
ORDERS_UNPAID_EXPIRE_HOURS = env.int("ORDERS_UNPAID_EXPIRE_HOURS", default=48)
# A pending order holding a vehicle (a product with a VIN) is cancelled after this many
# hours, or ORDERS_UNPAID_EXPIRE_HOURS if that is shorter, unless it is financed.
ORDERS_VEHICLE_HOLD_HOURS = env.int("ORDERS_VEHICLE_HOLD_HOURS", default=24)
# A financed pending order (an approved or disbursed loan, or a deposit of at least
# ORDERS_VEHICLE_DEPOSIT_PERCENT of its vehicles) is cancelled after this many days.
ORDERS_FINANCED_EXPIRE_DAYS = env.int("ORDERS_FINANCED_EXPIRE_DAYS", default=14)
# The share of its vehicle lines' total an order must have paid to keep its vehicles for
# ORDERS_FINANCED_EXPIRE_DAYS.
ORDERS_VEHICLE_DEPOSIT_PERCENT = env.int("ORDERS_VEHICLE_DEPOSIT_PERCENT", default=10)
# The most vehicle units one customer may hold on pending orders; an order beyond it is a
# 409 `unpaid_vehicle_limit`.
ORDERS_MAX_UNPAID_VEHICLES = env.int("ORDERS_MAX_UNPAID_VEHICLES", default=2)
