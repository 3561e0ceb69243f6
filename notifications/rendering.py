"""Templates staff edit, rendered in a sandbox (docs/notifications.md, "Templates"): Django's
template language with its default filters and `{% if %}` only, and only the notice's
documented variables. `problems()` says what is wrong with a template before it is saved."""

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _

# No tag libraries to load; the default tags parse, and `problems()` refuses all but `if`.
ENGINE = Engine(libraries={}, autoescape=False)
ENGINE_HTML = Engine(libraries={}, autoescape=True)
ALLOWED_NODES = (TextNode, VariableNode, IfNode)


def problems(source: str, variables: set[str]) -> list[str]:
    """What keeps `source` from being a template of a notice with `variables`: a syntax
    error, a tag other than `{% if %}`, or a variable the notice does not document."""
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        return [str(exc)]
    found: list[str] = []
    for node in _nodes(template.nodelist):
        if not isinstance(node, ALLOWED_NODES):
            found.append(_("Only {%% if %%} may be used, not %s.") % type(node).__name__)
    for name in sorted(_names(template.nodelist) - variables):
        found.append(
            _("“%(name)s” is not one of this notice's variables: %(known)s.")
            % {
                "name": name,
                "known": ", ".join(sorted(variables)),
            }
        )
    return found


def render(source: str, context: dict[str, str], *, html: bool = False) -> str:
    engine = ENGINE_HTML if html else ENGINE
    return engine.from_string(source).render(Context(context, autoescape=html))


def _nodes(nodelist) -> list[Node]:
    nodes: list[Node] = []
    for node in nodelist:
        nodes.append(node)
        for attr in getattr(node, "child_nodelists", ()):
            nodes += _nodes(getattr(node, attr, None) or [])
        if isinstance(node, IfNode):
            for _condition, branch in node.conditions_nodelists:
                nodes += _nodes(branch)
    return nodes


def _names(nodelist) -> set[str]:
    names: set[str] = set()
    for node in _nodes(nodelist):
        if isinstance(node, VariableNode):
            names |= _expression_names(node.filter_expression)
        if isinstance(node, IfNode):
            for condition, _branch in node.conditions_nodelists:
                names |= _condition_names(condition)
    return names


def _expression_names(expression: FilterExpression) -> set[str]:
    names = _variable_names(expression.var)
    for _filter, arguments in expression.filters:
        for _lookup, argument in arguments:
            names |= _variable_names(argument)
    return names


def _variable_names(variable) -> set[str]:
    if isinstance(variable, Variable) and variable.lookups:
        return {variable.lookups[0]}
    return set()


def _condition_names(condition) -> set[str]:
    if condition is None:
        return set()
    if hasattr(condition, "value") and isinstance(condition.value, FilterExpression):
        return _expression_names(condition.value)
    names: set[str] = set()
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        names |= _condition_names(part)
    return names
