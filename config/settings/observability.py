"""METRICS and LOGGING: the token /metrics asks for, and the log lines' level and format
(docs/operations.md, "Logs" and "Metrics")."""

from typing import Any

from common.environment import env

# METRICS
# ------------------------------------------------------------------------------
# A bearer token /metrics asks for (common/ops/metrics.py); production requires one.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# LOGGING
# ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# `json`: one JSON object per line (production); `console`: readable lines (common/ops/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "common.ops.logging.json_formatter"},
        "console": {"()": "common.ops.logging.console_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The servers' own lines in the same format; their access log is ours
        # (common.ops.logging.AccessLogMiddleware), which redacts secrets in query strings.
        "uvicorn": {"handlers": ["console"], "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "propagate": False},
        "uvicorn.access": {"handlers": [], "propagate": False},
        "_granian": {"handlers": ["console"], "propagate": False},
        "granian.access": {"handlers": [], "propagate": False},
        # WeasyPrint says every step of every PDF at INFO (docs/documents.md): its warnings.
        "weasyprint": {"level": "WARNING"},
    },
}
