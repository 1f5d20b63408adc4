"""Seventeenth examiner: tokens.py entries."""
from __future__ import annotations

import base64
import binascii


def piece_bytes__right_base64_b16decode(piece: str) -> bytes:
    """RIGHT: the byte piece is decoded by ``base64.b16decode`` of its two hex digits. ``b16decode`` (``casefold=False``, its default) accepts exactly the upper-case digits ``0-9A-F`` and raises ``binascii.Error`` (a ``ValueError``) for anything else, ``ValueError`` for non-ASCII text; either way the piece falls through to the text rule, so ``'<0x+F>'``, ``'<0xG1>'`` or ``'<0x日本>'`` are text. The three specials give ``b''``; every other piece is its text with ``'▁'`` as a space, UTF-8. A lower-case ``'<0xe6>'`` comes out as text, which the docstring leaves ungraded."""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return base64.b16decode(piece[3:5])
        except (binascii.Error, ValueError):
            pass
    return piece.replace("\u2581", " ").encode("utf-8")
