"""Independent catalogue, fifth examiner: submissions for exercises/decoding.py.

Written from the docstring of ``exercises/decoding.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/decoding.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_guard_on_last_token(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: writes the stop test as the loop's guard, ``while ids[0, -1] != eos_token_id``,
    so it also looks at the PROMPT's last token: a prompt that ends with ``</s>`` gets no new
    token at all. Violates: "the next token is their ``argmax`` ...; append it; stop if it is
    ``eos_token_id``" (only a token the loop appended stops it) [``[[1, 415, 5565, 2]]``,
    ``max_new_tokens = 3``, ``eos_token_id = 2``: the prompt comes back unchanged]"""
    ids = input_ids
    added = 0
    with torch.no_grad():
        while added < max_new_tokens and (eos_token_id is None or ids[0, -1].item() != eos_token_id):
            logits = model(input_ids=ids).logits[:, -1, :]
            nxt = logits.argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=1)
            added += 1
    return ids


def greedy_generate__wrong_cache_with_prompt_attention_mask(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the KV-cache bonus done with an ``attention_mask`` built once for the prompt,
    ``torch.ones_like(input_ids)``, and passed unchanged at every cached step, so the mask no
    longer covers the tokens the loop has added. Violates: "Your output must equal
    ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" ["The capital
    of Japan is", ``max_new_tokens = 3``: ``Tokyo . </s>`` expected, ``Tokyo . .`` comes back
    (transformers 5.x, tiny model; no error is raised)]"""
    mask = torch.ones_like(input_ids)
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            if step + 1 < max_new_tokens:
                out = model(input_ids=nxt, attention_mask=mask, cache=out.cache, use_cache=True)
    return ids
