import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, category_chain
from common.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

LIST_URL = reverse("categories-list")
TREE_URL = reverse("categories-tree")


def detail_url(category) -> str:
    return reverse("categories-detail", args=[category.pk])


def snapshot() -> dict:
    """Where every category is: parent, path and level, straight from the database."""
    return {
        row["pk"]: (row["parent_id"], row["path"], row["level"])
        for row in Category.objects.values("pk", "parent_id", "path", "level")
    }


def stored(category) -> Category:
    return Category.objects.get(pk=category.pk)


# LEVELS AND PATHS
# ------------------------------------------------------------------------------
def test_level_is_the_depth_of_a_category_from_0_to_3():
    chain = category_chain(4)

    assert [stored(category).level for category in chain] == [0, 1, 2, 3]


def test_path_lists_the_ids_from_the_root_down():
    root, child, grandchild = category_chain(3)

    assert stored(grandchild).path == f"{root.pk.hex}/{child.pk.hex}/{grandchild.pk.hex}/"
    assert stored(root).path == f"{root.pk.hex}/"


def test_a_manager_creates_a_subcategory_one_level_below_its_parent(manager_client):
    parent = category_chain(3)[-1]

    response = manager_client.post(
        LIST_URL, {"name": "Sedans", "parent": str(parent.pk)}, format="json"
    )

    assert response.status_code == 201, response.json()
    created = Category.objects.get(name="Sedans")
    assert (created.parent_id, created.level) == (parent.pk, 3)
    assert created.path == f"{parent.path}{created.pk.hex}/"
    assert response.json()["level"] == 3


