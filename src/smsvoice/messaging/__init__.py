"""Messages after they are accepted: the carrier simulator, its state machines and AWS event records."""
