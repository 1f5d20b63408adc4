"""Nineteenth examiner: decoding.py entries (patterns taken from public KV-cache greedy loops)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_past_key_values_single_call_site(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the KV-cache loop as older tutorials write it: ONE call site, ``model(input_ids=generated if past is None else next_token, past_key_values=past, use_cache=True)``, with ``past = outputs.past_key_values`` after each step — the pre-5.24 names, which the docstring says still work until 5.40 (a deprecation warning) and are "not graded while it works". The first call passes ``past_key_values=None`` explicitly; the eos test is on the appended token; ``max_new_tokens = 0`` runs no pass. Source: sreekarp/Accelerated-LLM-Inference src/decoding/kv_cache.py ``kv_cache_decode`` (eos and the argument names of the stub added). Agrees with a plain version on: the worked example (``(1, 7)``, last id ``▁Tokyo``), 12 new tokens equal to the uncached plain loop token for token, eos = the first new token (``(1, 7)``), ``max_new_tokens = 0``; forward input lengths recorded ``[6, 1, 1, 1, 1]`` for 5 tokens, as the cached plain loop gives."""
    generated = input_ids
    past = None
    next_token = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            outputs = model(
                input_ids=generated if past is None else next_token,
                past_key_values=past,
                use_cache=True,
            )
            next_token = torch.argmax(outputs.logits[:, -1, :], dim=-1).unsqueeze(-1)
            generated = torch.cat([generated, next_token], dim=-1)
            past = outputs.past_key_values
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return generated


def greedy_generate__wrong_prefill_token_skips_eos_check(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the "prefill, then decode" layout of public KV-cache loops: the prompt pass gives the first token, which is appended unconditionally, and only the tokens of the decode loop (``for _ in range(1, max_new_tokens)``) are tested against ``eos_token_id``. (The public loop's other faults are not copied: ``max_new_tokens = 0`` returns the prompt, and the eos id is the argument, not ``model.config``.) Everything else is right, cache included, so the worked example and every run whose first token is not the eos pass; when the very first new token IS the eos, the loop runs on past it. Source: a public ``generate_greedy_with_kv_cache`` (prefill stage, then ``for _ in range(1, max_new_tokens)`` with the eos test inside; found by the code search, repository not named there). Violates: "If the very first new token is ``eos_token_id``, the result is the prompt plus that one token." [witness: tiny model, "The capital of Japan is" (``[[1, 415, 5565, 302, 4720, 349]]``), ``max_new_tokens = 4``, ``eos_token_id`` = the id of ``▁Tokyo``: shape ``(1, 7)`` expected, ``(1, 10)`` returned]"""
    if max_new_tokens == 0:
        return input_ids
    with torch.no_grad():
        out = model(input_ids=input_ids, use_cache=True)
        next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        generated = torch.cat([input_ids, next_token], dim=-1)
        for _ in range(1, max_new_tokens):
            out = model(input_ids=next_token, cache=out.cache, use_cache=True)
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            generated = torch.cat([generated, next_token], dim=-1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return generated
