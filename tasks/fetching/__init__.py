"""Fetching: the one HTTP seam, politeness, feeds on the web, the pages behind their entries, raw copies."""
