"""Extraction: a web page to an article (main text, metadata, the URL that names it)."""
