"""Tagging: topics and places."""
