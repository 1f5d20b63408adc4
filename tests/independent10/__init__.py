"""Tenth independent catalogue: wrong and right versions of decodelab's exercises, written from the docstrings alone."""
