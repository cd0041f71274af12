"""How logistics' entities appear in the audit log."""

from core.domain.audit.changes import AuditedEntity

PRODUCTS = AuditedEntity(
    "product",
    ("sku", "name", "description", "category", "unit_price", "currency", "unit", "reorder_point",
     "reorder_quantity", "active"),
)  # fmt: skip
WAREHOUSES = AuditedEntity("warehouse", ("code", "name", "address"))
MOVEMENTS = AuditedEntity("movement", ("kind", "product_id", "warehouse_id", "quantity", "reason"))
ORDERS = AuditedEntity("order", ("customer_id", "warehouse_id", "status", "currency", "lines", "placed_by"))
SHIPMENTS = AuditedEntity("shipment", ("order_id", "carrier", "tracking_number", "status"))
SUPPLIERS = AuditedEntity("supplier", ("name", "email", "phone", "lead_time_days", "rating", "active"))
SUPPLIER_PRODUCTS = AuditedEntity(
    "supplier_product", ("supplier_id", "product_id", "unit_cost", "currency", "preferred")
)
PURCHASE_ORDERS = AuditedEntity(
    "purchase_order", ("supplier_id", "warehouse_id", "status", "currency", "lines", "created_by")
)
