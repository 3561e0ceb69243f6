"""The demo dealership's legal entity, for `manage.py seed_demo` (its requisites pass their
check digits; the company is invented)."""

from django.utils import timezone

from documents.models import LegalEntity

DB = "documents"

DEMO_SELLER = {
    "name": "Общество с ограниченной ответственностью «Автосалон»",
    "short_name": "ООО «Автосалон»",
    "inn": "7702123454",
    "kpp": "770201001",
    "ogrn": "1027700132195",
    "address": "129090, г. Москва, Проспект Мира, д. 12",
    "phone": "+74951234567",
    "email": "sales@autosalon.local",
    "bank_name": "ПАО Сбербанк",
    "bik": "044525225",
    "account": "40702810938000012345",
    "correspondent_account": "30101810400000000225",
    "signatory_name": "Иванов Иван Иванович",
    "signatory_title": "Генеральный директор",
    "represented_by": "генерального директора Иванова Ивана Ивановича",
    "signatory_authority": "Устава",
}


def seed(stdout) -> None:
    entity, created = LegalEntity.objects.using(DB).get_or_create(
        showroom="Главный салон",
        # The demo's seller comes confirmed: there is no second person to confirm it yet.
        defaults={**DEMO_SELLER, "is_default": True, "confirmed_at": timezone.now()},
    )
    if created:
        stdout.write(f"Documents: {entity.short_name} signs the deal's papers.")


# The Yekaterinburg showroom's own company (docs/showrooms.md, "Documents"): it papers and
# numbers that showroom's sales.
URAL_SELLER = {
    **DEMO_SELLER,
    "name": "Общество с ограниченной ответственностью «Урал Авто»",
    "short_name": "ООО «Урал Авто»",
    "inn": "1655012344",
    "kpp": "665801001",
    "ogrn": "1161690012340",
    "address": "620017, г. Екатеринбург, проспект Космонавтов, д. 108",
    "phone": "+73432223344",
    "email": "ekb@autosalon.local",
    "signatory_name": "Петров Пётр Петрович",
    "represented_by": "генерального директора Петрова Петра Петровича",
}


def showroom_entity_seed(showroom: str, details: dict) -> int:
    """A showroom's own legal entity, its requisites confirmed (the demo has no second person
    to confirm them): its id."""
    entity, _created = LegalEntity.objects.using(DB).get_or_create(
        showroom=showroom, defaults={**details, "confirmed_at": timezone.now()}
    )
    return entity.pk
