"""decodelab: learn how a language model picks its next token, by writing the pieces yourself."""

__version__ = "0.1.0"
