"""Ninth examiner: wrong and right versions of the decodelab exercises, written from the docstrings alone."""
