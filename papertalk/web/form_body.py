"""Reading an HTML form's body (application/x-www-form-urlencoded), bounded in size.

The people forms post a few short fields; parsing them with the standard library takes a dozen lines,
where python-multipart would be a new dependency for file uploads no page has yet. A body over
MAX_FORM_BYTES is refused without being read to its end.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_FORM_BYTES = 16 * 1024
URLENCODED = "application/x-www-form-urlencoded"


class FormBodyError(ValueError):
    """The body is not a form this site sends, or too large; the message says which."""


async def read_form(request: Request, max_bytes: int = MAX_FORM_BYTES) -> dict[str, str]:
    """The form's fields (the first value of each name); FormBodyError when it is not a urlencoded form of
    at most ``max_bytes`` (the writing forms of summaries and notes take more than the people forms)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != URLENCODED:
        raise FormBodyError(f"form: send the form as {URLENCODED}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FormBodyError(f"form: larger than {max_bytes // 1024} KiB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FormBodyError(f"form: larger than {max_bytes // 1024} KiB")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise FormBodyError("form: not a form of UTF-8 fields") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
