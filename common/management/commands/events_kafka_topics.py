from typing import Any

from confluent_kafka import KafkaException
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError

from common.events import kafka


class Command(BaseCommand):
    help = (
        'Create the Kafka topics the events are published to (docs/events.md, "Kafka"), one '
        "per aggregate, with the partitions, replicas and retention in settings "
        "(EVENTS_KAFKA_TOPIC_*). Topics that exist already are left as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS:
            raise CommandError(
                "EVENTS_KAFKA_BOOTSTRAP_SERVERS is not set: Kafka publication is off."
            )
        try:
            created = kafka.topics_create()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except KafkaException as exc:
            raise CommandError(
                f"Kafka at {settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS}: {exc}"
            ) from exc
        for name, new in created.items():
            self.stdout.write(f"{name:<32} {'created' if new else 'exists, left as it is'}")
        self.stdout.write(
            f"{sum(created.values())} created, {len(created) - sum(created.values())} existed "
            f"({settings.EVENTS_KAFKA_TOPIC_PARTITIONS} partitions, "
            f"{settings.EVENTS_KAFKA_TOPIC_RETENTION_HOURS} h retention)."
        )
