"""The showroom app's settings (docs/conventions.md, "Settings"): a paid event's seat hold
and the test drives' rules (docs/api.md, "Test drives")."""

from common.environment import env

# SHOWROOM
# ------------------------------------------------------------------------------
# How long a seat at a paid event is held for its payment before it goes to the waitlist.
SHOWROOM_PAYMENT_HOLD_MINUTES = env.int("SHOWROOM_PAYMENT_HOLD_MINUTES", default=30)
# Test drives (docs/api.md, "Test drives"): a customer, staff too, holds at most this many
# booked drives still to start, each at most this many hours long, starting at most this
# many days ahead (by the dealership's calendar). Rescheduling keeps to the same rules.
SHOWROOM_TEST_DRIVE_MAX_ACTIVE = env.int("SHOWROOM_TEST_DRIVE_MAX_ACTIVE", default=3)
SHOWROOM_TEST_DRIVE_MAX_HOURS = env.int("SHOWROOM_TEST_DRIVE_MAX_HOURS", default=2)
SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD = env.int("SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD", default=30)
# The free slots `GET showroom/test-drives/slots` lists are this long, from opening time.
SHOWROOM_TEST_DRIVE_SLOT_MINUTES = env.int("SHOWROOM_TEST_DRIVE_SLOT_MINUTES", default=60)
