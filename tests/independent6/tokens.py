"""Sixth examiner: tokens.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

# (One assignment: the examiner's version filled the specials in with a separate .update()
# call, which tests/catalogue.py does not carry into a submission along with the helper.)
_piece_bytes__right_precomputed_byte_table_TABLE = {
    **{f"<0x{hi}{lo}>": bytes((int(hi + lo, 16),))
       for hi in "0123456789abcdefABCDEF"
       for lo in "0123456789abcdefABCDEF"},
    "<unk>": b"", "<s>": b"", "</s>": b"",
}


def piece_bytes__right_precomputed_byte_table(piece: str) -> bytes:
    """RIGHT: no parsing at all — one dict lookup in a table built once at import time of
    all 256 byte pieces (every mix of hex-digit case) and the three specials; any piece not
    in the table is text, ``'▁'`` mapped with ``str.translate``."""
    hit = _piece_bytes__right_precomputed_byte_table_TABLE.get(piece)
    if hit is not None:
        return hit
    return piece.translate({0x2581: 0x20}).encode("utf-8")


def tokenize_with_pieces__right_batch_of_one_call(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: the tokenizer called on a BATCH of one text (``tokenizer([text], ...)``) and
    row 0 taken; the pieces come from one ``convert_ids_to_tokens`` call over the ids, the
    pairs built with ``map(tuple, zip(...))``."""
    ids = tokenizer([text], add_special_tokens=add_bos)["input_ids"][0]
    ids = [int(i) for i in ids]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return list(map(tuple, zip(ids, pieces)))
