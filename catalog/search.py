"""Searching the stock (docs/api.md, "Vehicles"):

- full-text search over a vector each product keeps (`search_vector`, written with the
  product by `search_fields_prepare`, never rebuilt per query): make, model and trim in the
  `simple` configuration at weight A, the name in `russian` at B, the description in
  `russian` at C, ranked;
- typos and transliteration through pg_trgm, over a phonetic key of make, model and trim
  (`search_key`): "камри", "Camri" and "Camry" all read "kamri";
- a partial VIN, five characters or more.

The indexes that make these fast are PostgreSQL's own (catalog/migrations/0009).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import BooleanField, Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Concat
from django.utils import translation

from catalog.choices import BodyType, Fuel
from catalog.models import Product
from catalog.validators import normalize_vin

DB = "catalog"
# A VIN is searched by five characters or more: fewer match a good part of the fleet.
VIN_SEARCH_MIN_LENGTH = 5
# How much of a word of the query pg_trgm must find in the phonetic key (`<%`, 0–1).
WORD_SIMILARITY = 0.6

# Russian letters in Latin, as passports spell them; the hard and soft signs drop out.
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфхыэ", "abvgdeziiklmnoprstufhye", strict=True)),
    **{"ё": "e", "ж": "zh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya"},
    **{"ъ": "", "ь": ""},
}
# Latin spellings that sound alike, as a Russian reader transliterates them.
_SOUNDS_ALIKE = [("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("x", "ks"),
                 ("y", "i"), ("j", "dzh")]  # fmt: skip


def phonetic_key(text: str) -> str:
    """Letters as they sound, in Latin: "Тойота Камри" and "Toyota Camry" both read
    "toiota kamri". Doubled letters count once."""
    text = "".join(_CYRILLIC.get(char, char) for char in text.lower()).replace("-", "")
    for spelling, sound in _SOUNDS_ALIKE:
        text = text.replace(spelling, sound)
    text = re.sub(r"(.)\1+", r"\1", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def kinds_named(product: Product) -> str:
    """The car's body type and fuel as a buyer names them, in Russian and in English
    ("Кроссовер Crossover Дизель Diesel"): what "кроссовер", the home page's own example,
    and "дизель" find."""
    labels = [
        choice(value).label
        for choice, value in ((BodyType, product.body_type), (Fuel, product.fuel))
        if value in choice.values
    ]
    names = []
    for language in ("ru", "en"):
        with translation.override(language):
            names += [str(label) for label in labels]
    return " ".join(names)


def _vector(make, model, trim, name, kinds, description) -> CombinedExpression:
    """The search vector of these texts, values or columns alike."""
    return (
        SearchVector(make, model, trim, config="simple", weight="A")
        + SearchVector(name, config="russian", weight="B")
        + SearchVector(kinds, config="russian", weight="B")
        + SearchVector(description, config="russian", weight="C")
    )


def search_fields_prepare(product: Product) -> None:
    """Set a product's phonetic key and its search vector from its text
    fields, to be written by the same INSERT or UPDATE as they are (`catalog.services`):
    the search never computes them per query. The vector is an expression of the values
    themselves, not of the row's columns, which an INSERT could not read."""
    product.search_key = phonetic_key(
        " ".join([product.name, product.make, product.model, product.trim])
    )
    product.search_vector = _vector(
        Value(product.make),
        Value(product.model),
        Value(product.trim),
        Value(product.name),
        Value(kinds_named(product)),
        Value(product.description),
    )


def _kinds_named_column() -> Concat:
    """`kinds_named` of each row, from its own columns."""
    named = []
    for language in ("ru", "en"):
        with translation.override(language):
            for choice, column in ((BodyType, "body_type"), (Fuel, "fuel")):
                whens = [
                    When(**{column: value}, then=Value(str(label)))
                    for value, label in choice.choices
                ]
                named += [Case(*whens, default=Value("")), Value(" ")]
    return Concat(*named)


def search_vectors_write(product_ids: list, *, using: str = DB) -> None:
    """The search vectors of many saved products, from their columns, in one UPDATE: the same
    as `search_fields_prepare` writes one by one (the exchange with 1C's batches)."""
    Product.objects.using(using).filter(pk__in=product_ids).update(
        search_vector=_vector(
            F("make"), F("model"), F("trim"), F("name"), _kinds_named_column(), F("description")
        )
    )


def product_search(queryset: QuerySet[Product], value: str) -> QuerySet[Product]:
    """The products matching `value`, best first (then the newest)."""
    words = SearchQuery(value, search_type="websearch", config="russian") | SearchQuery(
        value, search_type="websearch", config="simple"
    )
    key = phonetic_key(value)
    table = Product._meta.db_table
    searched = queryset.alias(
        similarity=RawSQL(
            f'word_similarity(%s, "{table}".search_key)', [key], output_field=FloatField()
        ),
    )
    matches = Q(search_vector=words)
    if key:
        # Every word of the query sounds like a word of the names: "toyota rio" finds no
        # Toyota.
        each_word = [
            RawSQL(f'"{table}".search_key %%> %s', [word], output_field=BooleanField())
            for word in key.split()
        ]
        searched = searched.alias(
            **{f"sounds_like_{index}": word for index, word in enumerate(each_word)}
        )
        matches |= Q(**{f"sounds_like_{index}": True for index in range(len(each_word))})
    vin = normalize_vin(value)
    if len(vin) >= VIN_SEARCH_MIN_LENGTH and vin.isalnum():
        matches |= Q(vin__contains=vin)
    return (
        searched.filter(matches)
        .annotate(rank=SearchRank(F("search_vector"), words) + F("similarity") * 0.1)
        .order_by("-rank", "-created_at")
    )
