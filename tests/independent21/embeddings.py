"""Twenty-first examiner: embeddings.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_gather_expanded_index(word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor) -> torch.Tensor:
    """RIGHT: no advanced indexing: the ids (encoded WITHOUT special tokens; none -> ``ValueError``) become an int64 tensor on the matrix's device, are lifted to a ``(n, 1)`` column and BROADCAST with ``expand(-1, d)`` (a stride-0 view, no copy) into a ``(n, d)`` index for ``torch.gather(embedding_matrix, 0, index)``, which copies exactly those rows; their mean over ``dim=0`` is ``(d,)`` in the matrix's own dtype on its device, and the matrix itself is only read. Agrees with a plain version on: (the plain version: ``embedding_matrix[torch.tensor(ids)].mean(dim=0)``) ``"Kyoto"`` (``[15595, 2587]``) and ``"king"`` (``[6779]``) with the tiny model's embedding matrix, ``"</s>"`` (id 2 kept), ``"unbelievable"``, ``"曇"`` (byte pieces), a repeated token (``"the the"``), the matrix in float32/float64/float16/bfloat16 and as a transposed (non-contiguous) view, ``""`` raising ``ValueError``: bit-for-bit equal, same shape, dtype, device; the matrix unchanged (see README)."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    index = torch.as_tensor(ids, dtype=torch.int64, device=embedding_matrix.device)
    d = embedding_matrix.shape[1]
    rows = torch.gather(embedding_matrix, 0, index.unsqueeze(1).expand(-1, d))
    return rows.mean(dim=0)
