"""The one send pipeline that every channel and API goes through (see sending/pipeline.py)."""
