"""Solutions to exercises 1 and 2: token ids, pieces and the bytes they stand for."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase

SPECIAL_PIECES = ("<unk>", "<s>", "</s>")


def tokenize_with_pieces(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """``text`` as ``(id, piece)`` pairs, with ``<s>`` first when ``add_bos``."""
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return list(zip(ids, pieces))


def piece_bytes(piece: str) -> bytes:
    """The raw bytes a piece stands for: one byte for ``<0xNN>``, nothing for specials."""
    if piece in SPECIAL_PIECES:
        return b""
    digits = piece[3:5]
    # Two hexadecimal digits exactly: int() alone would also read '+A' or ' A' as a number.
    if (len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">")
            and all(digit in "0123456789ABCDEF" for digit in digits)):
        return bytes([int(digits, 16)])
    return piece.replace("\u2581", " ").encode("utf-8")
