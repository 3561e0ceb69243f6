"""The catalog's codes in each classified's own words (docs/feeds.md, "Mapping"). A code with
no entry has no word on that site: the car is left out of its feed with the reason, rather
than sent with a wrong one. `integrations/tests/test_feed_mappings.py` holds every code of the
catalog's choices to an entry or to the list of codes each site has no word for."""

# AVITO AUTOLOAD, FORMAT 3
# ------------------------------------------------------------------------------
AVITO_CAR_TYPE = {"new": "Новые", "used": "С пробегом"}
AVITO_BODY_TYPE = {
    "sedan": "Седан",
    "hatchback": "Хетчбэк",
    "liftback": "Лифтбек",
    "wagon": "Универсал",
    "suv": "Внедорожник",
    "crossover": "Внедорожник",  # Avito lists crossovers among its off-roaders
    "coupe": "Купе",
    "convertible": "Кабриолет",
    "minivan": "Минивэн",
    "pickup": "Пикап",
    "van": "Фургон",
}
AVITO_FUEL_TYPE = {
    "petrol": "Бензин",
    "diesel": "Дизель",
    "hybrid": "Гибрид",
    "electric": "Электро",
    "lpg": "Газ",
}
AVITO_TRANSMISSION = {
    "manual": "Механика",
    "automatic": "Автомат",
    "robot": "Робот",
    "cvt": "Вариатор",
}
AVITO_DRIVE_TYPE = {"fwd": "Передний", "rwd": "Задний", "awd": "Полный"}
AVITO_COLOR = {
    "white": "Белый",
    "black": "Чёрный",
    "silver": "Серебряный",
    "grey": "Серый",
    "blue": "Синий",
    "red": "Красный",
    "green": "Зелёный",
    "brown": "Коричневый",
    "beige": "Бежевый",
    "yellow": "Жёлтый",
    "orange": "Оранжевый",
}

# AUTO.RU'S DEALER FEED
# ------------------------------------------------------------------------------
AUTORU_BODY_TYPE = {
    "sedan": "Седан",
    "hatchback": "Хэтчбек 5 дв.",
    "liftback": "Лифтбек",
    "wagon": "Универсал 5 дв.",
    "suv": "Внедорожник 5 дв.",
    "crossover": "Внедорожник 5 дв.",
    "coupe": "Купе",
    "convertible": "Кабриолет",
    "minivan": "Минивэн",
    "pickup": "Пикап Двойная кабина",
    "van": "Фургон",
}
AUTORU_ENGINE = {  # the modification's engine, as Auto.ru names it
    "petrol": "",
    "diesel": "d",
    "hybrid": "hyb",
    "electric": "Electro",
    "lpg": "LPG",
}
AUTORU_TRANSMISSION = {"manual": "MT", "automatic": "AT", "robot": "AMT", "cvt": "CVT"}
AUTORU_COLOR = {
    "white": "белый",
    "black": "чёрный",
    "silver": "серебристый",
    "grey": "серый",
    "blue": "синий",
    "red": "красный",
    "green": "зелёный",
    "brown": "коричневый",
    "beige": "бежевый",
    "yellow": "жёлтый",
    "orange": "оранжевый",
}
AUTORU_OWNERS = {1: "Один", 2: "Два"}  # three and more: "Три и более"
AUTORU_OWNERS_MORE = "Три и более"
