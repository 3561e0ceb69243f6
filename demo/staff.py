"""Each showroom's own people and company, for `manage.py seed_demo` after every app's own
(docs/showrooms.md, "Demo"): a manager who works in each showroom and sees its records only,
and the Yekaterinburg showroom selling under its own legal entity, which papers and numbers
its sales. Running it again changes nothing but the managers' passwords, reset."""

from accounts import demo as accounts_demo
from accounts.choices import Role
from documents import demo as documents_demo
from showroom import demo as showroom_demo
from showroom.selectors.showrooms import showrooms_for_buyers

PASSWORD = "Showroom-demo-2026"
# (showroom, e-mail, name) of each showroom's manager.
MANAGERS = [
    ("Автосалон на Ленинградке", "leningradka@autosalon.local", "Олег Северов"),
    ("Автосалон на Варшавке", "varshavka@autosalon.local", "Дарья Южина"),
    ("Автосалон на Космонавтов", "kosmonavtov@autosalon.local", "Ильдар Уральцев"),
]
URAL = "Автосалон на Космонавтов"


def seed(stdout) -> None:
    showrooms = {card.name: card.id for card in showrooms_for_buyers()}
    for showroom, email, name in MANAGERS:
        if showroom not in showrooms:
            continue
        accounts_demo.user_seed(
            {
                "email": email,
                "password": PASSWORD,
                "full_name": name,
                "role": Role.MANAGER,
                "showroom_ids": [showrooms[showroom]],
            },
            stdout,
        )
    entity_id = documents_demo.showroom_entity_seed(URAL, documents_demo.URAL_SELLER)
    showroom_demo.sells_under(name=URAL, legal_entity_id=entity_id)
    stdout.write(f"Showrooms: {URAL} sells under {documents_demo.URAL_SELLER['short_name']}.")
