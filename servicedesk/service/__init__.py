"""Human service: agents, handoffs from the bot, tickets, live events, the audit log."""
