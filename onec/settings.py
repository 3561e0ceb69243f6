"""The exchange with 1C's settings (docs/conventions.md, "Settings"; docs/1c.md)."""

from common.environment import env

# EXCHANGE WITH 1C (docs/1c.md)
# ------------------------------------------------------------------------------
# The largest part 1C may send in one request (`file_limit` of `mode=init`).
ONEC_FILE_LIMIT_BYTES = env.int("ONEC_FILE_LIMIT_BYTES", default=1_000_000)
# One file's largest size, as sent or as unpacked from an archive, and an archive's largest
# unpacked size in all.
ONEC_MAX_FILE_BYTES = env.int("ONEC_MAX_FILE_BYTES", default=300_000_000)
ONEC_MAX_UNPACKED_BYTES = env.int("ONEC_MAX_UNPACKED_BYTES", default=600_000_000)
# An XML file nested deeper, or of more elements, is refused whole.
ONEC_XML_MAX_DEPTH = env.int("ONEC_XML_MAX_DEPTH", default=40)
ONEC_XML_MAX_ELEMENTS = env.int("ONEC_XML_MAX_ELEMENTS", default=20_000_000)
# One `mode=import` call works about this long, then answers `progress` and 1C calls again.
ONEC_STEP_SECONDS = env.float("ONEC_STEP_SECONDS", default=20.0)
# Goods applied in one transaction.
ONEC_BATCH = env.int("ONEC_BATCH", default=500)
# How long the cookie `checkauth` gives lives.
ONEC_SESSION_SECONDS = env.int("ONEC_SESSION_SECONDS", default=3600)
# The dashboard warns when no exchange has succeeded for this long.
ONEC_LATE_AFTER_HOURS = env.int("ONEC_LATE_AFTER_HOURS", default=26)
# Files' parts are kept this long after their session for a look at what 1C sent.
ONEC_FILES_KEEP_DAYS = env.int("ONEC_FILES_KEEP_DAYS", default=3)
ONEC_PURGE_SECONDS = env.int("ONEC_PURGE_SECONDS", default=3600)
# The orders one `mode=query` answer holds at most; the rest go in the next exchange.
ONEC_ORDERS_PER_QUERY = env.int("ONEC_ORDERS_PER_QUERY", default=500)
