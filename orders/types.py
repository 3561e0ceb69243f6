"""What orders' services take from their callers beyond common.types."""

from typing import Protocol

from common.types import Actor


class Customer(Actor, Protocol):
    """Who places an order: the order keeps a snapshot of their e-mail and name."""

    @property
    def email(self) -> str: ...

    @property
    def full_name(self) -> str: ...
