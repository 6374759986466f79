"""The shop: customers, catalogue, orders, after-sales, invoices, their rules and demo data."""
