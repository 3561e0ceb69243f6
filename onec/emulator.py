"""1C's side of the CommerceML "exchange with a site" protocol, to play 1C against a running
site (docs/1c.md, "The protocol"): `checkauth` with HTTP Basic auth, then the session's cookie
on every request; `init` for the archive and part size the site takes; the files sent in
parts; `import` called again while the site answers "progress"; for CommerceML 2.10's split
files, `deactivate` and `complete` at the end. A catalog exchange sends a sample
(onec/samples/), a sale exchange takes the site's orders and sends 1C's back."""

import io
import time
import zipfile
from typing import TypedDict

import httpx

from onec.samples import Sample

# The order 1C imports a catalog's files in.
IMPORT_ORDER = ("import.xml", "offers.xml", "prices.xml", "rests.xml")
ARCHIVE_NAME = "exchange.zip"


class ExchangeFailed(Exception):
    """The site answered failure (or an HTTP error): what it said in `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExchangeReport(TypedDict):
    files: list[str]
    parts: int  # the requests the files took
    import_calls: int
    seconds: float


class OneC:
    """1C's exchange node, one site's: it keeps the session's cookie and what `init` allowed
    between calls, as 1C does within one exchange."""

    def __init__(
        self,
        base_url: str,
        login: str,
        password: str,
        *,
        client: httpx.Client | None = None,
        path: str = "/exchange/1c/",
        max_part: int = 0,
    ) -> None:
        # An import step may run for a while before it answers "progress".
        self.client = client or httpx.Client(timeout=120.0)
        self.url = base_url.rstrip("/") + path
        self.auth = httpx.BasicAuth(login, password)
        self.cookie = ""  # "name=value", as checkauth gave it
        self.cookie_type = ""  # the exchange it was given for: a site may hold them apart
        self.zip = False
        self.file_limit = 0  # bytes a part may hold; 0: no limit
        # A smaller part than the site allows, as a 1C set up so sends (0: the site's limit).
        self.max_part = max_part

    def _call(self, method: str, params: dict[str, str], content: bytes | None = None) -> str:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if content is not None:
            headers["Content-Type"] = "application/octet-stream"
        auth = self.auth if params["mode"] == "checkauth" else None
        response = self.client.request(
            method, self.url, params=params, content=content, headers=headers, auth=auth
        )
        answer = response.content.decode(response.charset_encoding or "utf-8", errors="replace")
        answer = answer.lstrip("\ufeff")
        if response.status_code >= 400:
            # The site's failure answers come with an HTTP error too: its message is the reason.
            lines = answer.strip().splitlines() or [""]
            said = "\n".join(lines[1:] if lines[0].strip() == "failure" else lines).strip()
            said = said[:1000]  # an error page's HTML is not worth more
            if response.status_code == 401 and params["mode"] == "checkauth":
                raise ExchangeFailed(f"unauthorized (401): {said}")
            raise ExchangeFailed(f"HTTP {response.status_code}: {said}")
        return answer

    def _expect(self, answer: str, *, allowed: tuple[str, ...] = ("success",)) -> list[str]:
        """The answer's lines; ExchangeFailed unless its first line is one of `allowed`."""
        lines = answer.splitlines() or [""]
        first = lines[0].strip().lower()
        if first == "failure":
            raise ExchangeFailed("\n".join(lines[1:]).strip())
        if first not in allowed:
            raise ExchangeFailed(f"unexpected answer: {answer.strip()[:200]}")
        return lines

    def checkauth(self, type: str = "catalog") -> None:
        lines = self._expect(self._call("GET", {"type": type, "mode": "checkauth"}))
        if len(lines) < 3:
            raise ExchangeFailed(f"checkauth gave no cookie: {lines!r}")
        self.cookie = f"{lines[1].strip()}={lines[2].strip()}"
        self.cookie_type = type

    def init(self, type: str = "catalog") -> tuple[bool, int]:
        answer = self._call("GET", {"type": type, "mode": "init"})
        if answer.strip().lower().startswith("failure"):
            self._expect(answer)
        settings = {}
        for line in answer.splitlines():
            key, _, value = line.partition("=")
            settings[key.strip().lower()] = value.strip()
        try:
            self.zip = settings.get("zip", "no").lower() == "yes"
            self.file_limit = int(settings.get("file_limit") or 0)
        except ValueError:
            raise ExchangeFailed(f"init answered what 1C cannot read: {answer!r}") from None
        return self.zip, self.file_limit

    def send_file(self, filename: str, data: bytes, *, type: str = "catalog") -> int:
        """`data` in parts of at most file_limit bytes, each a request of its own; how many."""
        limits = [limit for limit in (self.file_limit, self.max_part) if limit > 0]
        size = min(limits) if limits else max(len(data), 1)
        parts = [data[start : start + size] for start in range(0, len(data), size)] or [b""]
        for part in parts:
            params = {"type": type, "mode": "file", "filename": filename}
            self._expect(self._call("POST", params, part))
        return len(parts)

    def send_files(self, files: dict[str, bytes], *, type: str = "catalog") -> int:
        """Every file, or, when the site takes archives, one archive of them all; how many
        requests that took."""
        if not self.zip:
            return sum(self.send_file(name, data, type=type) for name, data in files.items())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return self.send_file(ARCHIVE_NAME, buffer.getvalue(), type=type)

    def import_file(self, filename: str, *, type: str = "catalog", max_calls: int = 10000) -> int:
        """mode=import until the site answers success; how many calls that took."""
        params = {"type": type, "mode": "import", "filename": filename}
        for calls in range(1, max_calls + 1):
            lines = self._expect(self._call("GET", params), allowed=("success", "progress"))
            if lines[0].strip().lower() == "success":
                return calls
        raise ExchangeFailed(f"{filename}: still in progress after {max_calls} calls")

    def catalog_exchange(self, sample: Sample) -> ExchangeReport:
        started = time.monotonic()
        self.checkauth()
        self.init()
        parts = self.send_files(sample.files)
        names = [name for name in IMPORT_ORDER if name in sample.files]
        names += sorted(set(sample.files) - set(IMPORT_ORDER))
        calls = sum(self.import_file(name) for name in names)
        if set(names) & {"prices.xml", "rests.xml"}:  # CommerceML 2.10 closes the exchange
            for mode in ("deactivate", "complete"):
                self._expect(self._call("GET", {"type": "catalog", "mode": mode}))
        seconds = round(time.monotonic() - started, 2)
        return {"files": names, "parts": parts, "import_calls": calls, "seconds": seconds}

    def sale_query(self) -> bytes:
        """The site's orders as it sends them (their XML declaration names the encoding)."""
        if self.cookie_type != "sale":
            self.checkauth(type="sale")
        self.init(type="sale")
        headers = {"Cookie": self.cookie}
        response = self.client.get(
            self.url, params={"type": "sale", "mode": "query"}, headers=headers
        )
        if response.status_code >= 400:
            raise ExchangeFailed(f"HTTP {response.status_code}: {response.text.strip()}")
        if response.content.lstrip().startswith(b"failure"):
            self._expect(response.text)
        return response.content

    def sale_success(self) -> None:
        self._expect(self._call("GET", {"type": "sale", "mode": "success"}))

    def sale_send(self, data: bytes, filename: str = "orders.xml") -> None:
        """1C's documents of the site's orders: sent, then imported."""
        if self.cookie_type != "sale":
            self.checkauth(type="sale")
            self.init(type="sale")
        self.send_file(filename, data, type="sale")
        self.import_file(filename, type="sale")
