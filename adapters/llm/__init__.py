"""Language model providers: hosted APIs over HTTP, local servers and the embedded engine."""
