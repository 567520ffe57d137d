"""One module per schema revision, oldest first; HEAD in store/migrate.py names the newest."""
