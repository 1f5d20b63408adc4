"""Independent catalogue, sixteenth examiner (entries written from the docstrings only)."""
