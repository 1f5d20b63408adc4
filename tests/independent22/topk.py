"""Twenty-second examiner: topk.py entries (the seed notebook's top-10 bar chart)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_table__right_article_decode_zero_dim_tensor(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: the seed notebook's temperature cell, with its ``topk`` swapped for the stable sort the docstring asks for: ``torch.sort(probs, descending=True, stable=True)``, the first ``min(k, vocab)`` of the values and ids, then a loop over the id TENSOR in which each element is a 0-d tensor passed straight to ``tokenizer.decode(tid)`` (the notebook's ``tokenizer.decode(tid)``, not ``decode([id])``); the tokenizer turns a 0-d tensor into the one int it holds and decodes that single id. The row is ``(int(tid), text, float(value))``. Agrees with a plain version on: (the plain one sorts stably and decodes ``[id]``) the worked example, ``k`` 0, 1, 10 and beyond the vocabulary, ties (lower id first, also at the cut), and the tiny model's distribution for "The capital of Japan is" (``▁Tokyo`` first, text "Tokyo"); ``decode(tensor(i)) == decode([i])`` for every one of the 32000 ids of the tokenizer."""
    sorted_probs, sorted_ids = torch.sort(probs, descending=True, stable=True)
    rows = min(k, probs.shape[-1])
    table = []
    for tid, value in zip(sorted_ids[:rows], sorted_probs[:rows]):
        table.append((int(tid), tokenizer.decode(tid), float(value)))
    return table
