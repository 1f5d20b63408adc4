"""Twenty-ninth examiner: decoding.py entries (the performance-minded learner)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_PREFILL: dict = {}


def greedy_generate__wrong_module_prefill_cache_grows(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the KV-cache bonus plus "prompt caching" as serving engines advertise it: the prompt's forward pass (its ``out.cache`` and last-position logits) is kept in a module-level dict keyed by ``(id(model), prompt ids)``, so generating again from the same prompt skips the prefill. Each step feeds only the newest token with ``cache=``, takes the argmax (lowest id among ties), appends, stops after ``eos_token_id``, and skips the forward pass after the last token. But transformers' ``DynamicCache`` grows IN PLACE: the stored prefill cache now also holds the tokens of the first run, so a second run from the same prompt feeds its tokens on top of a cache that is longer than the prompt (wrong positions, stale keys). Its first token is still right (the logits were stored), the rest are not. Violates: "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" (the module docstring: greedy gives the same continuation "every time") [witness: the tiny model, "The capital of Japan is", ``max_new_tokens = 12``, called twice: the first call equals plain (``▁Tokyo . </s> </s> </s> ▁The ▁capital ▁of ▁Japan ▁is ▁Tokyo .``); the second returns ``▁Tokyo . ▁The ▁capital ▁of ▁Japan ▁is ▁Tokyo . ▁The ▁capital ▁of``. Worked example ``(1, 7)`` ending in ``▁Tokyo``, ``max_new_tokens = 0``, ``eos_token_id = 2`` stop, first token eos: all equal to plain (checks/check_entries.log).]"""
    if max_new_tokens <= 0:
        return input_ids
    key = (id(model), tuple(input_ids[0].tolist()))
    ids = input_ids
    with torch.no_grad():
        if key in _PREFILL:
            cache, last = _PREFILL[key]
        else:
            out = model(input_ids=input_ids, use_cache=True)
            cache, last = out.cache, out.logits[:, -1, :]
            _PREFILL[key] = (cache, last)
        for step in range(max_new_tokens):
            nxt = torch.argmax(last, dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
            if step == max_new_tokens - 1:
                break
            out = model(input_ids=nxt, cache=cache, use_cache=True)
            cache, last = out.cache, out.logits[:, -1, :]
    return ids
