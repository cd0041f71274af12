"""Logistics' HTTP API: products, warehouses, the movement ledger and stock levels."""
