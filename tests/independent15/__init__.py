"""Fifteenth independent catalogue: wrong and right versions written from the docstrings only."""
