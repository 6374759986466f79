"""The one service-desk client every action uses; tests point it at their own desk."""

from __future__ import annotations

from actions.servicedesk_client import ServiceDeskClient

client = ServiceDeskClient()
