"""`import.xml` applied (docs/1c.md, "Goods"): 1C's groups mapped to the catalog's categories
(a group not mapped yet gets a category of its own name), and each good made a car, an
accessory or a part by its group and its properties, a batch at a time. A good's digest of
what was applied makes the same file again change nothing."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from catalog.services import exchange as catalog_exchange
from onec.choices import GoodKind, GroupTarget, Outcome, SpecField
from onec.commerceml import Classifier, GoodRecord
from onec.models import ExchangeAccount, Good, GroupMapping, PropertyMapping
from onec.vocabulary import NotUnderstood, spec_value
from service.services import parts_exchange

DB = "onec"
# The site's ids of 1C's goods: the same good, the same id, in every exchange.
NAMESPACE = uuid.UUID("9c4e0f6a-1c00-4b1e-8a51-00000000001c")
# What 1C's `ВидНоменклатуры` says of a car, where no VIN is given yet.
VEHICLE_WORDS = frozenset({"автомобиль", "автомобили", "транспортное средство"})


@dataclass
class Counts:
    """What a batch did: each outcome's count, and the refusals' reasons by good."""

    counts: dict[str, int] = field(default_factory=dict)
    refusals: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, reason

    def add(self, outcome: str, times: int = 1) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + times

    def refuse(self, record_id: str, name: str, reason: str) -> None:
        self.add(Outcome.REFUSED)
        self.refusals.append((record_id, name, reason))


@dataclass(frozen=True)
class CatalogMap:
    """What the mappings say, read once per import call."""

    groups: dict[str, GroupMapping]
    # Property Ид → the field it fills and its reference book's values.
    properties: dict[str, tuple[SpecField, dict[str, str]]]
    overwrite_descriptions: bool


def catalog_map(classifier: Classifier | None, account: ExchangeAccount) -> CatalogMap:
    """The mappings for this file: a group the classifier names and the mapping lacks is added,
    with a category of its name under its parent's (catalog.services.exchange)."""
    known = {group.onec_id: group for group in GroupMapping.objects.using(DB).exclude(onec_id="")}
    by_name = {
        group.name.lower(): group for group in GroupMapping.objects.using(DB).filter(onec_id="")
    }
    for group in classifier.groups if classifier else ():
        if group.onec_id in known:
            continue
        named = by_name.pop(group.name.lower(), None)
        if named is not None:  # mapped by name before 1C first sent it
            named.onec_id = group.onec_id
            if named.target == GroupTarget.CATALOG and named.category_id is None:
                named.category_id = catalog_exchange.category_ensure(
                    name=group.name[:120],
                    parent_id=known[group.parent_id].category_id
                    if group.parent_id in known
                    else None,
                )
            named.save(using=DB, update_fields=["onec_id", "category_id", "updated_at"])
            known[group.onec_id] = named
            continue
        parent = known.get(group.parent_id)
        if parent is not None and parent.target != GroupTarget.CATALOG:
            target, category_id = parent.target, None
        else:
            target = GroupTarget.CATALOG
            category_id = catalog_exchange.category_ensure(
                name=group.name[:120], parent_id=parent.category_id if parent else None
            )
        known[group.onec_id] = GroupMapping.objects.using(DB).create(
            onec_id=group.onec_id, name=group.name[:200], target=target, category_id=category_id
        )
    fields = {
        mapping.name.lower(): SpecField(mapping.field)
        for mapping in PropertyMapping.objects.using(DB).all()
    }
    properties = {
        prop.onec_id: (fields[prop.name.lower()], prop.values)
        for prop in (classifier.properties if classifier else ())
        if prop.name.lower() in fields
    }
    return CatalogMap(known, properties, account.overwrite_descriptions)


