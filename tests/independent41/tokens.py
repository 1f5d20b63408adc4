"""Forty-first examiner: tokens.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

import re

_BYTE_PIECE = re.compile(r"<0x([0-9A-F]{2})>")


def piece_bytes__wrong_single_char_piece_encoded_as_is(piece: str) -> bytes:
    """WRONG: adds a fast path for the simplest pieces, "a piece of one character is a plain character: no tag, no room for a marker in front of a word, just encode it" -- ``if len(piece) == 1: return piece.encode('utf-8')`` -- before the general rule (specials -> ``b''``, ``<0xNN>`` -> its byte, otherwise ``'▁'`` -> space and UTF-8). The learner checked it on ``'日'`` (the docstring's one-character example) and forgot that the lone ``'▁'`` is itself a one-character piece (id 28705, the piece every Japanese text starts with): it comes back as the three UTF-8 bytes of U+2581 instead of a space. Violates: "any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8." [witness: ``piece_bytes('▁')`` -> ``b'\\xe2\\x96\\x81'``; plain ``b' '``; so the pieces of ``"日本の首都は"`` joined give ``'\\u2581日本の首都は'`` instead of ``' 日本の首都は'``. Passes: ``'<0xE6>'`` -> ``b'\\xe6'``, ``'▁The'`` -> ``b' The'``, ``'日'``, ``'▁▁'`` -> ``b'  '``, ``'<s>'`` -> ``b''``, the three byte pieces of 曇, ``'<?>'``, ``'<>'``, ``'<pad>'``, ``'a'`` and every piece of the tiny tokenizer's vocabulary except id 28705 (checks/check_entries.log).]"""
    if len(piece) == 1:  # "one character: nothing to parse"
        return piece.encode("utf-8")
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    m = _BYTE_PIECE.fullmatch(piece)
    if m:
        return bytes([int(m.group(1), 16)])
    return piece.replace("\u2581", " ").encode("utf-8")
