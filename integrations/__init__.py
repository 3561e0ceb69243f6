"""Partners: webhook subscriptions and their deliveries, RabbitMQ and Kafka publishing
(docs/integrations.md)."""
