"""Forty-fourth examiner: tokens.py entries (the right answer nobody expected)."""
from __future__ import annotations

_UPPER_HEX = frozenset("0123456789ABCDEF")
_SPECIAL = frozenset({"<unk>", "<s>", "</s>"})


def piece_bytes__right_int_to_bytes_strict_digits(piece: str) -> bytes:
    """RIGHT: a byte piece is recognised by its frame (six characters, ``'<0x'`` then ``'>'``) and by a subset test of its two digits against ``frozenset("0123456789ABCDEF")``, and only then converted with ``int(digits, 16).to_bytes(1, "big")``; the specials are a ``frozenset`` lookup giving ``b''``; any other piece is ``piece.replace('▁', ' ').encode('utf-8')``. The subset test comes BEFORE ``int``, because ``int(.., 16)`` alone is far more lenient than the vocabulary's spelling (it takes ``'+F'``, ``' F'``, and any Unicode decimal digit such as ``'٣'``). Sentences an over-strict grader could hold against it: "the single byte ``0xNN``" together with the pitfall "You want the one byte itself: ``bytes([0xE6])``" (``to_bytes`` gives the same one byte, not ``chr(..).encode``). Agrees with a plain version on: every example (``'<0xE6>'``, ``'▁The'``, ``'日'``, ``'▁▁'``, ``'<s>'``, the three 曇 bytes), all 256 byte pieces, ``'<unk>'``, ``'</s>'``, ``'<pad>'``, ``'<?>'``, ``'<>'``, ``'<0x+F>'``, ``'<0x F>'``, ``'<0x٣A>'``, ``'<0xE6'``, ``'<0xE6>>'`` and every piece of the tiny model's vocabulary (checks/check_entries.log)."""
    if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and set(piece[3:5]) <= _UPPER_HEX:
        return int(piece[3:5], 16).to_bytes(1, "big")
    if piece in _SPECIAL:
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_int_base16_as_the_check(piece: str) -> bytes:
    """WRONG: the same ``int(..., 16).to_bytes(1, "big")`` route, with ``int`` itself as the check of the digits (``try: ... except ValueError:`` falls through to text), the EAFP habit: "if ``int`` can read it as hex, it is a byte piece". ``int(s, 16)`` accepts more than two upper-case hex digits: a sign (``'+F'``), surrounding whitespace (``' F'``, ``'F '``) and any Unicode decimal digit (``'٣A'`` is 0x3A); lower case too (not graded). So pieces that only look like byte pieces become one byte instead of their text. Violates: "byte piece ``'<0xNN>'`` (``NN`` two of the digits ``0123456789ABCDEF``, upper case as the vocabulary spells them): the single byte ``0xNN``" together with "any other piece is text" [witness: ``piece_bytes('<0x+F>')`` -> ``b'\\x0f'``; plain ``b'<0x+F>'``. ``'<0x F>'`` -> ``b'\\x0f'``, plain ``b'<0x F>'``; ``'<0x٣A>'`` -> ``b':'``, plain its 7 UTF-8 bytes. Passes: every docstring example, all 256 byte pieces, the specials, ``'<pad>'``, ``'<?>'``, ``'<>'`` and every piece of the tiny model's vocabulary (checks/check_entries.log).]"""
    if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">":
        try:
            return int(piece[3:5], 16).to_bytes(1, "big")
        except (ValueError, OverflowError):
            pass
    if piece in _SPECIAL:
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")
