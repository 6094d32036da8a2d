"""Recorded pages: save what a scan saw as a fixture variant, scrubbed; check flows on it (docs/recording.md)."""
