"""Twenty-sixth examiner: topk.py entries (it works on the bundled model)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_table__wrong_rows_capped_at_tokenizer_vocab_size(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: sorts with ``torch.sort(probs, descending=True, stable=True)`` (ties lower id first, also at the cut), decodes each row with ``tokenizer.decode([id])``, plain ``int``/``str``/``float`` -- and caps the number of rows at "the vocabulary", read from the tokenizer: ``min(k, tokenizer.vocab_size)``. For the tiny model ``tokenizer.vocab_size`` is 32000, the width of its logits, so a ``k`` larger than the vocabulary lists every token; but ``vocab_size`` counts the base vocabulary only, not tokens added later (``len(tokenizer)`` does): a model fine-tuned with an added ``<pad>`` (or chat-template tokens), its embeddings resized, has logits one token wider, and the least probable of its tokens is never listed. Violates: "``k`` larger than the vocabulary lists every token." [witness: the tiny tokenizer after ``add_special_tokens({'pad_token': '<pad>'})`` (``vocab_size`` 32000, ``len`` 32001) and ``probs`` the softmax of the tiny model's last logits for "The capital of Japan is" with a 32001st logit 0.0 for the new row: ``k = 32001`` and ``k = 40000`` give 32000 rows in WRONG, 32001 in plain; the row left out is id 3514 (``'Le'``), rank 32000 in plain. On the tiny model itself: the worked example, ``▁Tokyo``/``"Tokyo"`` first, ``k = 0``, ``k = 40000`` (32000 rows) and ties at the cut all equal plain.]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, tokenizer.vocab_size)
    rows = []
    for value, token_id in zip(values[:n].tolist(), order[:n].tolist()):
        rows.append((int(token_id), tokenizer.decode([int(token_id)]), float(value)))
    return rows
