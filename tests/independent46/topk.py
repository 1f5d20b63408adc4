"""Forty-sixth examiner: topk.py entries (the careless reader: one word misread)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_table__right_padding_ids_text_empty_without_decode(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: the sentence "those ids are tokens too (Mistral's tokenizer decodes each to ``''``)" admits two readings: (a) call ``tokenizer.decode([id])`` for them as for every id, and it happens to give ``''``; (b) their text IS ``''``, whatever a tokenizer would do with an id it does not have. This entry takes (b) for ids at or beyond ``len(tokenizer)`` (the padding of a model's output layer) and (a) for all others: it never hands a tokenizer an id outside its vocabulary, where some tokenizers raise or return ``None``. Rows come from ``torch.sort(probs, descending=True, stable=True)`` (ties lower id first, also at the cut), ``min(k, vocab)`` of them, plain ``int``/``str``/``float``. Agrees with a plain version on: the worked example ``[0.1, 0.6, 0.3]`` ``k = 2``, ``k = 0``, ``k = 5`` on 3 ids, ties ``[0.25]*4`` ``k = 2``, the tiny model's softmax for "The capital of Japan is" (``k`` 10, first row ``▁Tokyo``/"Tokyo"), and a ``32064``-long distribution whose padded ids 32000-32063 hold the top 5 probabilities (``k = 8``) (checks/check_entries.log)."""
    sorted_probs, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    pieces = len(tokenizer)
    rows = []
    for value, token_id in zip(sorted_probs[:n].tolist(), order[:n].tolist()):
        text = tokenizer.decode([token_id]) if token_id < pieces else ""
        rows.append((int(token_id), text, float(value)))
    return rows
