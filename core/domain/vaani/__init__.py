"""Vaani: languages, scripts and adapting a text to the platforms it is posted on."""
