"""AWS End User Messaging SMS v2 (`pinpoint-sms-voice-v2`, JSON 1.0)."""
