"""Twenty-first examiner: decoding.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_squeeze_tolist_prompt_of_one_token(model: PreTrainedModel, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None = None) -> torch.Tensor:
    """WRONG: keeps the ids in a Python list made with ``input_ids.squeeze().tolist()`` ("drop the batch axis of one"), appends each argmax (first index among ties, under ``torch.no_grad()``) and rebuilds ``torch.tensor([ids])`` (int64, on the prompt's device) for every forward pass and for the result. ``squeeze()`` drops EVERY axis of size one, so a prompt of a single token (``(1, 1)``, e.g. ``<s>`` alone) becomes a 0-d tensor and ``tolist()`` a bare ``int``: the first forward pass is then given ``torch.tensor([1])``, shape ``(1,)`` instead of ``(1, 1)`` (the tiny model raises ``RuntimeError`` on it; a model that accepted it would meet ``AttributeError`` at the ``append``), and with ``max_new_tokens = 0`` the result is ``tensor([1])`` of shape ``(1,)``. Every prompt of two or more tokens, the worked example's included, is handled right. Violates: "input_ids: ``(1, T)`` int64 token ids of the prompt, already on ``model.device``. returns: ``(1, T + n)`` int64 on the same device: the prompt, unchanged, followed by the ``n`` new tokens" [witness: tiny model, ``input_ids = torch.tensor([[1]])``, ``max_new_tokens = 3``: plain returns shape ``(1, 4)``, this raises ``RuntimeError`` (a 1-D ``input_ids`` reached the model); with ``max_new_tokens = 0`` plain returns ``tensor([[1]])`` (1, 1), this ``tensor([1])`` (1,)]."""
    ids = input_ids.squeeze().tolist()
    with torch.no_grad():
        for _ in range(max_new_tokens):
            current = torch.tensor([ids], dtype=torch.int64, device=input_ids.device)
            logits = model(input_ids=current).logits
            next_id = int(torch.argmax(logits[:, -1, :], dim=-1)[0])
            ids.append(next_id)
            if eos_token_id is not None and next_id == eos_token_id:
                break
    return torch.tensor([ids], dtype=torch.int64, device=input_ids.device)


def greedy_generate__right_fpad_append_keeps_int64(model: PreTrainedModel, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None = None) -> torch.Tensor:
    """RIGHT: never builds a new-token tensor or calls ``torch.cat``: each step grows the sequence with ``F.pad(ids, (0, 1), value=next_id)``, a constant pad of the last axis, which keeps the ids' own dtype (int64) and device and never touches ``input_ids`` (``F.pad`` returns a new tensor). The next id is ``int(logits[0, -1].argmax())`` (the first index among ties, as ``torch.argmax`` returns), read under ``torch.no_grad()``; the stop test follows the append, so an eos stays in the output; ``max_new_tokens = 0`` returns ``input_ids`` itself. Agrees with a plain version on: (the plain version: ``torch.cat`` of ``argmax(dim=-1, keepdim=True)``) the worked example (``(1, 7)`` ending in ``▁Tokyo``), ``max_new_tokens = 0``, a one-token prompt ``[[1]]``, 12 tokens for three prompts, an eos met first, one met in the middle and one never met: same ids, int64, shape, device; the prompt tensor left unchanged (see README)."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits
            next_id = int(logits[0, -1].argmax())
            ids = F.pad(ids, (0, 1), value=next_id)
            if eos_token_id is not None and next_id == eos_token_id:
                break
    return ids
