"""v2 (pinpoint-sms-voice-v2) tests through boto3 against a live server."""
