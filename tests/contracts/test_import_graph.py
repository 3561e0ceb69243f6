"""The import graph between top-level packages has no cycle: an app never imports one that
imports it back, and `common` imports neither an app nor `config` (docs/architecture.md
§3.2). The contracts in pyproject.toml forbid each direction; this reads the whole graph."""

import graphlib

import grimp
from django.conf import settings

PACKAGES = ["config", "storefront", "backoffice", "demo", "common", *settings.DOMAIN_APPS]


def _package_edges() -> dict[str, set[str]]:
    graph = grimp.build_graph(
        *PACKAGES, include_external_packages=False, exclude_type_checking_imports=True
    )
    edges: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            source, target = module.split(".")[0], imported.split(".")[0]
            if source != target:
                edges[source].add(target)
    return edges


def test_no_cycle_between_top_level_packages():
    edges = _package_edges()
    order = list(graphlib.TopologicalSorter(edges).static_order())  # CycleError on a cycle
    assert set(order) == set(PACKAGES)


def test_common_imports_no_app_and_not_config():
    assert _package_edges()["common"] == set()


def test_orders_learns_of_payments_only_through_events():
    assert "payments" not in _package_edges()["orders"]


# Packages whose modules import one another only one way: no module of theirs is on an import
# circle, even one held together by an import inside a function (grimp reads those too).
ACYCLIC = ("common.events", "payments", "integrations")


def test_no_import_circle_through_the_event_backbone_payments_or_integrations():
    graph = grimp.build_graph(
        *PACKAGES, include_external_packages=False, exclude_type_checking_imports=True
    )
    circles = []
    for module in sorted(graph.modules):
        if not module.startswith(ACYCLIC):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.append(" -> ".join([module, *back]))
    assert circles == []
