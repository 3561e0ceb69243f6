"""The project's own import-linter contract (docs/conventions.md, "Between apps"), loaded by
`lint-imports` through `contract_types` in pyproject.toml; nothing at run time imports it.

`app_independence`: every root package but the ones it names `outside` (config, common) is a
domain app, and an app imports of another app only its public rooms (services, selectors,
choices, events), directly; an app's tests may also use another app's test factories. What
those rooms import in turn is their own app's business, so indirect imports are allowed. A new
app is covered as soon as it is a root package, and a package at the project's root with an
`apps.py` that is not one breaks the contract, so a new app cannot be forgotten there.

`hidden_imports`: see `HiddenImportContract`.

`external_forbidden`: modules matching `source_modules` do not import any of
`forbidden_modules` directly, where those may be subpackages of an external package
(`django.http`), which import-linter's own forbidden contract refuses: the graph holds an
external package as one node, so the import's own line says which part of it is imported."""

import ast
import re
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules


def _strings(value: object) -> set[str]:
    """A set field's value: import-linter replaces each declared field with what the
    contract's configuration gives it, a set (or None for an optional one left out)."""
    if value is None:
        return set()
    if not isinstance(value, set | frozenset | list | tuple):
        raise TypeError(f"Expected the set a contract field holds, got {value!r}")
    return {str(item) for item in value}


class AppIndependenceContract(Contract):
    type_name = "app_independence"

    outside = fields.SetField(subfield=fields.StringField())
    public = fields.SetField(subfield=fields.StringField())
    tests_may_import = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = set(self.session_options["root_packages"])
        outside = _strings(self.outside)
        apps = roots - outside
        on_disk = {path.parent.name for path in Path.cwd().glob("*/apps.py")}
        unlisted = sorted(on_disk - roots - outside)
        broken = []
        for importer in sorted(graph.modules):
            app = importer.split(".")[0]
            if app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                other, *rest = imported.split(".")
                if other in apps and other != app and not self._allowed(importer, rest):
                    lines = graph.get_import_details(importer=importer, imported=imported)
                    broken.append((importer, imported, [line["line_number"] for line in lines]))
        return ContractCheck(
            kept=not broken and not unlisted,
            metadata={"broken": broken, "unlisted": unlisted},
        )

    def _allowed(self, importer: str, rest: list[str]) -> bool:
        room = ".".join(rest)
        if rest and rest[0] in _strings(self.public):
            return True
        in_tests = importer.split(".")[1:2] == ["tests"]
        return in_tests and any(
            room == allowed or room.startswith(f"{allowed}.")
            for allowed in _strings(self.tests_may_import)
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for app in check.metadata["unlisted"]:
            output.print_error(f"{app} has an apps.py but is not in root_packages")
            output.new_line()
        for importer, imported, lines in check.metadata["broken"]:
            where = ", ".join(f"l.{line}" for line in lines)
            output.print_error(f"{importer} -> {imported} ({where})")
            output.new_line()
        if check.metadata["broken"]:
            output.print(
                f"Another app may be imported only through: {', '.join(sorted(_strings(self.public)))}"
            )


class ExternalForbiddenContract(Contract):
    type_name = "external_forbidden"

    source_modules = fields.SetField(subfield=fields.ModuleExpressionField())
    forbidden_modules = fields.SetField(subfield=fields.StringField())

    _FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*([\w\s,]*)")
    _IMPORT = re.compile(r"^\s*import\s+([\w.]+)")

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        expressions = self.source_modules
        if not isinstance(expressions, set):
            raise TypeError(f"Expected the set of module expressions, got {expressions!r}")
        sources = {module.name for module in module_expressions_to_modules(graph, expressions)}
        externals = {forbidden.split(".")[0] for forbidden in _strings(self.forbidden_modules)}
        broken = []
        for importer in sorted(sources):
            for external in sorted(externals & graph.find_modules_directly_imported_by(importer)):
                for line in graph.get_import_details(importer=importer, imported=external):
                    for imported in self._imported(line["line_contents"]):
                        if self._forbidden(imported):
                            broken.append((importer, imported, [line["line_number"]]))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def _imported(self, line: str) -> list[str]:
        """The modules an import line may name: `from django import http` names `django.http`."""
        if found := self._FROM.match(line):
            names = [name.strip() for name in found.group(2).split(",") if name.strip()]
            return [found.group(1), *(f"{found.group(1)}.{name.split()[0]}" for name in names)]
        found = self._IMPORT.match(line)
        return [found.group(1)] if found else []

    def _forbidden(self, imported: str) -> bool:
        return any(
            imported == forbidden or imported.startswith(f"{forbidden}.")
            for forbidden in _strings(self.forbidden_modules)
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["broken"]:
            output.print_error(f"{importer} -> {imported} (l.{lines[0]})")
            output.new_line()


class HiddenImportContract(Contract):
    """`hidden_imports`: modules matching `source_modules` name none of `forbidden_modules` in
    a string they import by (`import_module("config.demo")`, `import_string(...)`,
    `__import__`, `find_spec`), which the import graph cannot see. A name made at run time
    from a variable (`import_module(f"{app}.apps")`, the registry's discovery of the apps it
    is given) is not a hidden import of any one of them."""

    type_name = "hidden_imports"

    source_modules = fields.SetField(subfield=fields.ModuleExpressionField())
    forbidden_modules = fields.SetField(subfield=fields.StringField())

    IMPORTERS = frozenset({"import_module", "import_string", "__import__", "find_spec"})

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        expressions = self.source_modules
        if not isinstance(expressions, set):
            raise TypeError(f"Expected the set of module expressions, got {expressions!r}")
        forbidden = _strings(self.forbidden_modules)
        broken = []
        for module in sorted(m.name for m in module_expressions_to_modules(graph, expressions)):
            for line, named in self._imported_by_name(module):
                if named.split(".")[0] in forbidden:
                    broken.append((module, named, [line]))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def _imported_by_name(self, module: str) -> list[tuple[int, str]]:
        """The module names that `module`'s source passes to an importing call, as far as
        its text gives them: a literal, or an f-string's literal start."""
        path = Path(*module.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        found = []
        for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", "")
            )
            if name not in self.IMPORTERS:
                continue
            argument = node.args[0]
            if isinstance(argument, ast.JoinedStr) and argument.values:
                argument = argument.values[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value))
        return found

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["broken"]:
            output.print_error(f"{importer} -> {imported!r} by name (l.{lines[0]})")
            output.new_line()
