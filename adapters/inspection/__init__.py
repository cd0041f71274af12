"""The payload detection engine (decision 0023): decoding, detectors and the Inspector, behind
the PayloadInspector port (core/ports/inspection.py)."""
