"""Cleaning: text normalised, boilerplate dropped, dates and language checked."""
