"""CRM routes: customers, tickets and search."""
