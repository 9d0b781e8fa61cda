"""Reporting: a static report of the warehouse, one HTML file and its PNG charts."""
