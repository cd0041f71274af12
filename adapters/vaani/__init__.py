"""Vaani's engines: espeak-ng speech, tesseract OCR, transliteration, language detection, keywords."""
