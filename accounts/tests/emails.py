"""What the tests read out of the e-mails the accounts send: the values of a password
reset's link."""

import re
from urllib.parse import parse_qs, urlsplit


def reset_link_values(message) -> dict:
    """uid and token from the link in the plain-text part."""
    found = re.search(r"https?://\S+", message.body)
    assert found is not None, message.body
    link = found.group()
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}
