"""Logistics' own tables (migration 0008); no other service reads them."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

products = Table(
    "logistics_products",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("sku", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(100), nullable=False),
    Column("unit_price", Numeric(18, 4), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("reorder_point", Integer, nullable=False),
    Column("reorder_quantity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime, nullable=False),
)
Index("ix_logistics_products_category", products.c.category)

warehouses = Table(
    "logistics_warehouses",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("address", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

stock_levels = Table(
    "logistics_stock_levels",
    metadata,
    Column("product_id", String(36), ForeignKey("logistics_products.id"), primary_key=True),
    Column("warehouse_id", String(36), ForeignKey("logistics_warehouses.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    CheckConstraint("on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand", name="covered"),
)

movements = Table(
    "logistics_movements",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7; the ledger is append-only"),
    Column("kind", String(20), nullable=False),
    Column("product_id", String(36), ForeignKey("logistics_products.id"), nullable=False),
    Column("warehouse_id", String(36), ForeignKey("logistics_warehouses.id"), nullable=False),
    Column("quantity", Integer, nullable=False, comment="signed change of on hand"),
    Column("reason", Text, nullable=False),
    Column(
        "reference", String(80), nullable=False, server_default="", comment="order:<id>, purchase_order:<id>"
    ),
    Column("occurred_at", UtcDateTime, nullable=False),
)
Index("ix_logistics_movements_product_warehouse", movements.c.product_id, movements.c.warehouse_id)

orders = Table(
    "logistics_orders",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column(
        "customer_id", String(64), nullable=False, comment="CRM's customer id; no foreign key across services"
    ),
    Column("warehouse_id", String(36), ForeignKey("logistics_warehouses.id"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("placed_by", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("shipped_at", UtcDateTime, nullable=True),
    Column("delivered_at", UtcDateTime, nullable=True),
)
Index("ix_logistics_orders_customer", orders.c.customer_id, orders.c.id)

order_lines = Table(
    "logistics_order_lines",
    metadata,
    Column("order_id", String(36), ForeignKey("logistics_orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("product_id", String(36), ForeignKey("logistics_products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Numeric(18, 4), nullable=False, comment="the product's price when ordered"),
    CheckConstraint("quantity > 0", name="positive"),
)

shipments = Table(
    "logistics_shipments",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("order_id", String(36), ForeignKey("logistics_orders.id"), nullable=False, unique=True),
    Column(
        "customer_id", String(64), nullable=False, comment="the order's, for customers following their own"
    ),
    Column("carrier", String(100), nullable=False),
    Column("tracking_number", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_logistics_shipments_customer", shipments.c.customer_id, shipments.c.id)
Index("ix_logistics_shipments_tracking_number", shipments.c.tracking_number)

tracking_events = Table(
    "logistics_tracking_events",
    metadata,
    Column("shipment_id", String(36), ForeignKey("logistics_shipments.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, comment="1, 2, ... per shipment; appended, never changed"),
    Column("status", String(20), nullable=False),
    Column("location", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
)

suppliers = Table(
    "logistics_suppliers",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("lead_time_days", Integer, nullable=False),
    Column("rating", Numeric(2, 1), nullable=True, comment="0 to 5 in steps of 0.1; null until rated"),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("lead_time_days >= 0", name="lead_time"),
    CheckConstraint("rating >= 0 AND rating <= 5", name="rating"),
)

supplier_products = Table(
    "logistics_supplier_products",
    metadata,
    Column("supplier_id", String(36), ForeignKey("logistics_suppliers.id"), primary_key=True),
    Column("product_id", String(36), ForeignKey("logistics_products.id"), primary_key=True),
    Column("unit_cost", Numeric(18, 4), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("preferred", Boolean, nullable=False, comment="at most one preferred supplier per product"),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("unit_cost >= 0", name="cost"),
)
# The database's own guard of "one preferred supplier per product" (use cases lock the product
# first, so this only ever fires on a bug).
Index(
    "uq_logistics_supplier_products_preferred",
    supplier_products.c.product_id,
    unique=True,
    sqlite_where=supplier_products.c.preferred,
    postgresql_where=supplier_products.c.preferred,
)

purchase_orders = Table(
    "logistics_purchase_orders",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("supplier_id", String(36), ForeignKey("logistics_suppliers.id"), nullable=False),
    Column("warehouse_id", String(36), ForeignKey("logistics_warehouses.id"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_logistics_purchase_orders_supplier", purchase_orders.c.supplier_id, purchase_orders.c.id)

purchase_order_lines = Table(
    "logistics_purchase_order_lines",
    metadata,
    Column("purchase_order_id", String(36), ForeignKey("logistics_purchase_orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("product_id", String(36), ForeignKey("logistics_products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_cost", Numeric(18, 4), nullable=False),
    Column("received", Integer, nullable=False, comment="never above quantity: no over-receipt"),
    CheckConstraint("quantity > 0 AND received >= 0 AND received <= quantity", name="within_order"),
)

erased_customers = Table(
    "logistics_erased_customers",
    metadata,
    Column("customer_id", String(64), primary_key=True, comment="CRM's id; the customer CRM erased"),
    Column("erased_at", UtcDateTime, nullable=False),
    comment="Filled from crm.customer_erased (migration 0013): no new orders for these customers",
)
