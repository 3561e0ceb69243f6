"""The classifieds' feeds (docs/feeds.md): the catalog's cars in Avito's, Auto.ru's and Yandex's
XML, one module per format over one selection (`selection.py`), each value mapped from the
catalog's codes to the site's own words by the tables in `mappings.py`."""
