import pytest

from documents.defaults import shipped_load
from documents.models import DocumentTemplate


@pytest.fixture(autouse=True)
def shipped_templates(request):
    """The templates migration 0002 loads, whatever an earlier transactional test's flush
    emptied."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        shipped_load(DocumentTemplate, using="documents")
