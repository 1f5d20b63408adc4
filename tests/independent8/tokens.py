"""Eighth examiner: tokens.py entries."""
from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_piece_bytes__right_codecs_hex_split_join_specials = frozenset({"<unk>", "<s>", "</s>"})
_piece_bytes__right_codecs_hex_split_join_hexdigits = frozenset("0123456789abcdefABCDEF")


def tokenize_with_pieces__right_numpy_batch_tolist_map(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: encodes a batch of one with ``return_tensors="np"`` (a ``(1, T)`` NumPy array),
    turns its only row into Python ints with ``ndarray.tolist()`` (never NumPy scalars; the
    empty text gives ``[]`` whatever dtype NumPy picks for an empty batch), and pairs each id
    with its piece through ``map(tokenizer.convert_ids_to_tokens, ids)`` one id at a time
    (the int overload returns a ``str``), zipped into tuples."""
    encoded = tokenizer([text], add_special_tokens=add_bos, return_tensors="np")
    ids = encoded["input_ids"][0].tolist()
    return list(zip(ids, map(tokenizer.convert_ids_to_tokens, ids)))


def piece_bytes__right_codecs_hex_split_join(piece: str) -> bytes:
    """RIGHT: recognises a byte piece by its shape (six characters, ``'<0x'`` ... ``'>'``,
    both middle characters in an explicit set of ASCII hexadecimal digits, so no
    ``int()`` leniency such as ``'_'``, ``' '`` or non-ASCII digits) and turns the two digits
    into one byte with the ``hex`` codec (``codecs.decode('E6', 'hex')``); specials from a
    frozenset give ``b''``; text pieces get their ``'▁'`` back as spaces by splitting on
    ``'▁'`` and joining with ``' '`` instead of ``str.replace``."""
    hexdigits = _piece_bytes__right_codecs_hex_split_join_hexdigits
    if (
        len(piece) == 6
        and piece.startswith("<0x")
        and piece.endswith(">")
        and piece[3] in hexdigits
        and piece[4] in hexdigits
    ):
        return codecs.decode(piece[3:5], "hex")
    if piece in _piece_bytes__right_codecs_hex_split_join_specials:
        return b""
    return " ".join(piece.split("\u2581")).encode("utf-8")
