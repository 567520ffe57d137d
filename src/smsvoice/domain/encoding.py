"""SMS character encoding and message-part segmentation.

Follows the AWS End User Messaging SMS user guide page "SMS character limits"
(sms-limitations-character.html):

* A message made only of GSM 03.38 characters is sent in the GSM 7-bit alphabet: up to 160
  septets fit in one part; longer messages are split into parts of 153 septets each.
* Any other character forces UCS-2: up to 70 UTF-16 code units fit in one part; longer messages
  are split into parts of 67 code units each.
* The largest supported message is 1530 GSM characters or 630 non-GSM characters; larger messages
  fail with an invalid-message error.

Characters from the GSM extension table (``^ { } \\ [ ] ~ | €`` and form feed) are sent as an
escape septet plus the character, so they cost two septets and are never split across parts.
Likewise a character outside the Basic Multilingual Plane (e.g. most emoji) is a UTF-16 surrogate
pair, costs two code units and is never split across parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Encoding = Literal["GSM", "UNICODE"]

# The GSM 03.38 default alphabet in code-point order (0x00-0x7F). Position 0x1B is the escape to
# the extension table, not a printable character, so it is left out.
_GSM_BASIC_TABLE: Final = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ"  # 0x10-0x1A
    "ÆæßÉ"  # 0x1C-0x1F
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Characters reached through the escape septet; each costs two septets.
_GSM_EXTENSION_TABLE: Final = "\f^{}\\[]~|€"

GSM_BASIC_CHARACTERS: Final[frozenset[str]] = frozenset(_GSM_BASIC_TABLE)
GSM_EXTENSION_CHARACTERS: Final[frozenset[str]] = frozenset(_GSM_EXTENSION_TABLE)
_GSM_CHARACTERS: Final[frozenset[str]] = GSM_BASIC_CHARACTERS | GSM_EXTENSION_CHARACTERS

GSM_SINGLE_PART_UNITS: Final = 160
GSM_MULTI_PART_UNITS: Final = 153
UNICODE_SINGLE_PART_UNITS: Final = 70
UNICODE_MULTI_PART_UNITS: Final = 67

MAX_GSM_CHARACTERS: Final = 1530
MAX_UNICODE_CHARACTERS: Final = 630


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """How an SMS body would be encoded and billed.

    ``encoding`` uses the literal values AWS writes in event records ("GSM" or "UNICODE").
    ``units`` counts septets for GSM and UTF-16 code units for UCS-2. ``characters`` counts
    Unicode code points as the user sees them (an emoji is one character but two units).
    """

    encoding: Encoding
    units: int
    parts: int
    characters: int


def is_gsm_character(char: str) -> bool:
    """True when ``char`` can be sent in the GSM 7-bit alphabet (basic or extension table)."""
    return char in GSM_BASIC_CHARACTERS or char in GSM_EXTENSION_CHARACTERS


def detect_encoding(body: str) -> Encoding:
    """The encoding AWS would choose: GSM when every character is in GSM 03.38, else UNICODE."""
    # A set comparison runs in C: this is on every send's path.
    return "GSM" if _GSM_CHARACTERS.issuperset(body) else "UNICODE"


def _unit_cost(char: str, encoding: Encoding) -> int:
    if encoding == "GSM":
        return 2 if char in GSM_EXTENSION_CHARACTERS else 1
    # Python strings hold code points, so an astral character is one element here but a
    # surrogate pair (two code units) on the wire.
    return 2 if ord(char) > 0xFFFF else 1


def _limits(encoding: Encoding) -> tuple[int, int]:
    if encoding == "GSM":
        return GSM_SINGLE_PART_UNITS, GSM_MULTI_PART_UNITS
    return UNICODE_SINGLE_PART_UNITS, UNICODE_MULTI_PART_UNITS


def _segment(body: str, encoding: Encoding) -> list[str]:
    """Split ``body`` into the parts that would be sent, never splitting a multi-unit character."""
    single_limit, multi_limit = _limits(encoding)
    costs = [_unit_cost(c, encoding) for c in body]
    if sum(costs) <= single_limit:
        return [body]
    parts: list[str] = []
    start = 0
    used = 0
    for index, cost in enumerate(costs):
        # Greedy fill: a character that would overflow the segment starts the next one whole.
        if used + cost > multi_limit:
            parts.append(body[start:index])
            start = index
            used = 0
        used += cost
    parts.append(body[start:])
    return parts


def _units(body: str, encoding: Encoding) -> int:
    if encoding == "GSM":
        present = GSM_EXTENSION_CHARACTERS.intersection(body)
        return len(body) + sum(body.count(char) for char in present)
    return len(body.encode("utf-16-le")) // 2  # code units: an astral character counts two


def analyze_text(body: str) -> TextAnalysis:
    """Work out encoding, unit count and part count for an SMS body.

    An empty body is reported as one GSM part of zero units: the API rejects empty bodies before
    this is reached, and one part keeps billing arithmetic free of a zero-part special case.
    """
    encoding = detect_encoding(body)
    units = _units(body, encoding)
    single_limit, _multi_limit = _limits(encoding)
    parts = 1 if units <= single_limit else len(_segment(body, encoding))
    return TextAnalysis(encoding=encoding, units=units, parts=parts, characters=len(body))


def split_parts(body: str) -> list[str]:
    """The body's text as it would be divided into SMS parts (always at least one string)."""
    return _segment(body, detect_encoding(body))


def exceeds_max_size(analysis: TextAnalysis) -> bool:
    """True when the message is larger than AWS supports (1530 GSM / 630 non-GSM characters).

    The limit is applied to encoded units rather than code points: an extension character takes
    two septets and an emoji two code units of the space the limit protects, and 1530 septets is
    exactly ten full 153-septet parts.
    """
    limit = MAX_GSM_CHARACTERS if analysis.encoding == "GSM" else MAX_UNICODE_CHARACTERS
    return analysis.units > limit
