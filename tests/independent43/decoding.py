"""Forty-third examiner: decoding.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_STATE: dict = {}


def greedy_generate__wrong_cache_made_once_for_the_module(model: PreTrainedModel, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None = None) -> torch.Tensor:
    """WRONG: the KV-cache bonus with the cache "built up front, once", as ``generate`` builds its ``DynamicCache`` before the loop -- but hoisted out of the call into a module-level singleton (``_STATE.setdefault("cache", DynamicCache())``) so it is "not rebuilt every time". The loop is otherwise right: prompt fed first, then only the newest token with ``cache=out.cache, use_cache=True``, argmax of the last position, eos appended then stop, ``max_new_tokens = 0`` returns the prompt. The first call is exactly plain's; the cache object then holds that call's keys and values, and the next call's prompt is read as a continuation of the previous text (and at shifted positions). Violates: "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)`` on a model whose ``generation_config`` adds no rules of its own." [witness: tiny, "The capital of Japan is", 8 tokens, called twice -> first call ``[19887, 28723, 2, 2, 2, 415, 5565, 302]`` (plain's), second call ``[19887, 28723, 415, 5565, 302, 4720, 349, 19887]``; plain gives ``[19887, 28723, 2, 2, 2, 415, 5565, 302]`` both times. Passes: the worked example ``(1, 7)`` ending in 19887 on a first call, ``max_new_tokens = 0``, first-token eos and the toy's tokens (the toy's answers ignore the cache's contents).]"""
    if max_new_tokens <= 0:
        return input_ids
    if "cache" not in _STATE:
        from transformers import DynamicCache
        _STATE["cache"] = DynamicCache()
    cache = _STATE["cache"]
    ids, feed = input_ids, input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True).to(ids.dtype)
            ids = torch.cat([ids, nxt], dim=-1)
            feed = nxt
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
