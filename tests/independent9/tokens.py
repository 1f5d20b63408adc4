"""Ninth examiner: tokens.py entries."""
from __future__ import annotations

import re

_piece_bytes__wrong_regex_backslash_d_pattern = re.compile(r"<0x([\dA-F]{2})>")


def piece_bytes__wrong_regex_backslash_d(piece: str) -> bytes:
    """WRONG: recognises a byte piece with ``re.fullmatch(r"<0x([\\dA-F]{2})>")`` -- "digits
    or upper-case A-F, as the vocabulary spells them" -- and ``int(.., 16)``. In a ``str``
    pattern ``\\d`` matches every Unicode decimal digit, and ``int`` accepts them too, so a
    piece spelled with Arabic-Indic or full-width digits is read as a byte instead of as
    text. Violates: "byte piece ``'<0xNN>'`` (``NN`` two hexadecimal digits, upper case as
    the vocabulary spells them): the single byte ``0xNN``." / "any other piece is text"
    [``'<0x٣٣>'`` -> ``b'3'`` instead of ``'<0x٣٣>'.encode()``; ``'<0x４１>'`` (full-width) ->
    ``b'A'``]"""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    match = _piece_bytes__wrong_regex_backslash_d_pattern.fullmatch(piece)
    if match:
        return bytes([int(match.group(1), 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


_piece_bytes__right_upper_hex_only_table = {"<unk>": b"", "<s>": b"", "</s>": b""}
_piece_bytes__right_upper_hex_only_digits = frozenset("0123456789ABCDEF")


def piece_bytes__right_upper_hex_only(piece: str) -> bytes:
    """RIGHT: reads only UPPER-case byte pieces as bytes (``'<0xe6>'`` stays the text
    ``b'<0xe6>'``, the reading the docstring leaves ungraded), strips the frame with
    ``removeprefix`` / ``removesuffix`` and checks what is left against a frozenset of the
    sixteen upper-case hex digits; the special pieces come from a dict lookup, and the byte is
    built with ``int.to_bytes``."""
    special = _piece_bytes__right_upper_hex_only_table.get(piece)
    if special is not None:
        return special
    inner = piece.removeprefix("<0x").removesuffix(">")
    if len(piece) == len(inner) + 4 and len(inner) == 2 and set(inner) <= _piece_bytes__right_upper_hex_only_digits:
        return int(inner, 16).to_bytes(1, "little")
    return piece.replace("\u2581", " ").encode("utf-8")
