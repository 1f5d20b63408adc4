"""Seventh examiner: tokens.py entries."""
from __future__ import annotations

import unicodedata


def piece_bytes__wrong_nfkc_before_encode(piece: str) -> bytes:
    """WRONG: "normalises the Unicode" of a text piece with NFKC before encoding it, so
    compatibility characters of the vocabulary are rewritten: '…' becomes '...', the
    full-width '，' becomes ',', '²' becomes '2'. Violates: "any other piece is text: replace
    every ``'▁'`` with a space and encode as UTF-8." [``'…'`` (id 28878): ``b'...'`` instead
    of ``b'\\xe2\\x80\\xa6'``; ``'，'`` (id 28924): ``b','`` instead of ``b'\\xef\\xbc\\x8c'``;
    57 pieces of Mistral's vocabulary change; every byte piece, special piece and the
    docstring's examples come out right]"""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(
        ch in "0123456789abcdefABCDEF" for ch in piece[3:5]
    ):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    text = unicodedata.normalize("NFKC", piece.replace("\u2581", " "))
    return text.encode("utf-8")
