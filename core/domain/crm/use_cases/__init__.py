"""CRM use cases, one module per part of the business."""
