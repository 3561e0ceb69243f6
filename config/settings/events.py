"""EVENTS: retries, the keys that sign them, RabbitMQ and Kafka, and who hands them to the
broker (docs/events.md; docs/operations.md, "Events: published by the relay")."""

from common.environment import env
from config.settings.celery import CELERY_TASK_ALWAYS_EAGER

# EVENTS
# ------------------------------------------------------------------------------
# Ten retries with the default back-off span about half an hour.
EVENTS_MAX_RETRIES = env.int("EVENTS_MAX_RETRIES", default=10)
# The keys that sign every event the relay hands to the workers, which act on no message
# without a valid signature (common/events/signing.py, docs/events.md, "Signed hand-over").
# Comma-separated: the first signs, all verify (put a new key first to rotate). Only the
# relay and the workers need them; production refuses the development default.
DEFAULT_EVENTS_SIGNING_KEY = "embedded-development-events-key-change-me-0123456789"
EVENTS_SIGNING_KEYS = env.list("EVENTS_SIGNING_KEYS", default=[DEFAULT_EVENTS_SIGNING_KEY])
# The kinds of process (config/process_kind.py) that hand events to the workers, or act on
# them: in production only they hold the keys.
EVENTS_SIGNING_KINDS = ("relay", "worker")
# RabbitMQ publication of every event (common/events/amqp.py, docs/events.md): on when set,
# e.g. amqp://guest:guest@127.0.0.1:5672//. Events go to the durable topic exchange
# EVENTS_AMQP_EXCHANGE with their type as the routing key.
EVENTS_AMQP_URL = env.str("EVENTS_AMQP_URL", default="")
EVENTS_AMQP_EXCHANGE = env.str("EVENTS_AMQP_EXCHANGE", default="autosalon.events")
# Kafka publication of every event (common/events/kafka.py, docs/events.md, "Kafka"): on when
# set, e.g. 127.0.0.1:9092 (comma-separated brokers). One topic per aggregate, the prefix
# and the event type's first part (`autosalon.order`), keyed by the aggregate id.
EVENTS_KAFKA_BOOTSTRAP_SERVERS = env.str("EVENTS_KAFKA_BOOTSTRAP_SERVERS", default="")
EVENTS_KAFKA_TOPIC_PREFIX = env.str("EVENTS_KAFKA_TOPIC_PREFIX", default="autosalon.")
# How the relay and the workers reach the brokers (docs/events.md, "Kafka: TLS and SASL"):
# PLAINTEXT on this machine; production refuses anything but SASL_SSL, TLS to the broker and
# a user and password of the project's own. The password is a secret, read like any other
# from EVENTS_KAFKA_SASL_PASSWORD_FILE, and only the processes that publish hold it. The
# broker's certificate is checked against EVENTS_KAFKA_SSL_CA_LOCATION (a PEM file of the
# authorities to trust; empty: the system's), and its name against the broker's address.
EVENTS_KAFKA_SECURITY_PROTOCOL = env.str("EVENTS_KAFKA_SECURITY_PROTOCOL", default="PLAINTEXT")
EVENTS_KAFKA_SASL_MECHANISM = env.str("EVENTS_KAFKA_SASL_MECHANISM", default="SCRAM-SHA-512")
EVENTS_KAFKA_SASL_USERNAME = env.str("EVENTS_KAFKA_SASL_USERNAME", default="")
EVENTS_KAFKA_SASL_PASSWORD = env.str("EVENTS_KAFKA_SASL_PASSWORD", default="")
EVENTS_KAFKA_SSL_CA_LOCATION = env.str("EVENTS_KAFKA_SSL_CA_LOCATION", default="")
# What `manage.py events_kafka_topics` creates the topics with: partitions (an aggregate's
# events stay on one), replicas (1 for a single broker) and retention (7 days).
EVENTS_KAFKA_TOPIC_PARTITIONS = env.int("EVENTS_KAFKA_TOPIC_PARTITIONS", default=6)
EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR = env.int("EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR", default=1)
EVENTS_KAFKA_TOPIC_RETENTION_HOURS = env.int("EVENTS_KAFKA_TOPIC_RETENTION_HOURS", default=168)
# Check every payload against its event type's JSON Schema when it is emitted (the test
# suite does; common.events.contract).
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=False)
EVENTS_RETRY_BACKOFF = env.int("EVENTS_RETRY_BACKOFF", default=2)
# Who hands a committed event to the broker. Services mode: the relay process
# (`manage.py events_relay --follow`), woken by the emitting transaction's NOTIFY, so that a
# web request never talks to the broker. Embedded mode, whose tasks run in-process: the
# emitting code, once its transaction commits (docs/operations.md, "Events: published by the
# relay").
EVENTS_PUBLISH_ON_COMMIT = env.bool("EVENTS_PUBLISH_ON_COMMIT", default=CELERY_TASK_ALWAYS_EAGER)
# Beat's periodic relay leaves fresh rows to the relay process (or the publisher on commit).
EVENTS_RELAY_GRACE_SECONDS = env.int("EVENTS_RELAY_GRACE_SECONDS", default=5)
# An event some consumer has not recorded this long after its hand-over to the broker is
# handed over again, then after twice as long, up to the maximum. 0 turns redelivery off:
# an event the broker loses is then lost.
EVENTS_REDELIVER_AFTER_SECONDS = env.int("EVENTS_REDELIVER_AFTER_SECONDS", default=60)
EVENTS_REDELIVER_MAX_SECONDS = env.int("EVENTS_REDELIVER_MAX_SECONDS", default=3600)
