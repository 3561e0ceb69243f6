"""Writes of the catalog's categories: a tree kept as materialised paths (`Category.path`),
at most `MAX_DEPTH` levels deep; a move carries its whole subtree along."""

from typing import TypedDict, Unpack
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from catalog.cache import product_list_invalidate_after_commit
from catalog.error_codes import CatalogErrorCode
from catalog.models import PATH_SEPARATOR, Category
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode

DB = "catalog"


MAX_DEPTH = 20


def _too_deep() -> ApplicationError:
    return ApplicationError(
        _("Categories nest at most %(depth)s levels deep.") % {"depth": MAX_DEPTH},
        code=CatalogErrorCode.CATEGORY_TOO_DEEP,
        status=400,
        details={"parent": [_("At most %(depth)s levels.") % {"depth": MAX_DEPTH}]},
    )


def _place(category: Category, parent: Category | None, *, subtree_height: int = 0) -> None:
    """Put `category` under `parent`; its deepest descendant is `subtree_height` below it."""
    level = parent.level + 1 if parent else 0
    if level + subtree_height >= MAX_DEPTH:
        raise _too_deep()
    category.parent = parent
    category.path = f"{parent.path if parent else ''}{category.pk.hex}{PATH_SEPARATOR}"
    category.level = level


def _name_taken() -> ApplicationError:
    return ApplicationError(
        _("A category with this name already exists at this place in the tree."),
        code=CommonErrorCode.VALIDATION_ERROR,
        details={"name": [_("A category with this name already exists here.")]},
    )


def category_create(
    *, name: str, description: str = "", parent: Category | None = None, id: UUID | None = None
) -> Category:
    category = Category(name=name, description=description)
    if id is not None:
        category.pk = id
    _place(category, parent)
    try:
        with transaction.atomic(using=DB):
            category.save(using=DB)
            product_list_invalidate_after_commit()
    except IntegrityError as exc:
        raise _name_taken() from exc
    return category


class CategoryChanges(TypedDict, total=False):
    """What `category_update` may change of a category."""

    name: str
    description: str
    parent: Category | None


def category_update(*, category: Category, **fields: Unpack[CategoryChanges]) -> Category:
    """Rename, describe or move a category; a move carries its whole subtree along. Works on
    the stored row, locked, whatever the caller's copy says."""
    moving = "parent" in fields
    new_parent = fields.pop("parent", None)
    new_parent_id = new_parent.pk if new_parent is not None else None
    try:
        with transaction.atomic(using=DB):
            ids = [pk for pk in (category.pk, new_parent_id) if pk]
            locked = Category.objects.using(DB).select_for_update().filter(pk__in=ids)
            rows = {row.pk: row for row in locked.order_by("pk")}
            category = rows[category.pk]
            if moving and new_parent_id != category.parent_id:
                _category_move(
                    category, rows.get(new_parent_id) if new_parent_id is not None else None
                )
            for name, value in fields.items():
                setattr(category, name, value)
            category.save(
                using=DB, update_fields=[*fields, "parent", "path", "level", "updated_at"]
            )
            product_list_invalidate_after_commit()  # lists show category names and trees
    except IntegrityError as exc:
        raise _name_taken() from exc
    return category


def _category_move(category: Category, new_parent: Category | None) -> None:
    if new_parent is not None and new_parent.path.startswith(category.path):
        raise ApplicationError(
            _("A category cannot move under itself or one of its descendants."),
            code=CatalogErrorCode.CATEGORY_CYCLE,
            status=409,
        )
    subtree = Category.objects.using(DB).filter(path__startswith=category.path)
    height = max(subtree.values_list("level", flat=True)) - category.level
    old_path, old_level = category.path, category.level
    _place(category, new_parent, subtree_height=height)
    subtree.exclude(pk=category.pk).update(
        path=Concat(Value(category.path), Substr("path", len(old_path) + 1)),
        level=F("level") + (category.level - old_level),
    )


def category_delete(*, category: Category) -> None:
    with transaction.atomic(using=DB):
        if category.children.exists() or category.products.exists():
            raise ApplicationError(
                _("Only a category without subcategories and products can be deleted."),
                code=CatalogErrorCode.CATEGORY_NOT_EMPTY,
                status=409,
            )
        category.delete(using=DB)
        product_list_invalidate_after_commit()
