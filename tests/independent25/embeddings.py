"""Twenty-fifth examiner: embeddings.py entries (the learner who codes to the worked example)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_segment_reduce_mean(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the average as a one-segment ``torch.segment_reduce(rows, "mean", lengths=[n], axis=0)`` -- the reduction sparse/graph code uses for ragged batches -- instead of ``mean``. ``segment_reduce`` adds half-precision rows in their own precision (measured: up to 0.0065 off for bfloat16), so ``float16``/``bfloat16`` rows are reduced in float32 and the result cast back, as ``mean`` does inside. Ids from ``tokenizer(word, add_special_tokens=False)`` (a text's own ``</s>`` kept), ``ValueError`` when there are none, rows by ``index_select`` with an int64 tensor on the matrix's device, the ``(1, d)`` segment result flattened to ``(d,)``. Agrees with a plain version on: ``"Kyoto"``, ``"king"``, ``"</s>"``, ``"unbelievable"``, ``"日本"``, ``"New York"``, ``"曇"`` with the tiny model's embedding matrix in float32, float64, float16 and bfloat16 (bit-equal, measured in the README); ``""`` raises ``ValueError``."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    index = torch.tensor(ids, dtype=torch.int64, device=embedding_matrix.device)
    rows = embedding_matrix.index_select(0, index)
    work = rows.float() if rows.dtype in (torch.float16, torch.bfloat16) else rows
    lengths = torch.tensor([len(ids)], device=embedding_matrix.device)
    out = torch.segment_reduce(work, "mean", lengths=lengths, axis=0)
    return out.reshape(-1).to(embedding_matrix.dtype)
