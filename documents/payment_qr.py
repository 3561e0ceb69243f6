"""The payment QR code of an invoice, as GOST R 56042-2014 defines it: `ST00012` (format 0001,
UTF-8), then `Key=value` pairs separated by `|`. A banking app that reads it fills the
transfer in: the payee, its bank, the sum in kopecks and the purpose."""

import base64
import io
from decimal import Decimal

import segno

HEADER = "ST00012"  # ST, version 0001, encoding 2 (UTF-8)
SEPARATOR = "|"


def _clean(value: str) -> str:
    """A value may not hold the separator; line breaks become spaces."""
    return " ".join(value.replace(SEPARATOR, "/").split())


def payload(
    *,
    name: str,
    account: str,
    bank_name: str,
    bik: str,
    correspondent_account: str,
    inn: str,
    kpp: str,
    amount: Decimal,
    purpose: str,
) -> str:
    kopecks = int((amount * 100).to_integral_value())
    fields = [
        ("Name", name),
        ("PersonalAcc", account),
        ("BankName", bank_name),
        ("BIC", bik),
        ("CorrespAcc", correspondent_account),
        ("PayeeINN", inn),
        ("KPP", kpp),
        ("Sum", str(kopecks)),
        ("Purpose", purpose),
    ]
    return SEPARATOR.join([HEADER, *(f"{key}={_clean(value)}" for key, value in fields if value)])


def png_data_uri(text: str) -> str:
    """The code as a PNG in a data: URI, for the document's <img>: error correction M, a
    quiet zone of four modules, as banks' apps read best."""
    code = segno.make(text, error="m", encoding="utf-8", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
