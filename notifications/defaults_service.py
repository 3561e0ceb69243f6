"""The service department's shipped texts (docs/service.md, "Messages"), version 1 of each
notice's e-mail and SMS in Russian and English, merged into `defaults.TEXTS`. A booker who was
not signed in may have given no name: the greeting then names no one."""

HELLO_RU = "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
HELLO_EN = "Hello{% if name %} {{ name }}{% endif %},\n\n"
WHERE_RU = "{% if place %}\nАдрес: {{ place }}{% endif %}"
WHERE_EN = "{% if place %}\nWhere: {{ place }}{% endif %}"
LINK_RU = "\n\nПеренести или отменить запись: {{ booking_url }}"
LINK_EN = "\n\nTo move or cancel it: {{ booking_url }}"
PRICE_RU = "{% if price %}{{ price }}{% else %}бесплатно для вас{% endif %}"
PRICE_EN = "{% if price %}{{ price }}{% else %}free of charge for you{% endif %}"

# notice: {language: (e-mail subject, e-mail text, SMS text)}
SERVICE_TEXTS: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "service_booking.created": {
        "ru": (
            "Запись в сервис {{ starts_at }}",
            HELLO_RU + "Вы записаны в сервис {{ starts_at }}.\nАвтомобиль: {{ car }}\n"
            "Работы: {{ work }}" + WHERE_RU + LINK_RU,
            "Запись в сервис {{ starts_at }}, {{ place }}. Перенести или отменить: "
            "{{ booking_url }}",
        ),
        "en": (
            "Service booked for {{ starts_at }}",
            HELLO_EN + "Your car is booked into our service on {{ starts_at }}.\n"
            "Car: {{ car }}\nWork: {{ work }}" + WHERE_EN + LINK_EN,
            "Service booked for {{ starts_at }}, {{ place }}. Move or cancel: {{ booking_url }}",
        ),
    },
    "service_booking.rescheduled": {
        "ru": (
            "Запись в сервис перенесена на {{ starts_at }}",
            HELLO_RU + "Запись в сервис перенесена: ждём вас {{ starts_at }}.\n"
            "Автомобиль: {{ car }}\nРаботы: {{ work }}" + WHERE_RU + LINK_RU,
            "Запись в сервис перенесена на {{ starts_at }}, {{ place }}. {{ booking_url }}",
        ),
        "en": (
            "Service booking moved to {{ starts_at }}",
            HELLO_EN + "Your service booking is moved: we expect you on {{ starts_at }}.\n"
            "Car: {{ car }}\nWork: {{ work }}" + WHERE_EN + LINK_EN,
            "Service booking moved to {{ starts_at }}, {{ place }}. {{ booking_url }}",
        ),
    },
    "service_booking.cancelled": {
        "ru": (
            "Запись в сервис {{ starts_at }} отменена",
            HELLO_RU + "Запись в сервис {{ starts_at }} отменена.\nАвтомобиль: {{ car }}\n"
            "Работы: {{ work }}\n\nЗаписаться снова: {{ book_url }}",
            "Запись в сервис {{ starts_at }} отменена. Записаться снова: {{ book_url }}",
        ),
        "en": (
            "Service booking for {{ starts_at }} cancelled",
            HELLO_EN + "Your service booking for {{ starts_at }} is cancelled.\n"
            "Car: {{ car }}\nWork: {{ work }}\n\nBook again: {{ book_url }}",
            "Service booking for {{ starts_at }} cancelled. Book again: {{ book_url }}",
        ),
    },
    "service_booking.reminder": {
        "ru": (
            "Напоминание: сервис {{ starts_at }}",
            HELLO_RU + "Напоминаем: ждём ваш автомобиль в сервисе {{ starts_at }}.\n"
            "Автомобиль: {{ car }}\nРаботы: {{ work }}" + WHERE_RU + LINK_RU,
            "Напоминаем: сервис {{ starts_at }}, {{ place }}. Перенести или отменить: "
            "{{ booking_url }}",
        ),
        "en": (
            "Reminder: your service on {{ starts_at }}",
            HELLO_EN + "A reminder: we expect your car in our service on {{ starts_at }}.\n"
            "Car: {{ car }}\nWork: {{ work }}" + WHERE_EN + LINK_EN,
            "Reminder: service on {{ starts_at }}, {{ place }}. Move or cancel: {{ booking_url }}",
        ),
    },
    "work_order.line_proposed": {
        "ru": (
            "Нужно ваше согласие: {{ work }}",
            HELLO_RU + "Работая с вашим автомобилем ({{ car }}) по заказ-наряду "
            "{{ work_order_number }}, мы нашли, что нужно сделать ещё:\n{{ work }} — "
            + PRICE_RU
            + ".\n\nБез вашего согласия мы эту работу не делаем. Согласиться или "
            "отказаться: {{ work_order_url }}",
            "{{ car }}: нужна работа «{{ work }}», " + PRICE_RU + ". Согласиться или "
            "отказаться: {{ work_order_url }}",
        ),
        "en": (
            "Your approval is needed: {{ work }}",
            HELLO_EN + "Working on your car ({{ car }}) under work order "
            "{{ work_order_number }}, we found more to do:\n{{ work }} — "
            + PRICE_EN
            + ".\n\nWe do not do it without your approval. Approve or decline it: "
            "{{ work_order_url }}",
            "{{ car }}: {{ work }} is needed, " + PRICE_EN + ". Approve or decline: "
            "{{ work_order_url }}",
        ),
    },
    "service.maintenance_due": {
        "ru": (
            "Пора на {{ menu }}: {{ car }}",
            HELLO_RU + "Вашему автомобилю {{ car }} пора на плановое обслуживание "
            "({{ menu }}): по сроку — {{ due_date }}, по пробегу — {{ due_km }} км"
            "{% if mileage_km %}, а по нашей оценке он уже проехал около {{ mileage_km }} км"
            "{% endif %}.\n\nЗаписаться в сервис: {{ book_url }}",
            "{{ car }}: пора на {{ menu }}. Записаться: {{ book_url }}",
        ),
        "en": (
            "{{ menu }} is due: {{ car }}",
            HELLO_EN + "Your {{ car }} is due for its scheduled maintenance ({{ menu }}): "
            "by date on {{ due_date }}, by mileage at {{ due_km }} km"
            "{% if mileage_km %}, and by our estimate it has done about {{ mileage_km }} km"
            "{% endif %}.\n\nBook a service: {{ book_url }}",
            "{{ car }}: {{ menu }} is due. Book: {{ book_url }}",
        ),
    },
}
