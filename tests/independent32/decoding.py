"""Thirty-second examiner: decoding.py entries (KV-cache loops written every way)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from transformers import DynamicCache

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_out_getitem(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop with the output read by key, ``out["cache"]`` and ``out["logits"]`` (a transformers ``ModelOutput`` is also a mapping), feeding the prompt first and then only the newest token with ``cache=``/``use_cache=True``; argmax of the last position, append, stop after the eos, inside ``torch.no_grad()``. Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: first grading 8/10, ``test_greedy_stops_after_eos`` 0/2 with ``KeyError: 'cache'`` (the grader's toy model answered with an object that has no ``["cache"]``, not a rule of the docstring); regrade on the current code 10/10, bonus ``test_bonus_greedy_reuses_the_kv_cache`` 1/1.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out["cache"]
            logits = out["logits"]
            nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__right_return_dict_false_tuple_unpack(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop with ``return_dict=False``: ``logits, cache = model(input_ids=feed, cache=cache, use_cache=True, return_dict=False)[:2]`` (the plain tuple is ``(logits, cache)`` when no labels are given), feed = the prompt, then the newest token. Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: first grading 8/10, ``test_greedy_stops_after_eos`` 0/2 with ``ValueError: not enough values to unpack (expected 2, got 1)`` (the grader's toy ignored ``return_dict=False``); regrade on the current code 10/10, bonus 1/1.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits, cache = model(input_ids=feed, cache=cache, use_cache=True, return_dict=False)[:2]
            nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__right_inputs_embeds_via_get_input_embeddings(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop fed through the embedding layer: ``emb = model.get_input_embeddings()(feed)``, then ``model(inputs_embeds=emb, cache=cache, use_cache=True)``; the same forward pass as ``input_ids=feed`` on a transformers causal LM, the prompt first and then only the newest token. Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." (the bonus names ``input_ids=``, but the grade is "the tokens and the forward passes"). [witness: ``decodelab grade --backend tiny``, greedy alone: first grading 7/10, ``test_greedy_stops_after_eos`` 0/2 and ``test_bonus_greedy_reuses_the_kv_cache`` 0/1 with ``AttributeError: 'BigramModel' object has no attribute 'get_input_embeddings'`` (and ``'KeptToy'``: the grader's toys, not a real LM); regrade on the current code 10/10.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            emb = model.get_input_embeddings()(feed)
            out = model(inputs_embeds=emb, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__right_legacy_past_key_values_name(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop under the old names, ``past_key_values=`` in and ``out.past_key_values`` out (prompt first, then ``generated[:, -1:]``). Follows "The old name still works until 5.40 (with a deprecation warning) ... (The old name is not graded while it works: the grade is the tokens and the forward passes, not the warning.)" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    generated = input_ids
    past_key_values = None
    with torch.no_grad():
        for step in range(max_new_tokens):
            if past_key_values is None:
                out = model(input_ids=generated, use_cache=True)
            else:
                out = model(input_ids=generated[:, -1:], past_key_values=past_key_values, use_cache=True)
            past_key_values = out.past_key_values
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            generated = torch.cat([generated, next_token], dim=-1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return generated


def greedy_generate__right_dynamiccache_made_up_front(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: builds an empty ``transformers.DynamicCache()`` before the loop and passes it from the first (prompt) pass on, taking ``out.cache`` back each step and feeding only the newest token after the prompt. Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." (the model fills the empty cache during the prompt pass, as with ``cache=None``). [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    cache = DynamicCache()
    seq = input_ids
    step_in = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_in, cache=cache, use_cache=True)
            cache = out.cache
            tok = out.logits[:, -1, :].argmax(-1, keepdim=True)
            seq = torch.cat([seq, tok], dim=-1)
            if eos_token_id is not None and int(tok) == eos_token_id:
                break
            step_in = tok
    return seq


def greedy_generate__right_dynamiccache_with_config(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: as the entry above, but the cache is ``DynamicCache(config=model.config)`` (layer types from the model's config, as ``generate`` builds it). Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    cache = DynamicCache(config=model.config)
    seq = input_ids
    step_in = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_in, cache=cache, use_cache=True)
            cache = out.cache
            tok = out.logits[:, -1, :].argmax(-1, keepdim=True)
            seq = torch.cat([seq, tok], dim=-1)
            if eos_token_id is not None and int(tok) == eos_token_id:
                break
            step_in = tok
    return seq


def greedy_generate__right_extra_unused_pass_each_step(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: prompt pass before the loop; each step takes the argmax of the logits it already has, appends, stops after the eos, and only then runs the newest token on ``cache=out.cache`` to get the NEXT step's logits, so after the ``max_new_tokens``-th token one forward pass runs whose logits go unused (wasted work, same tokens); ``max_new_tokens <= 0`` returns the prompt before any pass. Follows "3. append it; stop if its id equals ``eos_token_id`` (it stays in the output), or once ``max_new_tokens`` tokens have been added" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1 (the extra pass feeds one token on top of the cache, as the test wants).]"""
    if max_new_tokens <= 0:
        return input_ids
    with torch.no_grad():
        out = model(input_ids=input_ids, use_cache=True)
        ids = input_ids
        for _ in range(max_new_tokens):
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            # prepare the logits for the next step (the last one goes unused)
            out = model(input_ids=nxt, cache=out.cache, use_cache=True)
    return ids


