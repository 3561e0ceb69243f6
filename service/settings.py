"""The service app's settings (docs/conventions.md, "Settings"): its slots and the phone codes of
anonymous bookers (docs/service.md)."""

from common.environment import env

# SERVICE (docs/service.md)
# ------------------------------------------------------------------------------
# Slots start every this many minutes from the showroom's opening, and a booking's length is
# its menu's norm hours rounded up to it (an hour for a complaint).
SERVICE_SLOT_MINUTES = env.int("SERVICE_SLOT_MINUTES", default=30)
# How many days ahead a booking may be made.
SERVICE_BOOKING_HORIZON_DAYS = env.int("SERVICE_BOOKING_HORIZON_DAYS", default=60)
# A phone code sent to an anonymous booker is valid this many seconds, for this many tries.
SERVICE_PHONE_CODE_SECONDS = env.int("SERVICE_PHONE_CODE_SECONDS", default=600)
SERVICE_PHONE_CODE_ATTEMPTS = env.int("SERVICE_PHONE_CODE_ATTEMPTS", default=5)
# At most this many codes are sent to one phone an hour, from however many addresses: the
# per-address rate limit alone lets many addresses pump texts to one number at our cost.
SERVICE_PHONE_CODES_PER_HOUR = env.int("SERVICE_PHONE_CODES_PER_HOUR", default=5)
# A signed link to change an anonymous booking stays valid this many days.
SERVICE_LINK_DAYS = env.int("SERVICE_LINK_DAYS", default=90)
# A new work order's warranty on the works and on the parts the dealer supplied, in months
# (ПП РФ № 780 asks the contract to state them; the advisor may change them on a draft).
SERVICE_WORKS_WARRANTY_MONTHS = env.int("SERVICE_WORKS_WARRANTY_MONTHS", default=6)
SERVICE_PARTS_WARRANTY_MONTHS = env.int("SERVICE_PARTS_WARRANTY_MONTHS", default=12)
