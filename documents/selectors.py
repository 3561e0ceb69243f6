"""Reads of the documents domain, scoped to who asks: a customer sees the documents of their
own orders, staff those of their showrooms (common.showrooms)."""

from typing import TypedDict

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError, NotFound
from common.sellers import Seller
from common.showrooms import visible_to
from common.types import Actor, Id
from documents.error_codes import DocumentErrorCode
from documents.models import Document, DocumentTemplate, LegalEntity
from showroom.selectors import showrooms

DB = "documents"


def document_list(*, user: Actor) -> QuerySet[Document]:
    documents = Document.objects.using(DB).select_related("supersedes")
    return visible_to(user, documents)


def documents_of_order(*, user: Actor, order_id: Id) -> QuerySet[Document]:
    """An order's documents, the newest first; another customer's order has none."""
    return document_list(user=user).filter(order_id=order_id).order_by("-created_at")


def document_get(*, user: Actor, document_id: Id) -> Document:
    """Another customer's document is a 404, exactly like a missing one."""
    document = document_list(user=user).filter(pk=document_id).first()
    if document is None:
        raise NotFound
    return document


def document_current(*, kind: str, order_id: Id) -> Document | None:
    """The order's document of a kind that nothing has superseded."""
    return (
        Document.objects.using(DB)
        .filter(kind=kind, order_id=order_id, superseded_by__isnull=True)
        .first()
    )


def legal_entity_default() -> LegalEntity:
    entity = LegalEntity.objects.using(DB).filter(is_default=True).first()
    if entity is None:
        raise ApplicationError(
            _("No legal entity signs the documents: add one in the admin and mark it so."),
            code=DocumentErrorCode.NO_LEGAL_ENTITY,
            status=409,
        )
    return entity


def legal_entity_of(*, showroom_id: Id | None) -> LegalEntity:
    """The legal entity that sells from the showroom (docs/showrooms.md, "Documents"): the one
    the showroom names once a second person confirmed its requisites, the default one
    otherwise (a showroom that names none, an order of the group's)."""
    entity_id = showrooms.showroom_legal_entity(showroom_id=showroom_id) if showroom_id else None
    named = None
    if entity_id is not None:
        confirmed = LegalEntity.objects.using(DB).filter(confirmed_at__isnull=False)
        named = confirmed.filter(pk=entity_id).first()
    return named or legal_entity_default()


def seller_of_showroom(showroom_id: Id | None) -> Seller | None:
    """`legal_entity_of` as a fiscal receipt states it (common.sellers); None while no legal
    entity signs."""
    try:
        entity = legal_entity_of(showroom_id=showroom_id)
    except ApplicationError:  # no default legal entity yet
        return None
    return Seller(name=entity.short_name, inn=entity.inn, address=entity.address)


class SellerContacts(TypedDict):
    """The seller as a buyer must be able to read it on every page of a distance sale (the
    Consumer Protection Law, art. 26.1): its name, INN, OGRN, address and phone."""

    name: str
    inn: str
    ogrn: str
    address: str
    phone: str
    email: str


def legal_entity_choices() -> list[tuple[str, str]]:
    """Every legal entity as a form's choice: its id and its short name with its showroom."""
    return [
        (str(entity.pk), str(entity))
        for entity in LegalEntity.objects.using(DB).order_by("showroom")
    ]


def sellers_of(*, entity_ids: list[int | None]) -> dict[str | None, SellerContacts]:
    """The legal entities by id as their contacts, and the default one under None (a
    showroom that names none, or one not confirmed yet, sells under it: `legal_entity_of`)."""
    ids = {str(pk) for pk in entity_ids if pk}
    named = Q(pk__in=ids, confirmed_at__isnull=False)
    entities = LegalEntity.objects.using(DB).filter(named | Q(is_default=True))
    found: dict[str | None, SellerContacts] = {}
    for entity in entities:
        contacts = _contacts(entity)
        if str(entity.pk) in ids:
            found[str(entity.pk)] = contacts
        if entity.is_default:
            found[None] = contacts
    return found


def _contacts(entity: LegalEntity) -> SellerContacts:
    return {
        "name": entity.short_name,
        "inn": entity.inn,
        "ogrn": entity.ogrn,
        "address": entity.address,
        "phone": entity.phone,
        "email": entity.email,
    }


def seller_contacts() -> SellerContacts | None:
    """The legal entity that signs the documents, as its contacts; None while there is none.
    Read on every storefront page: kept in the cache for a minute."""
    cached = cache.get(SELLER_CACHE_KEY)
    if cached is not None:
        return cached or None
    entity = LegalEntity.objects.using(DB).filter(is_default=True).first()
    contacts = _contacts(entity) if entity else None
    cache.set(SELLER_CACHE_KEY, contacts or {}, SELLER_CACHE_SECONDS)
    return contacts


SELLER_CACHE_KEY = "documents:seller-contacts"
SELLER_CACHE_SECONDS = 60


def seller_contacts_forget(sender: object, **kwargs: object) -> None:
    """`post_save` and `post_delete` receiver of LegalEntity: the next page reads it anew."""
    cache.delete(SELLER_CACHE_KEY)


def template_current(*, kind: str, language: str) -> DocumentTemplate:
    """The latest version of a kind's template in `language`, else in Russian."""
    templates = DocumentTemplate.objects.using(DB).filter(kind=kind).order_by("-version")
    template = (
        templates.filter(language=language).first() or templates.filter(language="ru").first()
    )
    if template is None:
        raise ApplicationError(
            _("There is no template for this kind of document."),
            code=DocumentErrorCode.NO_TEMPLATE,
            status=409,
        )
    return template


# Who may propose and confirm a change of the seller's requisites (docs/documents.md,
# "Requisites"): superusers, and staff given it; managers are not.
REQUISITES_PERMISSION = "documents.change_requisites"


def requisites_keepers_emails() -> list[str]:
    """The e-mail addresses of the active staff who hold the requisites permission: they hear
    of every change proposed and applied. Read through Django's own permission check."""
    users = ModelBackend().with_perm(REQUISITES_PERMISSION, is_active=True)
    return sorted({user.email for user in users.filter(is_staff=True) if user.email})