def greedy_generate__right_prefill_outside_loop(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the prompt's pass and the first token outside the loop (``max_new_tokens == 0`` returns the prompt, a first-token eos returns at once), then ``for _ in range(max_new_tokens - 1)`` feeding only ``nxt`` with ``cache=cache``. Follows "``max_new_tokens = 0`` returns the prompt as it is", "If the very first new token is ``eos_token_id``, the result is the prompt plus that one token" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, ``test_greedy_with_zero_and_one_new_tokens`` 1/1, bonus 1/1.]"""
    ids = input_ids
    if max_new_tokens == 0:
        return ids
    with torch.no_grad():
        out = model(input_ids=input_ids, use_cache=True)
        cache = out.cache
        nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=-1)
        if eos_token_id is not None and nxt.item() == eos_token_id:
            return ids
        for _ in range(max_new_tokens - 1):
            out = model(input_ids=nxt, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__right_logits_to_keep_one(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop with ``logits_to_keep=1``: the model computes the head for the last position only, so ``out.logits`` is ``(1, 1, vocab)`` and ``[:, -1, :]`` is still the last position. Follows "1. run the model on the ids so far and take the logits of the LAST position" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True, logits_to_keep=1)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__right_cache_position_from_get_seq_length(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop with an explicit ``cache_position = torch.arange(start, start + feed.shape[1])``, ``start = 0`` before the first pass and ``cache.get_seq_length()`` after (the number of cached positions), i.e. the positions the model would infer itself. Follows the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            start = 0 if cache is None else cache.get_seq_length()
            cp = torch.arange(start, start + feed.shape[1], device=feed.device)
            out = model(input_ids=feed, cache=cache, use_cache=True, cache_position=cp)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__right_python_list_then_tensor_on_device(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: keeps the ids as a Python list (``input_ids[0].tolist()``), feeds the prompt and then ``torch.tensor([[t]], dtype=input_ids.dtype, device=input_ids.device)`` with the cache, and returns ``torch.tensor([tokens], dtype=torch.long, device=input_ids.device)``; ``t == eos_token_id`` is never true for ``None``. Follows "returns: ``(1, T + n)`` int64 on the same device" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, bonus 1/1.]"""
    tokens = input_ids[0].tolist()
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out.cache
            t = int(out.logits[0, -1].argmax())
            tokens.append(t)
            if t == eos_token_id:
                break
            feed = torch.tensor([[t]], dtype=input_ids.dtype, device=input_ids.device)
    return torch.tensor([tokens], dtype=torch.long, device=input_ids.device)


def greedy_generate__right_inference_mode(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: the KV-cache loop under ``torch.inference_mode()`` instead of ``torch.no_grad()`` (no graph either; the returned ids are inference tensors, which the caller only reads). Follows "Building a gradient graph for nothing: wrap the loop in ``torch.no_grad()``" in spirit and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 10/10 in the first grading and 10/10 on the regrade, ``test_greedy_builds_no_gradient_graph`` 1/1, bonus 1/1.]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__wrong_cache_saved_never_passed_back(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: thinks it uses the KV cache: ``use_cache=True`` and ``cache = out.cache`` each step, but every call is ``model(input_ids=ids, use_cache=True)`` on the whole sequence and the saved cache is never passed back in. Tokens are right (it is the plain loop); every step recomputes the whole sequence. Violates the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 9/10 in the first grading and on the regrade; lost only ``test_bonus_greedy_reuses_the_kv_cache`` 0/1: prompt ``[[1, 5713, 3714, 264, 727, 28725]]``, ``max_new_tokens=6``, "forward pass 2 fed 7 positions with 0 cached" (passes fed ``[6, 7, 8, 9, 10, 11]``, the cached loop feeds 6 then 1 each).]"""
    ids = input_ids
    cache = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=ids, use_cache=True)
            cache = out.cache   # kept, but never passed back in
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_fresh_dynamiccache_each_step(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: makes a new empty ``DynamicCache()`` at every step and passes it with the FULL sequence (``model(input_ids=ids, cache=cache, use_cache=True)``); the cache is filled and thrown away, never reused. Tokens right, no work saved. Violates the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 9/10 in the first grading and on the regrade; lost only ``test_bonus_greedy_reuses_the_kv_cache`` 0/1: "forward pass 2 fed 7 positions with 0 cached" (passes fed ``[6, 7, 8, 9, 10, 11]``).]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            cache = DynamicCache()
            out = model(input_ids=ids, cache=cache, use_cache=True)
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_full_sequence_and_the_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: passes the cache back (``cache=out.cache``) but still feeds the whole sequence ``ids`` each step, so from the second pass the model reads the prompt twice (7 positions on top of 6 cached, at positions 6 to 12) and predicts the token after a repeated text. Violates "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 2/10 in the first grading and on the regrade (the same tests lost): ``test_greedy_matches_generate`` 0/3 ("The capital of Japan is", eos 2: "new token 2 is 415, expected 2"), ``test_greedy_matches_generate_without_bos`` 0/1 (7 of 12 new tokens differ), ``test_greedy_stops_after_eos`` 0/2, ``test_greedy_output_is_the_prompt_then_new_ids`` 0/1 (3 of 5 differ), bonus 0/1 ("forward pass 2 fed 7 positions with 6 cached"); kept ``test_greedy_with_zero_and_one_new_tokens`` and ``test_greedy_builds_no_gradient_graph``.]"""
    ids = input_ids
    cache = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=ids, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_all_new_tokens_on_the_prompt_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: keeps the prompt's cache as ``prompt_cache`` and at each later step feeds ALL the generated tokens ``ids[:, T:]`` on top of it, believing the prompt cache stays the prompt's. But ``DynamicCache`` grows in place: every call appends what it was fed, so the generated tokens pile up again and again (pass 3 feeds 2 tokens on top of 7 cached, one of them already there). Violates "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 2/10 in the first grading and on the regrade (the same tests lost): ``test_greedy_matches_generate`` 0/3 (prompt ``[[1, 5713, 3714, 264, 727, 28725]]``: "new token 6 is 10660, expected 302", 5 of 12 differ), ``test_greedy_matches_generate_without_bos`` 0/1 (9 of 12), ``test_greedy_stops_after_eos`` 0/2 (9 of 12), ``test_greedy_output_is_the_prompt_then_new_ids`` 0/1 (2 of 5), bonus 0/1 ("forward pass 3 fed 2 positions with 7 cached", passes fed ``[6, 1, 2, 3, 4, 5]``).]"""
    ids = input_ids
    T = input_ids.shape[1]
    with torch.no_grad():
        if max_new_tokens == 0:
            return ids
        out = model(input_ids=input_ids, use_cache=True)
        prompt_cache = out.cache
        nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=-1)
        for _ in range(max_new_tokens - 1):
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            # feed every generated token on top of the prompt's cache
            out = model(input_ids=ids[:, T:], cache=prompt_cache, use_cache=True)
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
    return ids


