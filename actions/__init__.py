"""Custom actions served by `rasa run actions` (port 5055)."""
