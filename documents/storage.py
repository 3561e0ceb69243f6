"""Where documents' files are kept: the `documents` storage (settings.STORAGES), private,
apart from the public photos; files are read back through the API, never linked to."""

from django.core.files.storage import Storage, storages


def documents_storage() -> Storage:
    return storages["documents"]
