"""Independent catalogue, round 4: submissions for exercises/decoding.py.

Written from the docstrings of ``exercises/decoding.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_caps_at_context_length(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "the model cannot read more than its context" -- lowers ``max_new_tokens`` so
    that the sequence never exceeds ``model.config.max_position_embeddings`` (512 for the
    tiny model). ``generate`` applies no such cap (RoPE positions go on), so near the limit
    fewer tokens come out. Violates: "stop ... once ``max_new_tokens`` tokens have been
    added" / "Your output must equal ``model.generate(ids, do_sample=False, ...)``" [a
    508-token prompt, max_new_tokens=8: 4 new tokens instead of 8]"""
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit is not None:
        max_new_tokens = max(0, min(max_new_tokens, limit - input_ids.shape[1]))
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits
            nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
