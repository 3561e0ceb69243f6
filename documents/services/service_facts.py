"""The service department's papers of a work order (docs/service.md, "Papers"): which kinds
they are, and the facts of an invented work order for checking and previewing their
templates. The facts of a real one are the service app's to state (`paper_issue`)."""

from typing import Any

from documents.choices import DocumentKind

SERVICE_KINDS = frozenset(
    {DocumentKind.ACCEPTANCE_ACT, DocumentKind.WORK_ORDER, DocumentKind.COMPLETION_ACT}
)


def service_sample() -> dict[str, Any]:
    return {
        "buyer": {"name": "Петров Иван Сергеевич", "phone": "+79161234567", "email": ""},
        "work_order": {
            "number": "ЗН-2026-000042",
            "date": "2026-11-26",
            "city": "Москва",
            "payer": "",
            "deadline": "2026-11-27T18:00:00+03:00",
            "accepted_at": "2026-11-26T09:10:00+03:00",
            "completed_at": "2026-11-27T16:30:00+03:00",
            "instruction": "Согласовать по телефону",
            "instruction_limit": "0.00",
            "works_warranty_months": 6,
            "parts_warranty_months": 12,
            "advisor": "Мастеров Пётр",
            "advisor_position": "Мастер-консультант",
            "signed": "на сайте, 26.11.2026 09:05",
        },
        "customer": {"name": "Петров Иван Сергеевич", "phone": "+79161234567",
                     "address": "Москва, ул. Тверская, 1"},
        "car": {"make": "Lada", "model": "Vesta", "vin": "XTAGFL110SY000001",
                "plate": "А123ВС777", "year": 2022, "engine_number": "21129 1234567",
                "body_number": "", "mileage_in": 30000, "mileage_out": 30012,
                "value": "1200000.00"},
        "acceptance": {"completeness": "Два ключа, запасное колесо, домкрат",
                       "damage": "Царапина на заднем бампере слева", "fuel": "Половина",
                       "belongings": "Детское кресло", "photos_count": 0},
        "works": [
            {"code": "TO-OIL", "name": "Замена масла двигателя", "norm_hours": "1.50",
             "rate": "2500.00", "amount": "3750.00", "pay_type": "Клиент",
             "done_by": "Сидоров А.", "proposed": False},
        ],
        "parts": [
            {"code": "0888080835", "manufacturer": "Lukoil", "name": "Масло 5W-30",
             "quantity": "4.00", "unit_price": "900.00", "amount": "3600.00",
             "supplied_by": "Исполнитель", "pay_type": "Клиент", "proposed": False},
        ],
        "totals": {"customer": "7350.00", "warranty": "0.00", "internal": "0.00"},
        "paid": "7350.00",
        "balance": "0.00",
    }  # fmt: skip
