"""A streaming XML writer for the feeds: elements go to the file as they are made, so that a
feed of any size takes the memory of one car (BENCHMARKS.md, "The classifieds' feeds").
Every text and attribute goes through `xml_text`, which drops what XML 1.0 forbids: a
description of any characters still makes a feed that parses (docs/feeds.md, "Serving")."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

# What XML 1.0 does not allow in a document (its production `Char`): the C0 controls but the
# tab, the line feed and the carriage return, the surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", value)


def _attributes(attributes: dict[str, str]) -> AttributesImpl:
    return AttributesImpl({name: xml_text(value) for name, value in attributes.items()})


class XmlWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self._xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self._xml.startDocument()

    def open(self, name: str, **attributes: str) -> None:
        self._xml.startElement(name, _attributes(attributes))

    def close(self, name: str) -> None:
        self._xml.endElement(name)

    @contextmanager
    def element(self, name: str, **attributes: str) -> Iterator[None]:
        self._xml.startElement(name, _attributes(attributes))
        yield
        self._xml.endElement(name)

    def text(self, name: str, value: object, **attributes: str) -> None:
        """`<name>value</name>`, escaped, without what XML forbids; nothing for None."""
        if value is None:
            return
        self._xml.startElement(name, _attributes(attributes))
        self._xml.characters(xml_text(str(value)))
        self._xml.endElement(name)

    def empty(self, name: str, **attributes: str) -> None:
        self._xml.startElement(name, _attributes(attributes))
        self._xml.endElement(name)

    def end(self) -> None:
        self._xml.endDocument()
