"""Reads of the documents domain, scoped to who asks: a customer sees the documents of their
own orders, staff those of their showrooms (common.showrooms); and who sells a showroom's, an
order's or a car's sale, `seller_of`, which every surface of a sale reads (docs/showrooms.md,
"One seller")."""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError, NotFound
from common.sellers import Seller
from common.showrooms import visible_to
from common.types import Actor, Id
from documents.error_codes import DocumentErrorCode
from documents.models import Document, DocumentTemplate, LegalEntity
from orders import selectors as orders_selectors
from showroom.selectors import showrooms

DB = "documents"


def document_list(*, user: Actor) -> QuerySet[Document]:
    """With what each replaces and what replaced it (docs/documents.md, "Papers follow the
    terms"), read in the same query."""
    documents = Document.objects.using(DB).select_related("supersedes", "superseded_by")
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
    """The order's document of a kind that nothing has superseded, nor made void."""
    return (
        Document.objects.using(DB)
        .filter(kind=kind, order_id=order_id, superseded_by__isnull=True, voided_at__isnull=True)
        .first()
    )


def document_number(*, document_id: Id) -> str | None:
    """A document's number; None for one that is not there."""
    return (
        Document.objects.using(DB).filter(pk=document_id).values_list("number", flat=True).first()
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
    entity_id, _city = _sale_place(showroom_id)
    return _entity_selling(entity_id)


def _sale_place(showroom_id: Id | None) -> tuple[int | None, str]:
    """The legal entity the showroom names (None: none) and its city; nothing for no
    showroom (a sale of the group's own)."""
    found = showrooms.showroom_sale_place(showroom_id=showroom_id) if showroom_id else None
    return found if found is not None else (None, "")


def sale_city(*, showroom_id: Id | None) -> str:
    """The city a showroom's papers are made in (empty: the group's own)."""
    return _sale_place(showroom_id)[1]


def _entity_selling(entity_id: int | None) -> LegalEntity:
    """The legal entity named, once a second person confirmed its requisites; else the
    default one."""
    named = None
    if entity_id is not None:
        confirmed = LegalEntity.objects.using(DB).filter(confirmed_at__isnull=False)
        named = confirmed.filter(pk=entity_id).first()
    return named or legal_entity_default()


def seller_of(
    *, showroom_id: Id | None = None, order_id: Id | None = None, product_id: Id | None = None
) -> Seller | None:
    """Who sells, the one answer every surface of a sale reads (docs/showrooms.md, "One
    seller"): of a showroom, or of one of an order (the showroom that sold its car) or of a
    car (the one it stands in), whichever is given: the legal entity `legal_entity_of` names,
    with the showroom's city. The group's default one for an order of the group's, a car that
    stands nowhere, or with nothing given; None while no legal entity signs."""
    if order_id is not None:
        showroom_id = orders_selectors.order_showroom(order_id=order_id)
    elif product_id is not None:
        showroom_id = catalog_selectors.vehicle_showroom_id(vehicle_id=product_id)
    entity_id, city = _sale_place(showroom_id)
    try:
        entity = _entity_selling(entity_id)
    except ApplicationError:  # no default legal entity yet
        return None
    return _seller(entity, city)


def _seller(entity: LegalEntity, city: str = "") -> Seller:
    return Seller(
        name=entity.short_name,
        inn=entity.inn,
        address=entity.address,
        ogrn=entity.ogrn,
        phone=entity.phone,
        email=entity.email,
        city=city,
    )


def seller_of_showroom(showroom_id: Id | None) -> Seller | None:
    """`seller_of` a showroom, as common.sellers asks for it (payments' fiscal receipts)."""
    return seller_of(showroom_id=showroom_id)


def legal_entity_choices() -> list[tuple[str, str]]:
    """Every legal entity as a form's choice: its id and its short name with its showroom."""
    return [
        (str(entity.pk), str(entity))
        for entity in LegalEntity.objects.using(DB).order_by("showroom")
    ]


def seller_contacts() -> Seller | None:
    """The group's seller (`seller_of` no showroom), as a page about no one car names it in
    its footer; None while there is none. Read on every storefront page: kept in the cache
    for a minute."""
    cached = cache.get(SELLER_CACHE_KEY)
    if cached is None:
        cached = seller_of() or False  # False: none, known
        cache.set(SELLER_CACHE_KEY, cached, SELLER_CACHE_SECONDS)
    return cached if isinstance(cached, Seller) else None


SELLER_CACHE_KEY = "documents:group-seller"
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
