"""Amazon Pinpoint SMS and Voice v1 (`pinpoint-sms-voice`, rest-json)."""
