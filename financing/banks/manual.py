"""A bank without an API: staff send it the papers and record its answer
(POST financing/offers/{id}/answer, or the admin)."""

from typing import Any

from financing.models import Bank


class ManualBank:
    def send(self, bank: Bank, application: dict[str, Any]) -> str:
        return ""  # the answer comes from staff

    def decline(self, bank: Bank, offer_id: str, reference: str) -> None:
        pass  # staff tell the bank, as they told it of the application
