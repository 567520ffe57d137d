"""botocore's names of the two services smsvoice serves (their models, their throttling keys)."""

from __future__ import annotations

V1 = "pinpoint-sms-voice"
V2 = "pinpoint-sms-voice-v2"
