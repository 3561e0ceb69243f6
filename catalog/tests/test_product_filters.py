import uuid
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.tests.factories import CategoryFactory, ProductFactory, category_chain

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

URL = reverse("products-list")


def listed(api_client, **params) -> list[str]:
    """Names of the products the list returns for `params`, in the order returned."""
    response = api_client.get(URL, {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


# CATEGORY
# ------------------------------------------------------------------------------
def test_filtering_by_category_includes_every_descendant(api_client):
    cars, sedans, business = category_chain(3)
    trucks = CategoryFactory(name="Trucks")
    ProductFactory(name="in cars", category=cars)
    ProductFactory(name="in sedans", category=sedans)
    ProductFactory(name="in business", category=business)
    ProductFactory(name="in trucks", category=trucks)

    from_root = listed(api_client, category=cars.pk)
    from_middle = listed(api_client, category=sedans.pk)

    assert sorted(from_root) == ["in business", "in cars", "in sedans"]
    assert sorted(from_middle) == ["in business", "in sedans"]
    assert listed(api_client, category=business.pk) == ["in business"]
    assert listed(api_client, category=uuid.uuid4()) == []  # no such category, no product


def test_filtering_by_a_category_whose_id_prefixes_nothing_else_leaves_siblings_out(api_client):
    parent = CategoryFactory()
    first = CategoryFactory(parent=parent)
    second = CategoryFactory(parent=parent)
    ProductFactory(name="first", category=first)
    ProductFactory(name="second", category=second)

    assert listed(api_client, category=first.pk) == ["first"]


def test_filtering_by_an_unknown_category_finds_nothing(api_client):
    ProductFactory()

    assert listed(api_client, category="00000000-0000-0000-0000-000000000000") == []


def test_filtering_by_a_malformed_category_is_400(api_client):
    response = api_client.get(URL, {"category": "cars"})

    assert response.status_code == 400
    assert "category" in response.json()["error"]["details"]


def test_a_product_moved_with_its_category_is_found_under_the_new_ancestor(api_client):
    from catalog import services

    old_root, moved = category_chain(2)
    new_root = CategoryFactory(name="New root")
    ProductFactory(name="travels", category=moved)
    services.category_update(category=moved, parent=new_root)

    assert listed(api_client, category=new_root.pk) == ["travels"]
    assert listed(api_client, category=old_root.pk) == []


# PRICE, MAKE, MODEL, YEAR, STOCK
# ------------------------------------------------------------------------------
def test_min_price_and_max_price_bound_the_price_inclusively(api_client):
    category = CategoryFactory()
    for price in ["99.99", "100.00", "150.00", "200.00", "200.01"]:
        ProductFactory(name=price, price=Decimal(price), category=category)

    assert sorted(listed(api_client, min_price="100")) == ["100.00", "150.00", "200.00", "200.01"]
    assert sorted(listed(api_client, max_price="200")) == ["100.00", "150.00", "200.00", "99.99"]
    assert sorted(listed(api_client, min_price="100", max_price="200")) == [
        "100.00",
        "150.00",
        "200.00",
    ]


def test_a_price_filter_that_is_not_a_number_is_400(api_client):
    response = api_client.get(URL, {"min_price": "cheap"})

    assert response.status_code == 400
    assert "min_price" in response.json()["error"]["details"]


def test_make_and_model_match_whole_values_case_insensitively(api_client):
    category = CategoryFactory()
    ProductFactory(name="camry", make="Toyota", model="Camry", category=category)
    ProductFactory(name="corolla", make="Toyota", model="Corolla", category=category)
    ProductFactory(name="rio", make="Kia", model="Rio", category=category)
    ProductFactory(name="toyotomi", make="Toyotomi", model="Camry Plus", category=category)

    assert sorted(listed(api_client, make="toyota")) == ["camry", "corolla"]
    assert listed(api_client, make="TOYOTA", model="camry") == ["camry"]
    assert listed(api_client, model="RIO") == ["rio"]


def test_year_filters_by_the_exact_year(api_client):
    category = CategoryFactory()
    for year in [2019, 2020, 2021]:
        ProductFactory(name=str(year), year=year, category=category)
    ProductFactory(name="no year", category=category)

    assert listed(api_client, year=2020) == ["2020"]


@pytest.mark.parametrize(("value", "expected"), [("true", ["one", "ten"]), ("false", ["none"])])
def test_in_stock_keeps_products_with_or_without_stock(api_client, value, expected):
    category = CategoryFactory()
    ProductFactory(name="none", stock_quantity=0, category=category)
    ProductFactory(name="one", stock_quantity=1, category=category)
    ProductFactory(name="ten", stock_quantity=10, category=category)

    assert sorted(listed(api_client, in_stock=value)) == expected


def test_inactive_products_are_never_listed_whatever_the_filter(api_client):
    category = CategoryFactory()
    ProductFactory(name="sold", make="Kia", is_active=False, category=category)
    ProductFactory(name="on sale", make="Kia", category=category)

    assert listed(api_client, make="kia") == ["on sale"]
    assert listed(api_client, category=category.pk, search="sold") == []


# SEARCH
# ------------------------------------------------------------------------------
@pytest.fixture
def showroom():
    category = CategoryFactory()
    ProductFactory(
        name="Family sedan", make="Toyota", model="Camry", category=category, description=""
    )
    ProductFactory(
        name="City hatchback", make="Kia", model="Rio", category=category, description=""
    )
    ProductFactory(
        name="Work truck",
        make="Ford",
        model="Transit",
        category=category,
        description="Diesel engine with a long wheelbase",
    )
    return category


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("toyota", ["Family sedan"]),  # make
        ("RIO", ["City hatchback"]),  # model
        ("hatchback", ["City hatchback"]),  # a word of the name
        ("diesel", ["Work truck"]),  # a word of the description
        ("kia rio", ["City hatchback"]),  # every word must match
        ("toyota rio", []),
        ("sedan OR truck", ["Family sedan", "Work truck"]),  # web search syntax
        ("tesla", []),
    ],
)
def test_search_finds_products_by_the_words_of_make_model_name_and_description(
    api_client, showroom, search, expected
):
    assert sorted(listed(api_client, search=search)) == expected


