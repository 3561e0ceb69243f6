"""The exchange endpoint, `/exchange/1c/?type=…&mode=…`, as 1C's side drives it (docs/1c.md,
"The protocol"). Every answer is plain text whose first line is `success`, `progress` or
`failure`, and a failure's next line says why, in Russian: what 1C shows its operator. The
view parses and answers; the services do the work."""

import base64
import binascii
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from common.api.throttling import client_ip, usage_count
from onec.choices import ExchangeType
from onec.models import ExchangeSession
from onec.services import files, imports, sale, sessions
from onec.xml import FileRefused

logger = logging.getLogger(__name__)
# A sale file larger than this is not tried after each part: 1C sends `mode=import` for it.
SALE_FILE_TRIED_UP_TO = 20_000_000
SALE_STEPS = 100


def _answer(*lines: str, status: int = 200, encoding: str = "utf-8") -> HttpResponse:
    body = "\n".join(lines) + "\n"
    return HttpResponse(
        body.encode(encoding, errors="replace"),
        status=status,
        content_type=f"text/plain; charset={encoding}",
    )


def _credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, separator, password = decoded.partition(":")
    return (login, password) if separator else None


def _checkauth(request: HttpRequest, exchange_type: str) -> HttpResponse:
    usage = usage_count(request, "login")
    if not usage.allowed:
        response = _answer("failure", "Слишком много попыток входа: подождите.", status=429)
        response["Retry-After"] = str(max(int(usage.reset), 1))
        return response
    given = _credentials(request)
    try:
        if given is None:
            raise sessions.NotSignedIn
        _session, cookie = sessions.session_start(
            login=given[0], password=given[1], exchange_type=exchange_type,
            client_ip=client_ip(request),
        )  # fmt: skip
    except sessions.NotSignedIn:
        response = _answer("failure", "Неверный логин или пароль обмена.", status=401)
        response["WWW-Authenticate"] = 'Basic realm="1C exchange", charset="UTF-8"'
        return response
    return _answer("success", sessions.COOKIE_NAME, cookie)


@csrf_exempt
def exchange(request: HttpRequest) -> HttpResponse:
    # 1C's operator reads Russian, whatever language the request would choose.
    with translation.override("ru"):
        return _exchange(request)


def _exchange(request: HttpRequest) -> HttpResponse:
    exchange_type, mode = request.GET.get("type", ""), request.GET.get("mode", "")
    if exchange_type not in ExchangeType.values:
        return _answer("failure", f"Неизвестный тип обмена «{exchange_type[:40]}».", status=400)
    if request.method not in ("GET", "POST"):
        return _answer("failure", "Только GET и POST.", status=405)
    if mode == "checkauth":
        return _checkauth(request, exchange_type)
    try:
        session = sessions.session_of_cookie(
            request.COOKIES.get(sessions.COOKIE_NAME, ""), exchange_type=exchange_type
        )
    except sessions.NotSignedIn:
        return _answer("failure", "Сеанс обмена не начат или истёк: нужен checkauth.", status=403)
    encoding = session.account.encoding
    try:
        return _mode(request, session, mode, encoding)
    except FileRefused as exc:
        return _answer("failure", str(exc), encoding=encoding)
    except Exception:
        logger.exception("The 1C exchange failed: %s %s", exchange_type, mode)
        return _answer(
            "failure", "Ошибка сайта: подробности в журнале обмена у администратора.",
            status=500, encoding=encoding,
        )  # fmt: skip


def _mode(request: HttpRequest, session: ExchangeSession, mode: str, encoding: str) -> HttpResponse:
    filename = request.GET.get("filename", "")
    if mode == "init":
        zip_word = "yes" if session.account.use_zip else "no"
        return _answer(
            f"zip={zip_word}", f"file_limit={settings.ONEC_FILE_LIMIT_BYTES}", encoding=encoding
        )
    if mode == "file":
        if request.method != "POST":
            return _answer(
                "failure", "Файл передаётся POST-запросом.", status=405, encoding=encoding
            )
        file = files.file_receive(session=session, name=filename, data=request.body)
        if (
            session.exchange_type == ExchangeType.SALE
            and file
            and file.size <= SALE_FILE_TRIED_UP_TO
        ):
            return _sale_file_tried(session, filename, encoding)
        return _answer("success", encoding=encoding)
    if mode == "import":
        answer = imports.file_import(session=session, name=filename)
        return _answer(answer.word, *([answer.text] if answer.text else []), encoding=encoding)
    if session.exchange_type == ExchangeType.SALE and mode == "query":
        data = sale.orders_query(session=session)
        return HttpResponse(data, content_type=f"application/xml; charset={encoding}")
    if session.exchange_type == ExchangeType.SALE and mode == "success":
        sale.orders_confirm(session=session)
        return _answer("success", encoding=encoding)
    if mode in ("complete", "deactivate"):  # CommerceML 2.10's end of a catalog exchange
        return _answer("success", encoding=encoding)
    return _answer("failure", f"Неизвестный режим «{mode[:40]}».", status=400, encoding=encoding)


def _sale_file_tried(session: ExchangeSession, filename: str, encoding: str) -> HttpResponse:
    """1C sends its orders' file and expects it applied (no `mode=import` in the sale
    exchange): once the parts so far make a whole document, apply it; a file still cut off
    waits for its next part."""
    answer = imports.file_import(session=session, name=filename)
    for _ in range(SALE_STEPS):
        if answer.word != "progress":
            break
        answer = imports.file_import(session=session, name=filename)
    if answer.word == "failure" and answer.cut_off:
        files.file_reopen(session=session, name=filename)
        return _answer("success", encoding=encoding)
    return _answer(answer.word, *([answer.text] if answer.text else []), encoding=encoding)
