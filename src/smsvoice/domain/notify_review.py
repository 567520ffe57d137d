"""The automatic review of a Notify configuration's DisplayName.

AWS reviews each display name "for profanity, URLs, and other disallowed content" and, when it
rejects one, sets the configuration's status to REJECTED "with a rejection reason" (user guide,
notify-configurations.html, "Display name review"). AWS's reviewer is a model (Amazon Bedrock); this
one is a fixed, documented list of rules (docs/notify.md), so a test can predict its answer:

* a web address: a word `http`, `https` or `www`, or a last word `com`, `net`, `org` or `io`;
* profanity: a word of the short list below;
* another organization's brand: `amazon` or `aws` (a brand owner's letter of authorization is needed
  to use one, same page);
* no letter at all (a display name identifies a brand).

Words are split at spaces, underscores and hyphens and compared without case.
"""

from __future__ import annotations

import re
from typing import Final

_WORD_BREAK: Final = re.compile(r"[ _-]+")
_WEB_WORDS: Final = frozenset({"http", "https", "www"})
_TOP_LEVEL_DOMAINS: Final = frozenset({"com", "net", "org", "io"})
_PROFANITY: Final = frozenset({"asshole", "bastard", "bitch", "crap", "damn", "fuck", "piss", "shit"})
_RESERVED_BRANDS: Final = frozenset({"amazon", "aws"})


def rejection_reason(display_name: str) -> str | None:
    """Why the review rejects `display_name`, or None when it passes."""
    words = [word.lower() for word in _WORD_BREAK.split(display_name) if word]
    if _WEB_WORDS.intersection(words) or (words and words[-1] in _TOP_LEVEL_DOMAINS and len(words) > 1):
        return "The display name contains a URL or web address"
    if _PROFANITY.intersection(words):
        return "The display name contains profanity"
    if _RESERVED_BRANDS.intersection(words):
        return "The display name contains a brand name that needs its owner's letter of authorization"
    if not any(character.isalpha() for character in display_name):
        return "The display name must contain at least one letter"
    return None
