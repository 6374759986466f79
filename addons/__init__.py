"""Custom Rasa components and stores used by config.yml and endpoints.yml."""
