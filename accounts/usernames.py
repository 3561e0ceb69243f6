"""Usernames that cannot pass for another (docs/security.md, "Usernames"): one script per
name, no reserved name under any disguise, and one account per confusable skeleton.

The skeleton follows Unicode's UTS #39: every character that looks like a Latin one is that
Latin letter, so `аdmin` (a Cyrillic `а`), `r00t` and `соре` (all Cyrillic) are `admin`,
`root` and `cope`. The look-alikes are confusable-homoglyphs' tables of Unicode's
confusables.txt. Usernames are folded first (`accounts.models.username_normalize`)."""

import functools

from confusable_homoglyphs import categories, confusables

# Names that speak for the dealership: nobody may take them, nor anything that looks like
# them. The dealership's own name is among them.
RESERVED = (
    "admin",
    "administrator",
    "root",
    "support",
    "staff",
    "autosalon",
    "system",
    "security",
    "manager",
    "help",
    "info",
    "noreply",
)
# Digits, `.`, `_` and `-` belong to every script.
_ANY_SCRIPT = {"COMMON", "INHERITED"}


@functools.cache
def _latin(character: str) -> str:
    """The Latin letter `character` looks like, or itself."""
    if categories.alias(character) == "LATIN":
        return character
    found = confusables.is_confusable(character, greedy=True, preferred_aliases=[])
    for homoglyph in found[0]["homoglyphs"] if found else []:
        looks_like = homoglyph["c"]  # a character, or a sequence of them
        if len(looks_like) == 1 and categories.alias(looks_like) == "LATIN":
            return looks_like.casefold()
    return character


def skeleton(name: str) -> str:
    """What `name` looks like: two names with one skeleton are one to a reader."""
    return "".join(_latin(character) for character in name)


def mixes_scripts(name: str) -> bool:
    return len(categories.unique_aliases(name) - _ANY_SCRIPT) > 1


@functools.cache
def _reserved_skeletons() -> frozenset[str]:
    return frozenset(skeleton(name) for name in RESERVED)


def reserved(name: str) -> bool:
    return skeleton(name) in _reserved_skeletons()
