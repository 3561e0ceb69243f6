"""The files 1C sends (`mode=file`), kept in parts in the exchange's database so that whichever
web process 1C reaches next can append the next part or import the file; a ZIP archive is
unpacked when its files are first asked for, each checked for a path outside the exchange and
for its unpacked size (docs/1c.md, "Safety")."""

import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onec.choices import FILE_TRANSITIONS, FileStatus
from onec.models import ExchangeFile, ExchangeSession, FileChunk
from onec.xml import FileRefused

DB = "onec"
# Pictures of goods come as `import_files/…`: photos are the site's (docs/1c.md), so they are
# taken and let go.
PICTURES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")


def name_checked(name: str) -> str:
    """A file's name as 1C sends it, refused if it could reach outside the exchange."""
    cleaned = name.replace("\\", "/").strip()
    parts = cleaned.split("/")
    if (
        not cleaned
        or len(cleaned) > 200
        or cleaned.startswith("/")
        or ":" in parts[0]
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(char) < 32 for char in cleaned)
    ):
        raise FileRefused(f"Недопустимое имя файла «{name[:100]}».")
    return cleaned


def is_picture(name: str) -> bool:
    return name.lower().endswith(PICTURES)


def file_receive(*, session: ExchangeSession, name: str, data: bytes) -> ExchangeFile | None:
    """Append one part to the session's file `name`; a file already imported or refused and
    sent again starts over. A picture is let go (None)."""
    name = name_checked(name)
    if is_picture(name):
        return None
    if len(data) > settings.ONEC_FILE_LIMIT_BYTES:
        raise FileRefused(
            f"Часть файла {name} больше {settings.ONEC_FILE_LIMIT_BYTES} байт (file_limit)."
        )
    with transaction.atomic(using=DB):
        ExchangeFile.objects.using(DB).get_or_create(session=session, name=name)
        file = ExchangeFile.objects.using(DB).select_for_update().get(session=session, name=name)
        if file.status in (FileStatus.APPLIED, FileStatus.FAILED):
            _start_over(file)
        elif file.status != FileStatus.RECEIVING:
            raise FileRefused(f"Файл {name} уже загружается в каталог: дождитесь конца.")
        if file.size + len(data) > settings.ONEC_MAX_FILE_BYTES:
            raise FileRefused(f"Файл {name} больше {settings.ONEC_MAX_FILE_BYTES} байт.")
        FileChunk.objects.using(DB).create(file=file, seq=file.parts, data=data)
        file.parts += 1
        file.size += len(data)
        file.save(using=DB, update_fields=["parts", "size", "status", "updated_at"])
    return file


def file_reopen(*, session: ExchangeSession, name: str) -> None:
    """A file refused as cut off takes its next part: its parts so far are kept."""
    with transaction.atomic(using=DB):
        file = ExchangeFile.objects.using(DB).select_for_update().get(session=session, name=name)
        FILE_TRANSITIONS.apply(file, FileStatus.RECEIVING)
        file.refusals.all().delete()
        file.checked, file.failure_reason, file.finished_at, file.total = False, "", None, 0
        file.save(using=DB)


def _start_over(file: ExchangeFile) -> None:
    FILE_TRANSITIONS.apply(file, FileStatus.RECEIVING)
    file.chunks.all().delete()
    file.batches.all().delete()
    file.refusals.all().delete()
    file.parts = file.size = file.total = file.position = file.batches_done = 0
    file.created = file.changed = file.unchanged = file.refused = file.skipped = 0
    file.checked, file.failure_reason, file.finished_at = False, "", None
    file.save(using=DB)


class ChunkStream(io.RawIOBase):
    """A file's parts read in order as one stream, a part in memory at a time."""

    def __init__(self, file: ExchangeFile):
        # One query a part: a server-side cursor left open by a reader that stops early would
        # outlive its transaction.
        self._chunks: Iterator[bytes] = (
            bytes(
                FileChunk.objects.using(DB)
                .filter(file=file, seq=seq)
                .values_list("data", flat=True)
                .get()
            )
            for seq in range(file.parts)
        )
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = memoryview(chunk)
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count


def file_stream(file: ExchangeFile) -> io.BufferedReader:
    return io.BufferedReader(ChunkStream(file), buffer_size=256 * 1024)


def archive_unpack(session: ExchangeSession) -> list[str]:
    """Unpack the session's archives that are not unpacked yet into files of their own; the
    names of what they held. Refused whole if an entry would reach outside the exchange or the
    entries unpack to more than ONEC_MAX_UNPACKED_BYTES."""
    unpacked: list[str] = []
    archives = ExchangeFile.objects.using(DB).filter(
        session=session, name__iendswith=".zip", status=FileStatus.RECEIVING
    )
    for archive in archives:
        chunks = archive.chunks.order_by("seq").values_list("data", flat=True)
        try:
            entries = _entries(b"".join(bytes(chunk) for chunk in chunks))
        except FileRefused as exc:
            file_fail(archive, str(exc))
            raise
        with transaction.atomic(using=DB):
            for name, content in entries:
                ExchangeFile.objects.using(DB).filter(session=session, name=name).delete()
                file = ExchangeFile.objects.using(DB).create(
                    session=session, name=name, size=len(content), parts=1
                )
                FileChunk.objects.using(DB).create(file=file, seq=0, data=content)
                unpacked.append(name)
            FILE_TRANSITIONS.apply(archive, FileStatus.IMPORTING)
            FILE_TRANSITIONS.apply(archive, FileStatus.APPLIED)
            archive.finished_at = timezone.now()
            archive.save(using=DB, update_fields=["status", "finished_at", "updated_at"])
            archive.chunks.all().delete()
    return unpacked


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    """The XML files of an archive, checked whole before any is taken."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileRefused("Архив ZIP повреждён.") from exc
    budget = settings.ONEC_MAX_UNPACKED_BYTES
    entries = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = name_checked(info.filename)
        if is_picture(name):
            continue
        if info.file_size > settings.ONEC_MAX_FILE_BYTES or info.file_size > budget:
            raise FileRefused(f"Файл {name} в архиве распаковывается больше допустимого.")
        with archive.open(info) as entry:
            # Read to the limit, not to what the header claims: a header may lie.
            content = entry.read(min(settings.ONEC_MAX_FILE_BYTES, budget) + 1)
        if len(content) > min(settings.ONEC_MAX_FILE_BYTES, budget):
            raise FileRefused(f"Файл {name} в архиве распаковывается больше допустимого.")
        budget -= len(content)
        entries.append((name, content))
    return entries


def file_fail(file: ExchangeFile, reason: str) -> None:
    """The file is refused, with the reason 1C's operator is told."""
    FILE_TRANSITIONS.apply(file, FileStatus.FAILED)
    file.failure_reason, file.finished_at = reason, timezone.now()
    file.save(using=DB, update_fields=["status", "failure_reason", "finished_at", "updated_at"])


def files_purge(*, older_than: timedelta) -> int:
    """Let go of the parts of files whose sessions began longer ago than `older_than`: the
    exchange log keeps what each file did."""
    deleted, _ = (
        FileChunk.objects.using(DB)
        .filter(file__session__created_at__lt=timezone.now() - older_than)
        .delete()
    )
    return deleted
