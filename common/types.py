"""What services and selectors take from their callers, shared by every app: an id as callers
hold it, and who asks. A user is the accounts app's, whose models the other apps do not import
(docs/architecture.md §3.2): they know a user by the little they read of one."""

import uuid
from typing import Protocol, TypeAlias

# An id as callers hold it: a UUID (a model's, a URL's), or its text (an event's payload, a
# task's argument, a form's field). The ORM takes either.
Id: TypeAlias = uuid.UUID | str


class Actor(Protocol):
    """Who asks: a signed-in user, of whom a service reads its id, its role and, of a member
    of staff, the showrooms they work in (common.showrooms)."""

    @property
    def pk(self) -> uuid.UUID: ...

    @property
    def is_staff(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def showroom_ids(self) -> list[uuid.UUID]: ...

    @property
    def whole_group(self) -> bool: ...


class Applicant(Actor, Protocol):
    """A user asking for something that only a verified e-mail gets by itself (a loan
    approved by scoring, a held vehicle, a test drive)."""

    @property
    def email_verified(self) -> bool: ...
