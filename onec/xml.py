"""Reading 1C's XML safely and in little memory (docs/1c.md, "Safety"): no DTD, no entity, no
network (defusedxml); a limit on depth and on the number of elements; the file read as a
stream, each record handed on whole and then let go, so that a file of 30,000 goods is never
held at once."""

import functools
from collections.abc import Callable, Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings

# What expat says of a broken file, in the operator's words.
_EXPAT_WORDS = {
    "no element found": "файл оборван",
    "mismatched tag": "элемент закрыт не тем тегом, которым открыт",
    "not well-formed (invalid token)": "недопустимый символ",
    "unclosed token": "незакрытый элемент",
    "partial character": "оборванный символ",
    "junk after document element": "лишнее после корневого элемента",
    "unknown encoding": "неизвестная кодировка",
    "undefined entity": "неизвестная сущность",
}


# What expat says of a file that ends too soon: a part of it may still be on its way.
_CUT_OFF = frozenset({"no element found", "unclosed token", "partial character"})


class FileRefused(Exception):
    """The file cannot be applied; the message says why, in the words 1C's operator reads.
    `cut_off`: it only ended too soon."""

    def __init__(self, message: str, *, cut_off: bool = False):
        super().__init__(message)
        self.cut_off = cut_off


@functools.cache
def local(tag: str) -> str:
    """A tag without its namespace: some of 1C's versions write `urn:1C.ru:commerceml_2`."""
    return tag.rsplit("}", 1)[-1]


# The elements `records` hands on have their tags without namespace already: ElementTree's
# own `find` and `findall` read them, with paths of names separated by "/".
def text(element: Element | None, path: str = "") -> str:
    """The stripped text of `element`'s child at `path`, or of `element` itself; "" when
    absent."""
    found = element.find(path) if path and element is not None else element
    return (found.text or "").strip() if found is not None else ""


def child(element: Element | None, path: str) -> Element | None:
    return element.find(path) if element is not None else None


def children(element: Element | None, path: str) -> list[Element]:
    """The elements at `path` under `element`."""
    return element.findall(path) if element is not None else []


def records(
    stream: IO[bytes], wanted: Callable[[tuple[str, ...]], str | None]
) -> Iterator[tuple[str, Element]]:
    """The elements whose path `wanted` names (it answers a kind, or None), each whole, in the
    file's order, removed from the tree once the caller has it. Refuses, with the reason, a file
    that is not well-formed, declares a DTD or an entity, or is too deep or too large."""
    max_depth, max_elements = settings.ONEC_XML_MAX_DEPTH, settings.ONEC_XML_MAX_ELEMENTS
    path: list[str] = []
    elements: list[Element] = []
    count = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                count += 1
                element.tag = local(element.tag)
                path.append(element.tag)
                elements.append(element)
                if len(path) > max_depth:
                    raise FileRefused(f"Вложенность элементов больше {max_depth}.")
                if count > max_elements:
                    raise FileRefused(f"В файле больше {max_elements} элементов.")
                continue
            kind = wanted(tuple(path))
            if kind is not None:
                yield kind, element
                if len(elements) > 1:
                    elements[-2].remove(element)
            path.pop()
            elements.pop()
    except ParseError as exc:
        line, column = exc.position
        said = str(exc).split(":")[0]
        why = _EXPAT_WORDS.get(said, said)
        raise FileRefused(
            f"Файл не разобран как XML: {why} (строка {line}, позиция {column + 1}).",
            cut_off=said in _CUT_OFF,
        ) from exc
    except DefusedXmlException as exc:
        raise FileRefused("Файл объявляет DTD или сущности: такие файлы не принимаются.") from exc