def test_search_combines_with_other_filters(api_client, showroom):
    ProductFactory(name="Another Toyota", make="Toyota", model="Land Cruiser", stock_quantity=0)

    assert sorted(listed(api_client, search="toyota")) == ["Another Toyota", "Family sedan"]
    assert listed(api_client, search="toyota", in_stock="false") == ["Another Toyota"]
    assert listed(api_client, search="toyota", category=showroom.pk) == ["Family sedan"]


# ORDERING
# ------------------------------------------------------------------------------
@pytest.fixture
def priced():
    category = CategoryFactory()
    for name, price in [("mid", "500.00"), ("cheap", "9.99"), ("dear", "10000.00")]:
        ProductFactory(name=name, price=Decimal(price), category=category)


def test_ordering_by_price_lists_the_cheapest_first(api_client, priced):
    assert listed(api_client, ordering="price") == ["cheap", "mid", "dear"]


def test_ordering_by_descending_price_lists_the_dearest_first(api_client, priced):
    assert listed(api_client, ordering="-price") == ["dear", "mid", "cheap"]


def test_without_ordering_the_newest_product_comes_first(api_client, priced):
    assert listed(api_client) == ["dear", "cheap", "mid"]


@pytest.mark.parametrize("ordering", ["secret_field", "vin", "-category__path", "price,nope"])
def test_ordering_by_a_field_not_offered_is_400(api_client, priced, ordering):
    response = api_client.get(URL, {"ordering": ordering})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "ordering" in error["details"]


# QUERIES
# ------------------------------------------------------------------------------
@pytest.fixture
def hundred_products():
    roots = [CategoryFactory(name=f"Root {n}") for n in range(3)]
    categories = [*roots, *(CategoryFactory(parent=root) for root in roots)]
    for n in range(100):
        ProductFactory(name=f"Car {n:03}", category=categories[n % len(categories)])
    return roots


@pytest.mark.parametrize("page_size", [1, 20, 100])
def test_the_product_list_takes_three_catalog_queries_for_any_page_size(
    api_client, hundred_products, page_size
):
    with CaptureQueriesContext(connections["catalog"]) as queries:
        response = api_client.get(URL, {"page_size": page_size})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"])) == (100, page_size)
    assert len({row["category_name"] for row in body["results"]}) == min(page_size, 6)
    # The count, the page with its categories joined, and the page's photos.
    assert len(queries) == 3, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("page_size", [1, 20, 100])
def test_the_filtered_product_list_takes_three_catalog_queries_for_any_page_size(
    api_client, hundred_products, page_size
):
    with CaptureQueriesContext(connections["catalog"]) as queries:
        response = api_client.get(
            URL,
            {"page_size": page_size, "category": hundred_products[0].pk, "search": "car"},
        )

    assert response.status_code == 200
    assert response.json()["count"] == 34
    assert len(response.json()["results"]) == min(page_size, 34)
    assert len(queries) == 3, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(
    ("params", "field"), [({"year": "2020.5"}, "year"), ({"in_stock": "maybe"}, "in_stock")]
)
def test_malformed_filter_values_are_400(api_client, params, field):
    response = api_client.get(reverse("products-list"), params)

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
