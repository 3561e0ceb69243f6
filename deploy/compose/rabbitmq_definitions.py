#!/usr/bin/env python3
"""RabbitMQ's users, virtual hosts and permissions for docker-compose.yml (docs/operations.md,
"Brokers"; docs/security.md, "Events that cannot be forged"), as a definitions file that
RabbitMQ loads on its first start (`load_definitions`). Standard library only: make-secrets.sh
runs it on the host.

Two virtual hosts, so that nobody who reads the partners' events can reach the workers' tasks:
- `celery`: the Celery broker. Only `autosalon_celery` (the app's processes) may use it.
- `events`: the events for partners on the topic exchange `autosalon.events`, which these
  definitions declare. `autosalon_events` (the relay and the workers' publishing sweep) may
  only publish to it; a partner's user may only declare, bind and read queues named
  `partner.<name>.*`, from that exchange: never publish to it, never read another's queue.
- `autosalon_admin` administers the broker (rabbitmqctl, the management UI) and has no
  permission in either virtual host.

    deploy/compose/rabbitmq_definitions.py definitions ADMIN_PW CELERY_PW EVENTS_PW
    deploy/compose/rabbitmq_definitions.py partner NAME      # rabbitmqctl's commands
"""

import base64
import hashlib
import json
import os
import re
import sys

CELERY_VHOST = "celery"
EVENTS_VHOST = "events"
EVENTS_EXCHANGE = "autosalon.events"
ADMIN_USER = "autosalon_admin"
CELERY_USER = "autosalon_celery"
EVENTS_USER = "autosalon_events"
NOTHING = "^$"
PARTNER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def password_hash(password: str) -> str:
    """RabbitMQ's `rabbit_password_hashing_sha256`: a 4-byte salt, then SHA-256 of the salt
    and the password, base64 together."""
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def partner_permissions(name: str) -> dict[str, str]:
    """What the partner `name` may do in the events virtual host: its own queues, and reading
    the exchange to bind them to it."""
    if not PARTNER_NAME.match(name):
        raise ValueError(f"a partner's name is lowercase letters, digits and dashes: {name!r}")
    own = rf"^partner\.{name}\..+$"
    return {
        "configure": own,
        "write": own,
        "read": rf"^(partner\.{name}\..+|{re.escape(EVENTS_EXCHANGE)})$",
    }


def definitions(admin_password: str, celery_password: str, events_password: str) -> dict:
    def user(name: str, password: str, tags: list[str]) -> dict:
        return {
            "name": name,
            "password_hash": password_hash(password),
            "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": tags,
        }

    exchange = rf"^{re.escape(EVENTS_EXCHANGE)}$"
    return {
        "users": [
            user(ADMIN_USER, admin_password, ["administrator"]),
            user(CELERY_USER, celery_password, []),
            user(EVENTS_USER, events_password, []),
        ],
        "vhosts": [{"name": CELERY_VHOST}, {"name": EVENTS_VHOST}],
        "permissions": [
            {
                "user": CELERY_USER,
                "vhost": CELERY_VHOST,
                "configure": ".*",
                "write": ".*",
                "read": ".*",
            },
            # The relay declares the exchange it publishes to, and reads nothing.
            {
                "user": EVENTS_USER,
                "vhost": EVENTS_VHOST,
                "configure": exchange,
                "write": exchange,
                "read": NOTHING,
            },
        ],
        "exchanges": [
            {
                "name": EVENTS_EXCHANGE,
                "vhost": EVENTS_VHOST,
                "type": "topic",
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
        ],
    }


def partner_commands(name: str) -> str:
    """The rabbitmqctl commands that give the partner `name` a user (its password asked for
    on the terminal) and its permissions."""
    permissions = partner_permissions(name)
    user = f"partner-{name}"
    return "\n".join(
        [
            f"rabbitmqctl add_user {user}",
            f"rabbitmqctl set_permissions -p {EVENTS_VHOST} {user} "
            f"'{permissions['configure']}' '{permissions['write']}' '{permissions['read']}'",
        ]
    )


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["definitions", admin, celery, events]:
            print(json.dumps(definitions(admin, celery, events), indent=2))
        case ["partner", name]:
            print(partner_commands(name))
        case _:
            sys.exit(__doc__)
