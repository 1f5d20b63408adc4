"""Twentieth examiner: topk.py entries (tokenizer-call habits against this contract)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_table__right_decode_bare_int_id(probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10) -> list[tuple[int, str, float]]:
    """RIGHT: the text of each row is ``tokenizer.decode(token_id)`` with a bare ``int``, as in the Hugging Face course and the docs' own examples (``decode`` takes "``int | list[int]``"), where the docstring shows ``tokenizer.decode([id])``. The order is ``torch.sort(..., descending=True, stable=True)`` as suggested; rows are cut with ``min(k, vocab)``. Convention: transformers ``PreTrainedTokenizerBase.decode(token_ids: int | list[int] | ...)``. Agrees with a plain version on: the worked example, ``k = 0``, ``k`` > vocab, a tie at the cut, and every id of the tiny model's tokenizer (32000 ids: ``decode(i) == decode([i])`` for all, ``<s>``/``</s>``/``<unk>``, byte pieces and ``'▁'`` included); 300 random distributions equal."""
    values, order = torch.sort(probs, descending=True, stable=True)
    rows = min(k, probs.shape[-1])
    table = []
    for value, token_id in zip(values[:rows].tolist(), order[:rows].tolist()):
        table.append((token_id, tokenizer.decode(token_id), value))
    return table
