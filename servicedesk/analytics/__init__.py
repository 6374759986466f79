"""Service analytics: conversation facts from Rasa's event stream, KPIs, alerts.

Rasa's SQL event broker (addons/analytics_broker.py) lands every event, masked, in the
analytics store; `derive` turns them, with the desk's handoffs, tickets and ratings,
into one row per conversation session; `kpis` answers the supervisor's dashboard.
"""
