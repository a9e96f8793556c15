"""Reading a form that uploads one file (multipart/form-data), bounded in size, with the standard library.

Two forms send one: the settings page's X archive form (its ``following.js`` is a few MB at most) and the
list import page (a page of notes, 5 MB at most). The body is refused past the form's bound
(MAX_UPLOAD_BYTES unless the form gives its own) without being read to its end, as ``UploadTooLarge``;
else it is parsed by ``email``'s MIME parser (python-multipart would be a new dependency for two forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from starlette.requests import Request

from papertalk.web.form_body import FormBodyError

MAX_UPLOAD_BYTES = 21 * 1024 * 1024  # the service refuses a following.js over 20 MB with a message
MAX_PARTS = 20
MULTIPART = "multipart/form-data"


class UploadTooLarge(FormBodyError):
    """The body is over the form's bound (a page may answer it next to its file field)."""


@dataclass(frozen=True)
class Upload:
    fields: dict[str, str]  # the text fields (csrf among them)
    files: dict[str, tuple[str, bytes]]  # field name -> (file name, content)


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == MULTIPART


async def read_upload(request: Request, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """The form's text fields and files; FormBodyError when it is not a small multipart form (UploadTooLarge
    when it is over ``max_bytes``)."""
    content_type = request.headers.get("content-type", "")
    if not is_multipart(request) or "boundary=" not in content_type:
        raise FormBodyError(f"form: send the file as {MULTIPART}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise UploadTooLarge(f"form: larger than {max_bytes // 2**20} MB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise UploadTooLarge(f"form: larger than {max_bytes // 2**20} MB")
    head = f"Content-Type: {content_type[:200]}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + bytes(body))
    if not message.is_multipart():
        raise FormBodyError("form: not a multipart form")
    return _parts(message)


def _parts(message: Message) -> Upload:
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    parts = message.get_payload()
    if not isinstance(parts, list) or len(parts) > MAX_PARTS:
        raise FormBodyError(f"form: at most {MAX_PARTS} fields")
    for part in parts:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        content = part.get_payload(decode=True)
        content = content if isinstance(content, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files.setdefault(name, (filename, content))
            continue
        try:
            fields.setdefault(name, content.decode("utf-8"))
        except UnicodeDecodeError:
            raise FormBodyError(f"form: field {name[:40]!r} is not UTF-8 text") from None
    return Upload(fields, files)
