"""What kind of document a registration attachment is, from its first bytes.

AWS takes PDF, JPEG and PNG attachments of up to 5 MB (CreateRegistrationAttachment, API reference).
The file's own signature decides, not its name or a declared type.
"""

from __future__ import annotations

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def attachment_type(content: bytes) -> str | None:
    """The media type of a PDF, JPEG or PNG file; None for anything else."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def attachment_problem(content: bytes) -> str | None:
    """Why `content` cannot be a registration attachment (None when it can)."""
    if len(content) > MAX_ATTACHMENT_BYTES:
        return f"An attachment is at most {MAX_ATTACHMENT_BYTES} bytes; this one has {len(content)}"
    if attachment_type(content) is None:
        return "An attachment must be a PDF, JPEG or PNG file"
    return None
