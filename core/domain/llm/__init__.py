"""Language model bookkeeping that needs no model: token estimates."""
