"""Fourteenth examiner: tokens.py entries."""
from __future__ import annotations

import re


def piece_bytes__wrong_common_specials_set(piece: str) -> bytes:
    """WRONG: knows special tokens from other tokenizers and keeps one set of them for "every" vocabulary, ``{'<s>', '</s>', '<unk>', '<pad>', '<mask>', '<bos>', '<eos>', '<|endoftext|>'}``, all mapped to ``b''``. Every example of the docstring, the three real specials, byte pieces, ``'<?>'`` and ``'<>'`` come out right; a text piece that spells one of the foreign names vanishes. Violates: "any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8." [witness: ``piece_bytes('<pad>')``: ``b'<pad>'`` expected, ``b''`` returned (likewise ``'<mask>'``, ``'<|endoftext|>'``)]"""
    if piece in {"<s>", "</s>", "<unk>", "<pad>", "<mask>", "<bos>", "<eos>", "<|endoftext|>"}:
        return b""
    if re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")
