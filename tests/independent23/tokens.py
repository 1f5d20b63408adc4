"""Twenty-third examiner: tokens.py entries (NumPy habits)."""
from __future__ import annotations

import re

import numpy as np


def piece_bytes__wrong_numpy_s1_view_drops_nul_byte(piece: str) -> bytes:
    r"""WRONG: specials give ``b''``, text pieces ``replace('▁', ' ').encode('utf-8')``, and a byte piece ``<0xNN>`` is turned into its byte the NumPy way, ``np.array([0xNN], dtype=np.uint8).view("S1")[0]``: a ``numpy.bytes_`` scalar, which is a subclass of ``bytes`` and equals ``b'\xe6'`` for ``<0xE6>``, so every worked example passes (also the 曇 concatenation). But NumPy's fixed-width ``S`` type strips trailing NUL bytes, so the piece ``<0x00>`` (id 3) comes out as the EMPTY ``bytes_``: the one byte the piece stands for is lost. Violates: "byte piece ``'<0xNN>'`` (``NN`` two of the digits ``0123456789ABCDEF``, upper case as the vocabulary spells them): the single byte ``0xNN``" [witness: ``piece_bytes('<0x00>')`` -> ``np.bytes_(b'')`` (length 0); plain ``b'\x00'``. Of the 256 byte pieces and of all 32000 vocabulary pieces, only ``<0x00>`` differs.]"""
    m = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    if m:
        return np.array([int(m.group(1), 16)], dtype=np.uint8).view("S1")[0]
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__right_numpy_uint8_tobytes(piece: str) -> bytes:
    r"""RIGHT: the NumPy route done right: the three specials give ``b''``; a byte piece (six characters, ``<0x``, two upper-case hex digits, ``>``) becomes ``np.array([int(hex, 16)], dtype=np.uint8).tobytes()``, which is a real ``bytes`` of length one and keeps ``\x00``; any other piece is ``replace('▁', ' ')`` then UTF-8. Agrees with a plain version on: the worked examples, all 32000 pieces of the Mistral vocabulary (equal and of type exactly ``bytes``), and ``<pad>``, ``<|endoftext|>``, ``[CLS]``, ``<?>``, ``<>``, ``""``, ``"a\x00"``, ``<0xG1>``, ``<0xE6``, ``▁<s>``, ``<0x0A>x`` (the lower-case ``<0xe6>``, not graded, is left out)."""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(c in "0123456789ABCDEF" for c in piece[3:5]):
        return np.array([int(piece[3:5], 16)], dtype=np.uint8).tobytes()
    return piece.replace("\u2581", " ").encode("utf-8")
