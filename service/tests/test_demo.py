import io

import pytest

from service import demo
from service.models import Advisor, Bay, MaintenanceMenu, Part, PartStock
from service.tests.factories import service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_demo_gives_each_showroom_bays_an_advisor_menus_and_a_shelf_once():
    showroom = service_showroom_make(bays=0, advisors=0)

    demo.seed(io.StringIO())
    demo.seed(io.StringIO())

    assert Bay.objects.filter(showroom_id=showroom.pk).count() == 2
    assert Advisor.objects.filter(showroom_id=showroom.pk).count() == 1
    menu = MaintenanceMenu.objects.get(make="Lada", model="Vesta", name="ТО-2")
    assert menu.operations.count() == 6
    assert menu.parts.count() == 6
    shelf = PartStock.objects.filter(showroom_id=showroom.pk)
    assert shelf.count() == Part.objects.count() == 6
    assert {(row.on_hand, row.reserved) for row in shelf} == {(40, 0)}
