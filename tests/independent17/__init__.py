"""Independent catalogue, seventeenth examiner: entries written from the docstrings alone."""