def greedy_generate__wrong_last_two_tokens_with_the_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: an off-by-one slice: after the prompt pass it feeds ``ids[:, -2:]`` with the cache, so the token before the newest one (already cached) is added a second time at every step and each prediction sees a duplicated token. Violates "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" and the Bonus: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt; ... From then on feed ONLY the newest token, ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new ``out.cache`` each time." [witness: ``decodelab grade --backend tiny``, greedy alone: 2/10 in the first grading and on the regrade (the same tests lost): ``test_greedy_matches_generate`` 0/3 (prompt ``[[1, 5713, 3714, 264, 727, 28725]]``: "new token 1 is 1741, expected 18984", 11 of 12 differ), ``test_greedy_matches_generate_without_bos`` 0/1 (8 of 12), ``test_greedy_stops_after_eos`` 0/2 (9 of 12), ``test_greedy_output_is_the_prompt_then_new_ids`` 0/1 (2 of 5), bonus 0/1 ("the tokens are not right yet, so the cache is not checked").]"""
    ids = input_ids
    cache = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            feed = ids if cache is None else ids[:, -2:]   # off-by-one slice
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_position_ids_restart_at_zero(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: feeds the prompt, then only the newest token with the cache (the right pattern), but passes ``position_ids = torch.arange(feed.shape[1])`` computed from the fed chunk alone: every new token is placed at position 0 instead of after the cached positions (the rotary embedding sees the wrong position). Violates "Your output must equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``" and "1. run the model on the ids so far". [witness: ``decodelab grade --backend tiny``, greedy alone: 2/10 in the first grading and 2/10 on the regrade: ``test_greedy_matches_generate`` 0/3 ("The capital of Japan is", eos 2: "new token 1 is 349, expected 28723"), ``test_greedy_matches_generate_without_bos`` 0/1 (7 of 12 differ), ``test_greedy_stops_after_eos`` 0/2, ``test_greedy_output_is_the_prompt_then_new_ids`` 0/1 (4 of 5 differ), bonus 0/1 (not checked while the tokens are wrong).]"""
    ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            # position_ids computed from the fed chunk only: restarts at 0 each step
            pos = torch.arange(feed.shape[1], device=feed.device).unsqueeze(0)
            out = model(input_ids=feed, position_ids=pos, cache=cache, use_cache=True)
            cache = out.cache
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
            feed = nxt
    return ids


def greedy_generate__wrong_returns_cpu(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: a right KV-cache loop on a Python list of ids (the newest token fed as ``torch.tensor([[t]], device=input_ids.device)``), but the result is ``torch.tensor([tokens])``: int64, on the CPU whatever ``model.device`` is. Violates "returns: ``(1, T + n)`` int64 on the same device". It cannot be caught on a CPU-only machine: there the CPU IS the model's device and the tokens and forward passes are right; it shows only with the model on a GPU. [witness: ``decodelab grade --backend tiny``, greedy alone (CPU): 10/10 in the first grading and on the regrade, every test passed including the bonus; not caught here.]"""
    tokens = input_ids[0].tolist()
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True)
            cache = out.cache
            t = int(out.logits[0, -1].argmax())
            tokens.append(t)
            if t == eos_token_id:
                break
            feed = torch.tensor([[t]], device=input_ids.device)
    return torch.tensor([tokens])          # forgets the device