def _digest(value: Any) -> str:
    return hashlib.md5(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _vehicle_fields(record: GoodRecord, mapping: CatalogMap) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for property_id, said in record.properties.items():
        if property_id not in mapping.properties:
            continue
        name, values = mapping.properties[property_id]
        value = spec_value(name, values.get(said, said))
        if value is not None:
            spec[name.value] = value
    return spec


def goods_apply(records: list[GoodRecord], mapping: CatalogMap, counts: Counts) -> None:
    """One batch of goods: products in one transaction of the catalog, parts in one of the
    service's, then the goods' digests here."""
    goods = Good.objects.using(DB).in_bulk([record.onec_id for record in records])
    products: list[_Product] = []
    parts: list[tuple[GoodRecord, parts_exchange.PartRow, str]] = []
    for record in records:
        group = next((mapping.groups[g] for g in record.group_ids if g in mapping.groups), None)
        if group is None or group.target == GroupTarget.SKIP:
            counts.add(Outcome.SKIPPED)
            continue
        known = goods.get(record.onec_id)
        if group.target == GroupTarget.PARTS:
            part_id = (
                known.part_id if known and known.part_id else uuid.uuid5(NAMESPACE, record.onec_id)
            )
            row = parts_exchange.PartRow(
                part_id, record.maker[:100], record.article[:64], record.name
            )
            digest = _digest(row)
            if known and known.import_digest == digest:
                counts.add(Outcome.UNCHANGED)
            else:
                parts.append((record, row, digest))
            continue
        try:
            spec = _vehicle_fields(record, mapping)
        except NotUnderstood as exc:
            counts.refuse(record.onec_id, record.name, str(exc))
            continue
        is_vehicle = bool(spec.get("vin")) or (
            record.requisites.get("ВидНоменклатуры", "").lower() in VEHICLE_WORDS
        )
        fields: dict[str, Any] = {"name": record.name[:200], "category_id": group.category_id}
        if is_vehicle:
            spec.setdefault("make", record.maker[:60])
            spec.setdefault("condition", "used" if spec.get("mileage_km") else "new")
            fields |= {"kind": "vehicle", **spec}
        else:
            fields["kind"] = "accessory"
        if record.deleted:
            fields["is_active"] = False
        digest = _digest([fields, record.description])
        if known and known.import_digest == digest:
            counts.add(Outcome.UNCHANGED)
            continue
        products.append(_Product(record, fields, digest))
    _products_write(products, goods, mapping.overwrite_descriptions, counts)
    _parts_write(parts, counts)


@dataclass(frozen=True)
class _Product:
    record: GoodRecord
    fields: dict[str, Any]
    digest: str


def _products_write(
    products: list[_Product], goods: dict[str, Good], overwrite_description: bool, counts: Counts
) -> None:
    """A good not yet known takes the id of a car already on the site with its VIN, or one of
    its own from its 1C id."""
    by_vin = catalog_exchange.product_ids_by_vin(
        [product.fields["vin"] for product in products if product.fields.get("vin")]
    )
    rows = []
    for product in products:
        known = goods.get(product.record.onec_id)
        product_id = known.product_id if known else None
        if product_id is None:
            vin = str(product.fields.get("vin") or "").upper()
            product_id = by_vin.get(vin) or uuid.uuid5(NAMESPACE, product.record.onec_id)
        rows.append(
            catalog_exchange.GoodRow(
                product_id, product.fields, product.record.description, overwrite_description
            )
        )
    outcomes = catalog_exchange.goods_apply(rows)
    kinds = {"vehicle": GoodKind.VEHICLE, "accessory": GoodKind.ACCESSORY}
    applied = []
    for product, row in zip(products, rows, strict=True):
        record = product.record
        if row.id in outcomes.refused:
            counts.refuse(record.onec_id, record.name, outcomes.refused[row.id])
            continue
        counts.add(outcomes.done[row.id])
        applied.append(
            Good(
                onec_id=record.onec_id,
                kind=kinds[row.fields["kind"]],
                name=record.name[:300],
                product_id=row.id,
                import_digest=product.digest,
            )
        )
    _goods_save(applied, ["kind", "name", "product_id", "import_digest"])


def _parts_write(
    parts: list[tuple[GoodRecord, parts_exchange.PartRow, str]], counts: Counts
) -> None:
    if not parts:
        return
    outcomes = parts_exchange.parts_apply([row for _, row, _ in parts])
    applied = []
    for record, row, digest in parts:
        part_id = outcomes.matched.get(row.id, row.id)
        if row.id in outcomes.refused:
            counts.refuse(record.onec_id, record.name, outcomes.refused[row.id])
            continue
        counts.add(outcomes.done[part_id])
        applied.append(
            Good(
                onec_id=record.onec_id,
                kind=GoodKind.PART,
                name=record.name[:300],
                part_id=part_id,
                import_digest=digest,
            )
        )
    _goods_save(applied, ["kind", "name", "part_id", "import_digest"])


def _goods_save(goods: list[Good], fields: list[str]) -> None:
    with transaction.atomic(using=DB):
        Good.objects.using(DB).bulk_create(
            goods,
            update_conflicts=True,
            unique_fields=["onec_id"],
            update_fields=[*fields, "updated_at"],
        )
