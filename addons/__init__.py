"""Custom Rasa components and stores used by config.yml and endpoints.yml.

Importing the package changes nothing in Rasa: the components install the speed-ups of
Rasa internals explicitly when they are created (rasa_patches.py).
"""
