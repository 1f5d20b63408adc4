"""Tenth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_topk_one(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: picks the next token with ``torch.topk(logits, 1)`` ("the top-1 token") instead
    of ``argmax``. The same token whenever the largest logit is unique, but ``topk`` promises
    no order among ties: on CPU, for a row of 4 to 32 equal logits it returns index 2, 6, 10 or
    22, where ``argmax`` (and ``generate``) take the first. Violates: "the next token is their
    ``argmax`` over the vocabulary (the last axis)" / "Your output must equal
    ``model.generate(ids, do_sample=False, ...)``" [witness: a toy model of vocabulary 8 whose
    logits are all 0, prompt ``[[1]]``, 3 new tokens -> ``[[1, 0, 0, 0]]`` expected,
    ``[[1, 6, 6, 6]]`` returned]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            next_id = torch.topk(logits, 1, dim=-1).indices
            ids = torch.cat([ids, next_id], dim=1)
            if eos_token_id is not None and next_id.item() == eos_token_id:
                break
    return ids


def greedy_generate__right_list_new_tensor(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: keeps the new ids in a Python list and rebuilds the sequence every step with
    ``input_ids.new_tensor([new])`` (which takes int64 and the device from the prompt, also
    for an empty list: shape ``(1, 0)``, not a float tensor); the loop is ``while`` on the
    list's length, the stop test ``nxt == eos_token_id`` (never true for ``None``)."""
    new: list[int] = []
    with torch.no_grad():
        while len(new) < max_new_tokens:
            sequence = torch.cat([input_ids, input_ids.new_tensor([new])], dim=1)
            nxt = int(model(input_ids=sequence).logits[0, -1].argmax())
            new.append(nxt)
            if nxt == eos_token_id:
                break
    return torch.cat([input_ids, input_ids.new_tensor([new])], dim=1)
