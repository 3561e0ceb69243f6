"""The templates the repository ships (docs/notifications.md, "Templates"): version 1 of each
notice's e-mail (subject and text) and SMS, in Russian and English. A migration loads them;
staff edit them in the admin, which adds versions."""

from notifications.defaults_service import SERVICE_TEXTS

# notice: {language: (e-mail subject, e-mail text, SMS text or None)}
TEXTS: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "order.created": {
        "ru": (
            "Заказ {{ order_number }} оформлен",
            "Здравствуйте, {{ name }}!\n\nВаш заказ {{ order_number }} на сумму {{ total }} "
            "оформлен, автомобиль закреплён за вами.\n\nЗаказ: {{ order_url }}",
            "Заказ {{ order_number }} на {{ total }} оформлен. {{ order_url }}",
        ),
        "en": (
            "Order {{ order_number }} placed",
            "Hello {{ name }},\n\nYour order {{ order_number }} for {{ total }} is placed and "
            "the car is held for you.\n\nYour order: {{ order_url }}",
            "Order {{ order_number }} for {{ total }} placed. {{ order_url }}",
        ),
    },
    "order.reservation_expiring": {
        "ru": (
            "Бронь по заказу {{ order_number }} истекает",
            "Здравствуйте, {{ name }}!\n\nАвтомобиль по заказу {{ order_number }} закреплён за "
            "вами до {{ reserved_until }} (осталось {{ hours_left }} ч). Чтобы сохранить его, "
            "внесите предоплату.\n\nЗаказ: {{ order_url }}",
            "Бронь по заказу {{ order_number }} истекает {{ reserved_until }}. {{ order_url }}",
        ),
        "en": (
            "The hold on order {{ order_number }} ends soon",
            "Hello {{ name }},\n\nThe car of order {{ order_number }} is held for you until "
            "{{ reserved_until }} ({{ hours_left }} h left). Pay the deposit to keep it.\n\n"
            "Your order: {{ order_url }}",
            "The hold on order {{ order_number }} ends {{ reserved_until }}. {{ order_url }}",
        ),
    },
    "order.ready_for_handover": {
        "ru": (
            "Автомобиль по заказу {{ order_number }} готов к выдаче",
            "Здравствуйте, {{ name }}!\n\nАвтомобиль по заказу {{ order_number }} готов к "
            "выдаче. Менеджер свяжется с вами, чтобы согласовать время.\n\n"
            "Заказ: {{ order_url }}",
            "Автомобиль по заказу {{ order_number }} готов к выдаче. {{ order_url }}",
        ),
        "en": (
            "The car of order {{ order_number }} is ready for handover",
            "Hello {{ name }},\n\nThe car of order {{ order_number }} is ready for handover. "
            "Your manager will call to agree the time.\n\nYour order: {{ order_url }}",
            "The car of order {{ order_number }} is ready for handover. {{ order_url }}",
        ),
    },
    "order.document_ready": {
        "ru": (
            "{{ document }} № {{ document_number }}",
            "Здравствуйте, {{ name }}!\n\nПо заказу {{ order_number }} готов документ: "
            "{{ document }} № {{ document_number }}. Он в вашем заказе: {{ order_url }}",
            None,
        ),
        "en": (
            "{{ document }} No. {{ document_number }}",
            "Hello {{ name }},\n\nA document of order {{ order_number }} is ready: "
            "{{ document }} No. {{ document_number }}. It is in your order: {{ order_url }}",
            None,
        ),
    },
    "payment.completed": {
        "ru": (
            "Платёж {{ amount }} получен",
            "Здравствуйте, {{ name }}!\n\nМы получили ваш платёж {{ amount }}"
            "{% if order_number %} по заказу {{ order_number }}{% endif %}. Спасибо!\n\n"
            "{% if receipts_url %}Кассовый чек: {{ receipts_url }}{% endif %}",
            "Платёж {{ amount }} получен. Спасибо!",
        ),
        "en": (
            "Payment of {{ amount }} received",
            "Hello {{ name }},\n\nWe have received your payment of {{ amount }}"
            "{% if order_number %} for order {{ order_number }}{% endif %}. Thank you!\n\n"
            "{% if receipts_url %}Your fiscal receipt: {{ receipts_url }}{% endif %}",
            "Payment of {{ amount }} received. Thank you!",
        ),
    },
    "payment.refunded": {
        "ru": (
            "Возврат {{ amount }}",
            "Здравствуйте, {{ name }}!\n\nМы вернули вам {{ amount }}"
            "{% if order_number %} по заказу {{ order_number }}{% endif %}. Деньги поступят "
            "на карту в течение нескольких дней.",
            "Возврат {{ amount }} оформлен.",
        ),
        "en": (
            "Refund of {{ amount }}",
            "Hello {{ name }},\n\nWe have refunded {{ amount }}"
            "{% if order_number %} of order {{ order_number }}{% endif %}. The money reaches "
            "your card within a few days.",
            "Refund of {{ amount }} made.",
        ),
    },
    # The dealership's own pre-check, before any bank: no rate, no payment (docs/financing.md).
    "loan.approved": {
        "ru": (
            "Кредит предварительно одобрен",
            "Здравствуйте, {{ name }}!\n\nЗаявка на кредит {{ amount }} на {{ term_months }} "
            "мес. по заказу {{ order_number }} предварительно одобрена автосалоном. Это ещё не "
            "решение банка: отправьте заявку в банки-партнёры на странице заказа. Ставку и "
            "платёж назовёт банк в своём предложении, и мы напишем, когда вы его выберете.\n\n"
            "Заказ: {{ order_url }}",
            "Заявка на кредит {{ amount }} предварительно одобрена. Ставку назовёт банк. "
            "{{ order_url }}",
        ),
        "en": (
            "Your loan is pre-approved",
            "Hello {{ name }},\n\nThe dealership has pre-approved your application for a "
            "loan of {{ amount }} over {{ term_months }} months for order {{ order_number }}. "
            "It is not a bank's decision yet: send the application to our partner banks from "
            "your order's page. The bank's offer sets the rate and the payment, and we will "
            "write once you have chosen one.\n\nYour order: {{ order_url }}",
            "Your loan application for {{ amount }} is pre-approved. The bank sets the rate. "
            "{{ order_url }}",
        ),
    },
    # The terms, once the buyer took a bank's offer.
    "loan.offer_chosen": {
        "ru": (
            "Вы выбрали предложение банка {{ bank }}",
            "Здравствуйте, {{ name }}!\n\nВы выбрали предложение банка {{ bank }} по заказу "
            "{{ order_number }}: кредит {{ amount }} на {{ term_months }} мес. под "
            "{{ annual_rate }} % годовых, платёж {{ monthly_payment }} в месяц, полная "
            "стоимость кредита {{ full_cost_percent }} % годовых. Окончательные условия "
            "установит кредитный договор с банком.\n\nЗаказ: {{ order_url }}",
            "Кредит в банке {{ bank }}: {{ amount }} под {{ annual_rate }} %, платёж "
            "{{ monthly_payment }} в месяц. {{ order_url }}",
        ),
        "en": (
            "You chose the offer of {{ bank }}",
            "Hello {{ name }},\n\nYou chose the offer of {{ bank }} for order "
            "{{ order_number }}: a loan of {{ amount }} over {{ term_months }} months at "
            "{{ annual_rate }}% a year, {{ monthly_payment }} a month, the full cost of credit "
            "{{ full_cost_percent }}% a year. The loan contract with the bank sets the final "
            "terms.\n\nYour order: {{ order_url }}",
            "Your loan from {{ bank }}: {{ amount }} at {{ annual_rate }}%, "
            "{{ monthly_payment }} a month. {{ order_url }}",
        ),
    },
    # The loan's terms changed and its schedule was drawn again (docs/documents.md).
    "loan.schedule_reissued": {
        "ru": (
            "График платежей переоформлен: № {{ document_number }}",
            "Здравствуйте, {{ name }}!\n\nУсловия кредита по заказу {{ order_number }} "
            "изменились, и мы переоформили график платежей: новый № {{ document_number }} "
            "заменяет № {{ replaced_number }}, который больше не действует. Новый график — в "
            "вашем заказе: {{ order_url }}",
            None,
        ),
        "en": (
            "Your loan schedule was re-issued: No. {{ document_number }}",
            "Hello {{ name }},\n\nThe terms of the loan for order {{ order_number }} changed, "
            "so we re-issued its payment schedule: No. {{ document_number }} replaces "
            "No. {{ replaced_number }}, which no longer applies. The new schedule is in your "
            "order: {{ order_url }}",
            None,
        ),
    },
    "loan.declined": {
        "ru": (
            "Решение по кредиту",
            "Здравствуйте, {{ name }}!\n\nК сожалению, банк не одобрил кредит по заказу "
            "{{ order_number }}. Менеджер предложит другие варианты.\n\nЗаказ: {{ order_url }}",
            "Банк не одобрил кредит по заказу {{ order_number }}. Менеджер свяжется с вами.",
        ),
        "en": (
            "About your loan",
            "Hello {{ name }},\n\nUnfortunately the lender declined the loan for order "
            "{{ order_number }}. Your manager will suggest other ways to pay.\n\n"
            "Your order: {{ order_url }}",
            "The lender declined the loan for order {{ order_number }}. We will call you.",
        ),
    },
    "loan.disbursed": {
        "ru": (
            "Банк перечислил кредит",
            "Здравствуйте, {{ name }}!\n\n{% if lender %}{{ lender }}{% else %}Банк{% endif %} "
            "перечислил {{ amount }} по заказу {{ order_number }}.\n\nЗаказ: {{ order_url }}",
            "{% if lender %}{{ lender }}{% else %}Банк{% endif %} перечислил {{ amount }} по "
            "заказу {{ order_number }}.",
        ),
        "en": (
            "The lender has paid",
            "Hello {{ name }},\n\n{% if lender %}{{ lender }}{% else %}The lender{% endif %} "
            "has paid {{ amount }} for order {{ order_number }}.\n\nYour order: {{ order_url }}",
            "{% if lender %}{{ lender }}{% else %}The lender{% endif %} has paid {{ amount }} "
            "for order {{ order_number }}.",
        ),
    },
    "policy.issued": {
        "ru": (
            "Полис {{ insurance_type }} № {{ policy_number }}",
            "Здравствуйте, {{ name }}!\n\nПолис {{ insurance_type }} № {{ policy_number }} "
            "оформлен: действует с {{ start_date }} по {{ end_date }}, премия {{ premium }}.",
            "Полис {{ insurance_type }} № {{ policy_number }} оформлен.",
        ),
        "en": (
            "Your {{ insurance_type }} policy {{ policy_number }}",
            "Hello {{ name }},\n\nYour {{ insurance_type }} policy {{ policy_number }} is "
            "issued: from {{ start_date }} to {{ end_date }}, premium {{ premium }}.",
            "Your {{ insurance_type }} policy {{ policy_number }} is issued.",
        ),
    },
    "policy.lapsed": {
        "ru": (
            "Полис {{ policy_number }} не вступил в силу",
            "Здравствуйте, {{ name }}!\n\nПремия по полису {{ insurance_type }} № "
            "{{ policy_number }} не была оплачена вовремя, и полис не вступил в силу.",
            "Полис {{ policy_number }} не вступил в силу: премия не оплачена.",
        ),
        "en": (
            "Policy {{ policy_number }} lapsed",
            "Hello {{ name }},\n\nThe premium of your {{ insurance_type }} policy "
            "{{ policy_number }} was not paid in time, and the policy lapsed.",
            "Policy {{ policy_number }} lapsed: its premium was not paid.",
        ),
    },
    "claim.decided": {
        "ru": (
            "Решение по страховому случаю",
            "Здравствуйте, {{ name }}!\n\nПо вашему заявлению о страховом случае "
            "принято решение: {{ decision }}.{% if amount_approved %} Сумма выплаты: "
            "{{ amount_approved }}.{% endif %}",
            "Решение по страховому случаю: {{ decision }}.",
        ),
        "en": (
            "Your claim is decided",
            "Hello {{ name }},\n\nYour insurance claim is decided: "
            "{{ decision }}.{% if amount_approved %} We pay {{ amount_approved }}.{% endif %}",
            "Your insurance claim: {{ decision }}.",
        ),
    },
    "test_drive.booked": {
        "ru": (
            "Тест-драйв {{ vehicle }}",
            "Здравствуйте, {{ name }}!\n\nЖдём вас на тест-драйв {{ vehicle }} "
            "{{ starts_at }}{% if place %} по адресу: {{ place }}{% endif %}. Возьмите с собой "
            "водительское удостоверение.",
            "Тест-драйв {{ vehicle }} {{ starts_at }}{% if place %}, {{ place }}{% endif %}. "
            "Возьмите права.",
        ),
        "en": (
            "Your test drive of the {{ vehicle }}",
            "Hello {{ name }},\n\nWe expect you for a test drive of the {{ vehicle }} on "
            "{{ starts_at }}{% if place %} at {{ place }}{% endif %}. Please bring your "
            "driving licence.",
            "Test drive of the {{ vehicle }} on {{ starts_at }}{% if place %}, {{ place }}"
            "{% endif %}. Bring your licence.",
        ),
    },
    "test_drive.reminder": {
        "ru": (
            "Напоминание: тест-драйв {{ starts_at }}",
            "Здравствуйте, {{ name }}!\n\nНапоминаем: тест-драйв {{ vehicle }} {{ starts_at }}.",
            "Напоминаем: тест-драйв {{ vehicle }} {{ starts_at }}.",
        ),
        "en": (
            "Reminder: your test drive on {{ starts_at }}",
            "Hello {{ name }},\n\nA reminder: your test drive of the {{ vehicle }} is on "
            "{{ starts_at }}.",
            "Reminder: test drive of the {{ vehicle }} on {{ starts_at }}.",
        ),
    },
    "test_drive.cancelled": {
        "ru": (
            "Тест-драйв отменён",
            "Здравствуйте, {{ name }}!\n\nТест-драйв {{ vehicle }} {{ starts_at }} отменён. "
            "Выбрать другое время: {{ site_url }}",
            "Тест-драйв {{ vehicle }} {{ starts_at }} отменён.",
        ),
        "en": (
            "Test drive cancelled",
            "Hello {{ name }},\n\nThe test drive of the {{ vehicle }} on {{ starts_at }} is "
            "cancelled. Choose another time: {{ site_url }}",
            "Test drive of the {{ vehicle }} on {{ starts_at }} cancelled.",
        ),
    },
    "registration.confirmed": {
        "ru": (
            "Вы записаны: {{ event }}",
            "Здравствуйте, {{ name }}!\n\nВы записаны на «{{ event }}», {{ starts_at }}. Ждём вас!",
            None,
        ),
        "en": (
            "You are registered: {{ event }}",
            "Hello {{ name }},\n\nYou are registered for “{{ event }}” on {{ starts_at }}. "
            "See you there!",
            None,
        ),
    },
    "registration.reminder": {
        "ru": (
            "Напоминание: {{ event }}",
            "Здравствуйте, {{ name }}!\n\nНапоминаем: «{{ event }}» — {{ starts_at }}.",
            "Напоминаем: «{{ event }}» {{ starts_at }}.",
        ),
        "en": (
            "Reminder: {{ event }}",
            "Hello {{ name }},\n\nA reminder: “{{ event }}” is on {{ starts_at }}.",
            "Reminder: “{{ event }}” on {{ starts_at }}.",
        ),
    },
    "trade_in.offered": {
        "ru": (
            "Оценка вашего автомобиля: {{ amount }}",
            "Здравствуйте, {{ name }}!\n\nМы оценили ваш {{ car }} в {{ amount }}. "
            "Предложение действует до {{ valid_until }}: примите его в личном кабинете или "
            "через менеджера.",
            None,
        ),
        "en": (
            "Your car is valued at {{ amount }}",
            "Hello {{ name }},\n\nWe value your {{ car }} at {{ amount }}. The offer stands "
            "until {{ valid_until }}: accept it on your account or through your manager.",
            None,
        ),
    },
    "trade_in.offer_expiring": {
        "ru": (
            "Предложение за {{ car }} истекает",
            "Здравствуйте, {{ name }}!\n\nНаше предложение {{ amount }} за ваш {{ car }} "
            "действует до {{ valid_until }}.",
            None,
        ),
        "en": (
            "The offer for your {{ car }} ends soon",
            "Hello {{ name }},\n\nOur offer of {{ amount }} for your {{ car }} stands until "
            "{{ valid_until }}.",
            None,
        ),
    },
    "trade_in.inspected": {
        "ru": (
            "Осмотр вашего {{ car }}",
            "Здравствуйте, {{ name }}!\n\nМы осмотрели ваш {{ car }} и подтвердили "
            "сумму {{ amount }}: она зачтена в ваш заказ.",
            None,
        ),
        "en": (
            "Your {{ car }} is inspected",
            "Hello {{ name }},\n\nWe have inspected your {{ car }} and confirmed "
            "{{ amount }}: it is credited to your order.",
            None,
        ),
    },
    **SERVICE_TEXTS,  # the service department's (notifications/defaults_service.py)
}