def test_a_client_cannot_create_a_category(customer_client):
    response = customer_client.post(LIST_URL, {"name": "Sedans"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Category.objects.exists()


def test_a_second_category_of_the_same_name_under_the_same_parent_is_refused(manager_client):
    parent = CategoryFactory()
    CategoryFactory(name="Sedans", parent=parent)

    response = manager_client.post(
        LIST_URL, {"name": "Sedans", "parent": str(parent.pk)}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]
    assert Category.objects.filter(name="Sedans").count() == 1


def test_two_roots_cannot_share_a_name(manager_client):
    CategoryFactory(name="Cars")

    response = manager_client.post(LIST_URL, {"name": "Cars"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]
    assert Category.objects.filter(name="Cars").count() == 1


# MOVES
# ------------------------------------------------------------------------------
def test_moving_a_category_carries_its_subtree_and_updates_every_level():
    a, b, c, d = category_chain(4)
    x, y, z = category_chain(3)
    sibling_of_b = CategoryFactory(parent=a)

    services.category_update(category=b, parent=z)

    b, c, d = stored(b), stored(c), stored(d)
    assert (b.parent_id, b.level, c.level, d.level) == (z.pk, 3, 4, 5)
    assert b.path == f"{z.path}{b.pk.hex}/"
    assert c.path == f"{b.path}{c.pk.hex}/"
    assert d.path == f"{c.path}{d.pk.hex}/"
    # What was not moved stays where it was.
    assert (stored(a).level, stored(sibling_of_b).path) == (0, sibling_of_b.path)
    assert [stored(node).level for node in (x, y, z)] == [0, 1, 2]


def test_moving_a_category_to_the_root_lifts_its_subtree(manager_client):
    a, b, c, d = category_chain(4)

    response = manager_client.patch(detail_url(c), {"parent": None}, format="json")

    assert response.status_code == 200, response.json()
    c, d = stored(c), stored(d)
    assert (c.parent_id, c.level, c.path) == (None, 0, f"{c.pk.hex}/")
    assert (d.level, d.path) == (1, f"{c.pk.hex}/{d.pk.hex}/")
    assert (stored(a).level, stored(b).level) == (0, 1)
    assert response.json()["level"] == 0


def test_a_manager_moves_a_category_by_api_and_its_descendants_follow(manager_client):
    root, child, grandchild = category_chain(3)
    other_root = CategoryFactory()

    response = manager_client.patch(
        detail_url(child), {"parent": str(other_root.pk), "name": "Renamed"}, format="json"
    )

    assert response.status_code == 200, response.json()
    child, grandchild = stored(child), stored(grandchild)
    assert (child.parent_id, child.name, child.level) == (other_root.pk, "Renamed", 1)
    assert grandchild.path == f"{other_root.pk.hex}/{child.pk.hex}/{grandchild.pk.hex}/"
    assert not Category.objects.filter(path__startswith=root.path).exclude(pk=root.pk).exists()


def test_moving_a_category_under_itself_is_refused_and_changes_nothing(manager_client):
    _, child, _ = category_chain(3)
    before = snapshot()

    response = manager_client.patch(detail_url(child), {"parent": str(child.pk)}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_cycle"
    assert snapshot() == before


@pytest.mark.parametrize("depth_below", [1, 2, 3])
def test_moving_a_category_under_its_own_descendant_is_refused_and_changes_nothing(
    manager_client, depth_below
):
    chain = category_chain(5)
    moved, target = chain[1], chain[1 + depth_below]
    before = snapshot()

    response = manager_client.patch(
        detail_url(moved), {"parent": str(target.pk), "name": "Renamed"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_cycle"
    assert snapshot() == before
    assert stored(moved).name == moved.name


def test_the_category_service_refuses_a_cycle_with_category_cycle():
    root, child = category_chain(2)
    before = snapshot()

    with pytest.raises(ApplicationError) as caught:
        services.category_update(category=root, parent=child)

    assert (caught.value.code, caught.value.http_status) == ("category_cycle", 409)
    assert snapshot() == before


def test_moving_next_to_a_category_of_the_same_name_is_refused(manager_client):
    first, second = CategoryFactory(), CategoryFactory()
    CategoryFactory(name="Sedans", parent=first)
    moved = CategoryFactory(name="Sedans", parent=second)
    before = snapshot()

    response = manager_client.patch(detail_url(moved), {"parent": str(first.pk)}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]
    assert snapshot() == before


def test_a_client_cannot_move_a_category(customer_client):
    _, child = category_chain(2)
    before = snapshot()

    response = customer_client.patch(detail_url(child), {"parent": None}, format="json")

    assert response.status_code == 403
    assert snapshot() == before


# DELETION
# ------------------------------------------------------------------------------
def test_deleting_a_category_with_subcategories_is_409_and_deletes_nothing(manager_client):
    parent, child = category_chain(2)

    response = manager_client.delete(detail_url(parent))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_not_empty"
    assert Category.objects.filter(pk__in=[parent.pk, child.pk]).count() == 2


@pytest.mark.parametrize("is_active", [True, False])
def test_deleting_a_category_with_products_is_409_and_deletes_nothing(manager_client, is_active):
    product = ProductFactory(is_active=is_active)

    response = manager_client.delete(detail_url(product.category))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_not_empty"
    assert Category.objects.filter(pk=product.category_id).exists()
    assert Product.objects.filter(pk=product.pk).exists()


def test_deleting_an_empty_category_removes_it(manager_client):
    parent, child = category_chain(2)

    response = manager_client.delete(detail_url(child))

    assert response.status_code == 204
    assert list(Category.objects.values_list("pk", flat=True)) == [parent.pk]


def test_a_client_cannot_delete_a_category(customer_client):
    category = CategoryFactory()

    response = customer_client.delete(detail_url(category))

    assert response.status_code == 403
    assert Category.objects.filter(pk=category.pk).exists()


# THE TREE
# ------------------------------------------------------------------------------
def names(nodes) -> list:
    """The tree reduced to (name, level, children) tuples."""
    return [(node["name"], node["level"], names(node["children"])) for node in nodes]


def test_the_tree_endpoint_nests_every_category_under_its_parent(api_client):
    cars = CategoryFactory(name="Cars")
    trucks = CategoryFactory(name="Trucks")
    sedans = CategoryFactory(name="Sedans", parent=cars)
    CategoryFactory(name="Coupes", parent=cars)
    CategoryFactory(name="Business", parent=sedans)
    CategoryFactory(name="Tippers", parent=trucks)
    CategoryFactory(name="Electric", parent=CategoryFactory(name="Alternative", parent=sedans))

    response = api_client.get(TREE_URL)

    assert response.status_code == 200
    assert names(response.json()) == [
        (
            "Cars",
            0,
            [
                ("Coupes", 1, []),
                (
                    "Sedans",
                    1,
                    [("Alternative", 2, [("Electric", 3, [])]), ("Business", 2, [])],
                ),
            ],
        ),
        ("Trucks", 0, [("Tippers", 1, [])]),
    ]
    assert response.json()[0]["id"] == str(cars.pk)
    assert response.json()[0]["children"][1]["id"] == str(sedans.pk)


def test_the_tree_follows_a_move(api_client):
    cars, sedans = category_chain(2)
    trucks = CategoryFactory(name="Trucks")
    services.category_update(category=sedans, parent=trucks)

    response = api_client.get(TREE_URL)

    tree = {node["name"]: node for node in response.json()}
    assert tree[cars.name]["children"] == []
    assert [child["id"] for child in tree["Trucks"]["children"]] == [str(sedans.pk)]
    assert tree["Trucks"]["children"][0]["level"] == 1


def test_the_tree_of_an_empty_catalog_is_an_empty_list(api_client):
    response = api_client.get(TREE_URL)

    assert response.status_code == 200
    assert response.json() == []


def build_tree(depth: int) -> None:
    """Two roots, each with two children on every level down to `depth` levels."""
    for root_number in range(2):
        level = [CategoryFactory(name=f"Root {root_number}")]
        for _ in range(depth - 1):
            level = [CategoryFactory(parent=parent) for parent in level[:2] for _ in range(2)]


def tree_depth(nodes) -> int:
    return 1 + max((tree_depth(node["children"]) for node in nodes), default=0) if nodes else 0


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5])
def test_the_tree_takes_one_catalog_query_at_any_depth(api_client, depth):
    build_tree(depth)

    with CaptureQueriesContext(connections["catalog"]) as queries:
        response = api_client.get(TREE_URL)

    assert response.status_code == 200
    assert tree_depth(response.json()) == depth
    assert len(queries) == 1, [query["sql"] for query in queries.captured_queries]


def test_categories_nest_at_most_twenty_levels(manager_client):
    parent = None
    for depth in range(services.MAX_DEPTH):
        parent = services.category_create(name=f"Level {depth}", parent=parent)

    response = manager_client.post(
        reverse("categories-list"), {"name": "Too deep", "parent": str(parent.pk)}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "category_too_deep"
    assert not Category.objects.filter(name="Too deep").exists()


def test_a_move_that_would_push_the_subtree_too_deep_is_refused(manager_client):
    deep = None
    for depth in range(services.MAX_DEPTH - 2):
        deep = services.category_create(name=f"Deep {depth}", parent=deep)
    branch = services.category_create(name="Branch")
    leaf = services.category_create(
        name="Leaf", parent=services.category_create(name="Mid", parent=branch)
    )

    response = manager_client.patch(
        reverse("categories-detail", args=[branch.pk]), {"parent": str(deep.pk)}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "category_too_deep"
    leaf.refresh_from_db()
    assert leaf.level == 2
