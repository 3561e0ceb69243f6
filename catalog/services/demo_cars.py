"""Writes of the catalog's demo cars, as the showroom reports them: which models can be
test-driven."""

from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from catalog.cache import product_list_invalidate_after_commit
from catalog.models import DemoCar, Product
from common.types import Id

DB = "catalog"


def demo_car_note(*, resource_id: Id, vehicle_id: Id | None, is_active: bool) -> None:
    """What the showroom reports of a resource: a demo car of `vehicle_id` that takes
    bookings or not (none: not a demo car, or deleted). A buyer test-drives a model, not the
    very car: every car of the model (its `model_key`) the demo car was and is of says
    whether it can be test-driven."""
    with transaction.atomic(using=DB):
        before = DemoCar.objects.using(DB).select_for_update().filter(pk=resource_id).first()
        touched = {before.product_id} if before else set()
        if vehicle_id is None:
            DemoCar.objects.using(DB).filter(pk=resource_id).delete()
        else:
            DemoCar.objects.using(DB).update_or_create(
                resource_id=resource_id,
                defaults={"product_id": vehicle_id, "is_active": is_active},
            )
            touched.add(UUID(str(vehicle_id)))
        for product_id in touched:
            _test_drive_availability_set(product_id)
    product_list_invalidate_after_commit()


def _test_drive_availability_set(product_id: UUID) -> None:
    """Whether the cars of `product_id`'s model have an active demo car among them."""
    products = Product.objects.using(DB)
    key = products.filter(pk=product_id).values_list("model_key", flat=True).first()
    if key:
        products.filter(model_key=key).update(test_drive_available=_demo_car_of_model(key).exists())
    else:
        products.filter(pk=product_id).update(
            test_drive_available=DemoCar.objects.using(DB)
            .filter(product_id=product_id, is_active=True)
            .exists()
        )


def _demo_car_of_model(model_key: str) -> QuerySet[DemoCar]:
    cars = Product.objects.using(DB).filter(model_key=model_key)
    return DemoCar.objects.using(DB).filter(product_id__in=cars.values("pk"), is_active=True)
