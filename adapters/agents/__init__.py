"""Running agents in this process: their deadline, their context of ports, their settings."""
