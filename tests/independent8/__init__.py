"""Eighth examiner's catalogue: wrong and right versions of the exercise functions (see README.md)."""
