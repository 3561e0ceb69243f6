"""What orders' services take from their callers beyond common.types."""

from typing import Protocol

from common.types import Applicant


class Customer(Applicant, Protocol):
    """Who places an order: the order keeps a snapshot of their e-mail and name; holding a
    vehicle needs the e-mail verified."""

    @property
    def email(self) -> str: ...

    @property
    def full_name(self) -> str: ...
