"""Thirty-first examiner: tokens.py entries (misled by a library default)."""
from __future__ import annotations

import re

_BYTE_PIECE = re.compile(r"<0x[0-9A-F]{2}>")
_SPECIAL_PIECES = ("<unk>", "<s>", "</s>")
_HEX_DIGITS = "0123456789ABCDEF"


def piece_bytes__wrong_strip_charset_eats_hex_zeros(piece: str) -> bytes:
    r"""WRONG: the three special pieces give ``b''``, a byte piece is recognised exactly (``re.fullmatch(r"<0x[0-9A-F]{2}>", piece)``) and any other piece is its text with every ``'▁'`` replaced by a space, UTF-8 encoded -- but the byte's value is read as ``int(piece.strip("<>0x"), 16)``, trusting ``str.strip`` to take the frame ``'<0x'`` ... ``'>'`` off. ``str.strip(chars)`` removes any character of the SET ``chars`` from both ends, as often as it occurs, so the hex digit ``0`` goes too: a leading zero is harmless (``'<0x0A>'`` -> ``'A'`` = 10, right by luck, and so is the public ``'<0x0A>'`` test), but a trailing zero changes the value (``'<0xA0>'`` -> ``'A'`` -> 0x0A) and ``'<0x00>'`` leaves ``''`` (``int('', 16)`` raises ``ValueError``). 16 of the 256 byte pieces are hit (0x00, 0x10, ..., 0xF0), among them 0xF0, the lead byte of every 4-byte UTF-8 character (emoji), and 0x80/0xA0/0xB0, common continuation bytes. Violates: "byte piece ``'<0xNN>'`` (``NN`` two of the digits ``0123456789ABCDEF``, upper case as the vocabulary spells them): the single byte ``0xNN``." [witness: ``'<0xA0>'`` -> ``b'\n'`` (WRONG) vs ``b'\xa0'`` (plain); ``'<0xF0>'`` -> ``b'\x0f'`` vs ``b'\xf0'``; ``'<0x30>'`` -> ``b'\x03'`` vs ``b'0'``; ``'<0x80>'`` -> ``b'\x08'`` vs ``b'\x80'``; ``'<0x00>'`` -> ``ValueError: invalid literal for int() with base 16: ''`` vs ``b'\x00'``; over the whole vocabulary 16 of 32000 pieces differ. Equal to plain on ``'<0xE6>'``, ``'<0x0A>'``, ``'<0x9B>'``, ``'<0x87>'``, ``'▁The'``, ``'<s>'``, ``'<?>'``. public tests: all 11 of ``piece_bytes`` pass (checks/logs/piece_bytes__wrong_strip_charset_eats_hex_zeros.log).]"""
    if piece in _SPECIAL_PIECES:
        return b""
    if _BYTE_PIECE.fullmatch(piece):
        return bytes([int(piece.strip("<>0x"), 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__right_removeprefix_fromhex(piece: str) -> bytes:
    r"""RIGHT: the frame of a byte piece is taken off with ``str.removeprefix('<0x')`` and ``str.removesuffix('>')`` (Python 3.9+: each removes that exact string once, unlike ``strip``'s character set), the rest must be exactly two of ``0123456789ABCDEF`` (checked explicitly, because ``bytes.fromhex`` alone would also accept lower case and skip whitespace), and ``bytes.fromhex`` turns the two digits into the one byte. The three specials give ``b''``; every other piece, ``'<0x>'``, ``'<0xZZ>'``, ``'<0x+5>'``, ``'<0x 5>'``, ``'<0x123>'`` and ``'<pad>'`` included, is text with ``'▁'`` as a space. Equal to plain on 21 hand-picked pieces (checks/check_entries.log) and on all 32000 pieces of Mistral's vocabulary. public tests: all 11 of ``piece_bytes`` pass."""
    if piece in _SPECIAL_PIECES:
        return b""
    if piece.startswith("<0x") and piece.endswith(">"):
        digits = piece.removeprefix("<0x").removesuffix(">")
        if len(digits) == 2 and all(c in _HEX_DIGITS for c in digits):
            return bytes.fromhex(digits)
    return piece.replace("\u2581", " ").encode("utf-8")
