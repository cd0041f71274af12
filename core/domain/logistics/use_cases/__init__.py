"""Logistics use cases, one module per part of the business: the catalogue, stock, orders."""
