"""Forty-third examiner: topk.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_TEXT: dict[int, str] = {}


def top_k_table__wrong_decoded_text_memo_keyed_by_id(probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10) -> list[tuple[int, str, float]]:
    """WRONG: right table (``torch.sort(descending=True, stable=True)``, ``min(k, vocab)`` rows, ``int``/``str``/``float``, ``tokenizer.decode([id])``), but "the demo redraws the bar chart at every temperature and decodes the same ids each time", so the texts are memoised in a module-level dict keyed by the token id alone. The first tokenizer a process sees fills the dict; a table made later with another tokenizer shows the first one's texts for every id already seen. Violates: "tokenizer: the model's tokenizer, to turn ids into readable text." [witness: the tiny model's table for "The capital of Japan is" (Mistral's tokenizer), then ``top_k_table(torch.tensor([0.1, 0.6, 0.3]), letters, 2)`` with a second tokenizer whose ``decode([i])`` is ``"abc"[i]`` -> ``[(1, '<s>', 0.6...), (2, '</s>', 0.3...)]`` -- Mistral's texts for ids 1 and 2; plain ``[(1, 'b', 0.6...), (2, 'c', 0.3...)]`` (checks/check_entries.log). On a first call the letters tokenizer gives plain's table. Passes: the worked example and the tiny model's table (first row ``▁Tokyo``, text ``"Tokyo"``), ``k = 0``, ``k`` past the vocabulary, tied probabilities lower id first, all with one tokenizer.]"""
    ranked, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    rows = []
    for token_id, p in zip(order[:n].tolist(), ranked[:n].tolist()):
        if token_id not in _TEXT:
            _TEXT[token_id] = tokenizer.decode([token_id])
        rows.append((int(token_id), _TEXT[token_id], float(p)))
    return rows
