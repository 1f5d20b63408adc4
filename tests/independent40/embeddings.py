"""Fortieth examiner: embeddings.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only, as in the stub
    from transformers import PreTrainedTokenizerBase


def _my_tokenize_with_pieces(text: str, tokenizer, add_bos: bool = True) -> list[tuple[int, str]]:
    """The learner's own exercise-1 answer: ``(id, piece)`` pairs, BOS only when asked."""
    ids = tokenizer(text, add_special_tokens=add_bos).input_ids
    return [(int(i), piece) for i, piece in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def subword_averaged_embedding__right_own_pieces_bos_sliced_off(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: reuses the learner's own ``tokenize_with_pieces`` with its DEFAULT ``add_bos=True`` (the call the learner has in their notebook) and adapts it by slicing off exactly the first pair -- the BOS that call added -- instead of filtering ids or pieces, so a ``"<s>"`` or ``"</s>"`` the word itself spells keeps its row, and ``""`` leaves ``[]`` (``ValueError``). The ids become an int64 tensor on the matrix's device, the rows are taken with ``index_select`` and averaged in float32 for half precision (cast back), in the matrix's own dtype otherwise. Agrees with a plain version on: 12 words ("Kyoto" -- the mean of rows 15595 and 2587 --, "king", "unbelievable", ``"<s>"`` -> ``[1]``, ``"</s>"``, ``"a<s>b"`` -> ``[264, 1, 28726]``, ``"日本の首都は"``, ``"曇"``, ``" spaced"``, ``"cafe\\u0301"``, ``"café"``, "Hello world") on the tiny model's float32 matrix, its bfloat16 and float16 copies and a copy padded to 32064 rows, all exactly equal, ``""`` -> ``ValueError`` (checks/check_entries.log)."""
    pairs = _my_tokenize_with_pieces(word, tokenizer)[1:]  # the first pair is the BOS this call added
    if not pairs:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    idx = torch.tensor([i for i, _ in pairs], dtype=torch.long, device=embedding_matrix.device)
    rows = embedding_matrix.index_select(0, idx)
    if rows.dtype in (torch.float16, torch.bfloat16):
        return rows.float().mean(dim=0).to(rows.dtype)
    return rows.mean(dim=0)
