"""smsvoice: a local implementation of AWS's SMS and voice messaging APIs."""

__version__ = "0.1.0"
