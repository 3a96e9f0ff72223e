"""Lexicon data for medialit.detector (generated; see LICENSES.md)."""
