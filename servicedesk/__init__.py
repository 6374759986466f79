"""The service desk: the shop's order/CRM/after-sales backend that custom actions call."""
