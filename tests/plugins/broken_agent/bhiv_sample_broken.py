"""Fails at import, as a plugin with a missing dependency would."""

raise ImportError("bhiv_sample_broken needs a library that is not installed")
