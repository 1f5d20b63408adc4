"""Reference: token ids, their pieces, and the raw bytes each piece stands for.

A SentencePiece-style tokenizer such as Mistral-7B-v0.1's has two views of every token:
its *id* (a row of the embedding matrix) and its *piece* (the string stored in the
vocabulary). Pieces come in three kinds:

- text pieces such as ``'▁The'`` or ``'日'``, where ``'▁'`` (U+2581) marks a space;
- byte-fallback pieces ``'<0x00>'`` ... ``'<0xFF>'`` (ids 3-258 in Mistral's vocabulary), each
  standing for ONE raw byte of UTF-8 — a character missing from the vocabulary, such as 曇,
  is spelled as its bytes ``<0xE6><0x9B><0x87>``;
- special pieces ``<unk>``, ``<s>``, ``</s>`` (ids 0, 1, 2), which mark structure, not text.

``tokenizer.decode([id])`` hides all of this: it drops the leading space of a piece and turns
a lone byte into ``'�'``. :func:`piece_bytes` gives the honest answer, the bytes of the piece,
so that two tokens that are each half a character (seed 000's ``[230, 155]`` then ``[135]``)
still join into one.
"""
from __future__ import annotations

import re

from transformers import PreTrainedTokenizerBase

# SentencePiece's word-boundary marker (U+2581), as the fast tokenizer's Metaspace
# pre-tokenizer and its Replace decoder use it.
SPACE_MARKER = "\u2581"
# Mistral-7B-v0.1's special pieces (ids 0, 1, 2): SentencePiece flags them unknown/control.
SPECIAL_PIECES = frozenset({"<unk>", "<s>", "</s>"})
# Byte-fallback pieces are spelled exactly like this: two upper-case hexadecimal digits.
BYTE_PIECE = re.compile(r"<0x([0-9A-F]{2})>")


def tokenize_with_pieces(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """``text`` as ``(id, piece)`` pairs, BOS first when ``add_bos``.

    Ids come from calling the tokenizer (``add_special_tokens=add_bos``), pieces from its
    ``convert_ids_to_tokens``: ``"Hello world"`` -> ``[(1, '<s>'), (22557, '▁Hello'),
    (1526, '▁world')]`` with Mistral-7B-v0.1's tokenizer.
    """
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(token_id), str(piece)) for token_id, piece in zip(ids, pieces)]


def piece_bytes(piece: str) -> bytes:
    """The raw bytes one vocabulary piece stands for.

    ``'<0xE6>'`` -> ``b'\\xe6'``; ``'▁The'`` -> ``b' The'``; ``'日'`` -> ``'日'.encode()``;
    a special piece (``<unk>``, ``<s>``, ``</s>``) -> ``b''``: it stands for no text, just as
    ``decode(..., skip_special_tokens=True)`` drops it. Pieces that merely look like tags,
    such as ``'<?>'`` or ``'<>'`` (ordinary text pieces of the vocabulary), keep their text.
    """
    if piece in SPECIAL_PIECES:
        return b""
    match = BYTE_PIECE.fullmatch(piece)
    if match:
        return bytes([int(match.group(1), 16)])
    return piece.replace(SPACE_MARKER, " ").encode("utf-8")


def pieces_to_bytes(pieces: list[str]) -> bytes:
    """The bytes of a sequence of pieces, joined: valid UTF-8 again once every split character is whole."""
    return b"".join(piece_bytes(piece) for piece in pieces)
