"""A streaming XML writer for the feeds: elements go to the file as they are made, so that a
feed of any size takes the memory of one car (BENCHMARKS.md, "The classifieds' feeds")."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl


class XmlWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self._xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self._xml.startDocument()

    def open(self, name: str, **attributes: str) -> None:
        self._xml.startElement(name, AttributesImpl(attributes))

    def close(self, name: str) -> None:
        self._xml.endElement(name)

    @contextmanager
    def element(self, name: str, **attributes: str) -> Iterator[None]:
        self._xml.startElement(name, AttributesImpl(attributes))
        yield
        self._xml.endElement(name)

    def text(self, name: str, value: object, **attributes: str) -> None:
        """`<name>value</name>`, escaped; nothing for None."""
        if value is None:
            return
        self._xml.startElement(name, AttributesImpl(attributes))
        self._xml.characters(str(value))
        self._xml.endElement(name)

    def empty(self, name: str, **attributes: str) -> None:
        self._xml.startElement(name, AttributesImpl(attributes))
        self._xml.endElement(name)

    def end(self) -> None:
        self._xml.endDocument()
