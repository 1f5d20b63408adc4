"""Seventh examiner: decoding.py entries."""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_new_ids_list_then_tensor(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: collects the new ids in a Python list and appends them at the end with
    ``torch.cat([input_ids, torch.tensor([new_ids], device=...)])``. With no new token,
    ``torch.tensor([[]])`` is a FLOAT tensor of shape ``(1, 0)`` and ``cat`` promotes the
    whole result to float32. Violates: "``max_new_tokens = 0`` returns the prompt as it is."
    and "returns: ``(1, T + n)`` int64" [``max_new_tokens = 0``, any prompt: float32 ids;
    ``torch.equal(result, prompt)`` and ``(result == prompt).all()`` are both True, only the
    dtype tells; every run with ``n >= 1`` is right]"""
    new_ids: list[int] = []
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            token = int(logits.argmax(dim=-1)[0])
            new_ids.append(token)
            ids = torch.cat([ids, torch.tensor([[token]], device=ids.device, dtype=ids.dtype)], dim=-1)
            if eos_token_id is not None and token == eos_token_id:
                break
    return torch.cat([input_ids, torch.tensor([new_ids], device=input_ids.device)], dim=-1)


def greedy_generate__right_token_generator_islice(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the tokens come from an endless Python generator that holds the KV cache
    (the prompt once, then one token per step with ``cache=out.cache``; the bonus), cut by
    ``itertools.islice(..., max_new_tokens)`` — so no forward pass runs for a token that
    is not taken, and none at all for ``max_new_tokens = 0`` — and the eos stop is a
    ``break`` after appending; the pieces are joined by one ``torch.cat``."""
    def stream():
        out = model(input_ids=input_ids, use_cache=True)
        while True:
            token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            yield token
            out = model(input_ids=token, cache=out.cache, use_cache=True)

    pieces = [input_ids]
    with torch.no_grad():
        for token in itertools.islice(stream(), max_new_tokens):
            pieces.append(token.to(input_ids.dtype))
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return torch.cat(pieces, dim=-1)