def shipped_load(template_model) -> int:
    """Add version 1 of every shipped template that has no version yet; how many were."""
    added = 0
    for notice, languages in TEXTS.items():
        for language, (subject, text, sms) in languages.items():
            for channel, subject_of, body in (("email", subject, text), ("sms", "", sms)):
                if body is None:
                    continue
                _row, created = template_model.objects.get_or_create(
                    notice=notice,
                    channel=channel,
                    language=language,
                    version=1,
                    defaults={"subject": subject_of, "body": body},
                )
                added += created
    return added


# Shipped texts a later release rewrote: (notice, language) -> the texts replaced. A template
# whose latest version still says the old text gets the new one as its next version; one a
# manager has rewritten keeps theirs (`shipped_update`).
REWRITTEN = {
    # The dealership's pre-check is a pre-approval and names no rate nor payment: a bank's
    # offer does (docs/financing.md).
    ("loan.approved", "ru"): (
        "Кредит одобрен",
        "Здравствуйте, {{ name }}!\n\nКредит {{ amount }} по заказу {{ order_number }} "
        "одобрен: {{ term_months }} мес., {{ annual_rate }} % годовых, платёж "
        "{{ monthly_payment }} в месяц.\n\nЗаказ: {{ order_url }}",
        "Кредит {{ amount }} одобрен: {{ monthly_payment }} в месяц. {{ order_url }}",
    ),
    ("loan.approved", "en"): (
        "Your loan is approved",
        "Hello {{ name }},\n\nYour loan of {{ amount }} for order {{ order_number }} is "
        "approved: {{ term_months }} months at {{ annual_rate }}% a year, "
        "{{ monthly_payment }} a month.\n\nYour order: {{ order_url }}",
        "Loan of {{ amount }} approved: {{ monthly_payment }} a month. {{ order_url }}",
    ),
    # The loan's e-mail names the partner bank that lent it (docs/financing.md).
    ("loan.disbursed", "ru"): (
        "Банк перечислил кредит",
        "Здравствуйте, {{ name }}!\n\nБанк перечислил {{ amount }} по заказу "
        "{{ order_number }}.\n\nЗаказ: {{ order_url }}",
        "Банк перечислил {{ amount }} по заказу {{ order_number }}.",
    ),
    ("loan.disbursed", "en"): (
        "The lender has paid",
        "Hello {{ name }},\n\nThe lender has paid {{ amount }} for order "
        "{{ order_number }}.\n\nYour order: {{ order_url }}",
        "The lender has paid {{ amount }} for order {{ order_number }}.",
    ),
    # The test drive's e-mail says where to come (the demo car's showroom).
    ("test_drive.booked", "ru"): (
        "Тест-драйв {{ vehicle }}",
        "Здравствуйте, {{ name }}!\n\nЖдём вас на тест-драйв {{ vehicle }} "
        "{{ starts_at }}. Возьмите с собой водительское удостоверение.",
        "Тест-драйв {{ vehicle }} {{ starts_at }}. Возьмите права.",
    ),
    ("test_drive.booked", "en"): (
        "Your test drive of the {{ vehicle }}",
        "Hello {{ name }},\n\nWe expect you for a test drive of the {{ vehicle }} on "
        "{{ starts_at }}. Please bring your driving licence.",
        "Test drive of the {{ vehicle }} on {{ starts_at }}. Bring your licence.",
    ),
}


def shipped_update(template_model, rewritten=None) -> int:
    """The next version of every template whose latest still says what `rewritten` (by
    default REWRITTEN) replaced; how many were added."""
    added = 0
    for (notice, language), old in (rewritten or REWRITTEN).items():
        new = TEXTS[notice][language]
        channels = (("email", old[0], old[1], new[0], new[1]), ("sms", "", old[2], "", new[2]))
        for channel, old_subject, old_body, subject, body in channels:
            latest = (
                template_model.objects.filter(notice=notice, channel=channel, language=language)
                .order_by("-version")
                .first()
            )
            if body is None or latest is None or latest.body != old_body:
                continue
            if latest.subject != old_subject:
                continue
            template_model.objects.create(
                notice=notice,
                channel=channel,
                language=language,
                version=latest.version + 1,
                subject=subject,
                body=body,
            )
            added += 1
    return added
