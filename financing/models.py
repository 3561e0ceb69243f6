"""Models of the financing domain; they live in the `financing` database (see config/routers.py)."""

from common.models import InboxEventBase, OutboxEventBase


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        pass
