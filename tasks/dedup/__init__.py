"""Deduplication: identity (canonical URL, content hash, id), near-duplicate fingerprints and story clusters."""
