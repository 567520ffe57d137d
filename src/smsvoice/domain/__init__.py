"""Pure domain logic: SMS encoding, phone numbers, simulator numbers and pricing."""
