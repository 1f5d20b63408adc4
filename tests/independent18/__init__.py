"""Independent catalogue, eighteenth examiner: entries written from the docstrings alone."""
