"""Independent catalogue, fifth examiner: submissions for exercises/tokens.py.

Written from the docstrings of ``exercises/tokens.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/tokens.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# tokenize_with_pieces
# ---------------------------------------------------------------------------------------


def tokenize_with_pieces__right_encode_with_bos_then_slice(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: always encodes with the tokenizer's defaults (which put exactly one ``<s>``
    first) and, for ``add_bos=False``, slices that first id off instead of asking the
    tokenizer for no special tokens; ``"<s>"`` written inside the text is kept either way."""
    ids = list(tokenizer.encode(text))
    if not add_bos:
        ids = ids[1:]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), str(p)) for i, p in zip(ids, pieces)]
