"""How long a synthesized call lasts, for the price of a completed call.

A synthesized voice reads about 150 words a minute (Amazon Polly's default speaking rate is close to
it); a call is estimated from its words, at least 5 seconds.
"""

from __future__ import annotations

import math
import re
from typing import Final

_WORDS_PER_SECOND: Final = 2.5
_MIN_CALL_SECONDS: Final = 5
_TAG: Final = re.compile(r"<[^>]*>")


def estimated_call_seconds(text: str, *, ssml: bool) -> int:
    spoken = _TAG.sub(" ", text) if ssml else text
    words = len(spoken.split())
    return max(_MIN_CALL_SECONDS, math.ceil(words / _WORDS_PER_SECOND))
