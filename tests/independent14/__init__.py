"""Fourteenth independent examiner's catalogue of wrong and right versions (written from the docstrings alone)."""
