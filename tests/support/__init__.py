"""Helpers the tests share: a live smsvoice server process and AWS clients pointed at it."""
