"""Documents' test data, made as the admin and the services make it, and how a test reads
a document."""

import io

from django.utils import timezone
from pypdf import PdfReader

from documents.defaults import shipped_load
from documents.demo import DEMO_SELLER
from documents.models import DocumentTemplate, LegalEntity

DB = "documents"

SELLER = {"showroom": "Главный салон", **DEMO_SELLER}


def legal_entity_make(**fields) -> LegalEntity:
    """The default legal entity, and the shipped templates (an earlier transactional test's
    flush may have emptied what the migration loaded): what generating a document needs."""
    shipped_load(DocumentTemplate, using=DB)
    entity = LegalEntity(**{**SELLER, "is_default": True, "confirmed_at": timezone.now(), **fields})
    entity.full_clean()
    entity.save(using=DB)
    return entity


def text_of(document) -> str:
    """The words of a document's PDF, its whitespace made single spaces."""
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
