"""Twenty-fourth examiner: sampling.py entries (vLLM sampler habits)."""
from __future__ import annotations

import math

import torch


def sample_generate__wrong_vllm_sampling_eps_greedy(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: ports vLLM's ``_SAMPLING_EPS = 1e-5`` (``if temperature < _SAMPLING_EPS``: greedy, ``argmax`` of the logits, no draw), keeping the docstring's validation (a temperature that is not a finite number > 0, ``top_k < 1``, ``top_p`` outside [0, 1] or not a number raise ``ValueError``). So a valid positive temperature below 1e-5 never samples: each step takes the first argmax and never calls ``torch.multinomial``. At every temperature of 1e-5 and above it follows the six steps exactly (float32 logits, divide by ``T``, top-k with ties, top-p on the softmax after them, softmax, one ``multinomial`` draw with the generator, stop after eos), so the worked example (``T = 1.4, top_p = 0.9``, seed 0: ``(1, T + 20)``, repeatable) gives the plain version's ids. Not the earlier ``..._wrong_zero_temperature_is_greedy`` (which accepts ``T = 0``): here 0 raises, the error is in the small positive temperatures, where the distribution is sharp but still a distribution. The docstring makes only temperature 0 greedy ("temperature 0 is greedy decoding: argmax, not sampling") and raises for it; every positive temperature samples, and the draw, with the generator, is what is compared. Violates: "with a seeded generator the draw is repeatable, so your loop must pick exactly the tokens the reference picks" [witness: a toy module whose last-position logits are always ``[2.0, 2.0, 0.0, -1.0]`` (a tie at the top), prompt ``[[0]]``, 1 new token, ``temperature=1e-6``, seeds 0..39: WRONG always appends id 0; plain draws id 0 or 1 (id 1 on 20 of the 40 seeds, where it differs from WRONG).]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    sampling_eps = 1e-5
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32)
            if temperature < sampling_eps:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    pivot = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                    logits = torch.where(logits < pivot, float("-inf"), logits)
                if top_p != 1.0:
                    probs = torch.softmax(logits, dim=-1)
                    probs_sort, order = torch.sort(probs, dim=-1, descending=True, stable=True)
                    keep_sorted = torch.cumsum(probs_sort, dim=-1) - probs_sort < top_p
                    keep_sorted[..., 0] = True
                    keep = keep_sorted.scatter(-1, order, keep_sorted)
                    logits = logits.masked_fill(~keep, float("-inf"))
                probs = torch.softmax(logits, dim=-1)
                nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt[0, 0]) == eos_token_id:
                break
    return ids


def sample_generate__right_vllm_joint_sorted_top_k_top_p(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: vLLM's sampler as the loop body. The three knobs are checked first (the docstring's ``ValueError``s). Each step: the last position's logits cast to float32 on a private copy (``.to(torch.float32, copy=True)``) and divided by ``T`` in place (vLLM's ``logits.div_(temp)``); then, when ``top_p < 1``, vLLM's ``apply_top_k_top_p`` in one ASCENDING sort: the top-k threshold is the sorted row's entry at ``vocab - k`` (``k`` clamped to the vocabulary), every sorted logit below it is filled with ``-inf`` (ties kept), the softmax of the sorted, filtered row is cumulated from the least probable token up, positions whose total is ``<= 1 - top_p`` are filled with ``-inf`` except the last (most probable) one, and the row is scattered back to vocabulary order; when ``top_p == 1`` only top-k runs (vLLM's ``apply_top_k_only``: ``masked_fill_(logits < topk(...).values[..., -1:], -inf)``). So the filters act after the temperature, and top-p on the distribution after top-k, as the docstring orders; a token survives exactly when the plain version keeps it, with its tempered logit unchanged, so the final softmax and the one ``multinomial`` draw with the generator are the same numbers. Stops after appending ``eos_token_id``. Agrees with a plain version on: the worked example (tiny model, "Once upon a time,", 20 tokens, ``T = 1.4, top_p = 0.9``, seed 0) and the tiny model at (T, top_k, top_p) = (1.0, None, 1.0), (0.7, 40, 1.0), (1.3, 50, 0.8), (0.2, None, 0.2), (1.0, 5, 0.0), (1.0, 32005, 0.95), 12 new tokens, seeds 0..2 each, eos 2 and None: identical ids; the ``ValueError`` cases (T 0, -1, inf, nan; top_k 0; top_p 1.5, nan, "0.5")."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32, copy=True)
            logits.div_(temperature)
            vocab = logits.shape[-1]
            if top_p != 1.0:
                logits_sort, logits_idx = logits.sort(dim=-1, descending=False)
                if top_k is not None:
                    k = min(top_k, vocab)
                    index = torch.full_like(logits_idx[..., :1], vocab - k)
                    threshold = logits_sort.gather(-1, index)
                    logits_sort.masked_fill_(logits_sort < threshold, float("-inf"))
                probs_sum = logits_sort.softmax(dim=-1).cumsum(dim=-1)
                top_p_mask = probs_sum <= 1 - top_p
                top_p_mask[..., -1] = False
                logits_sort.masked_fill_(top_p_mask, float("-inf"))
                logits = logits_sort.scatter(-1, logits_idx, logits_sort)
            elif top_k is not None:
                kth = logits.topk(min(top_k, vocab), dim=-1).values[..., -1:]
                logits.masked_fill_(logits < kth, float("-inf"))
            probs = logits.softmax(dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_llamacpp_truncated_candidates(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: ports llama.cpp's candidate array, which its samplers truncate (``cur_p->size = k`` after top-k, ``= last_idx`` after top-p) so that later samplers and the final ``dist`` draw see only the survivors. The knobs are checked as the docstring says; each step takes the float32 last-position logits, divides by ``T``, applies top-k (ties kept, ``k`` clamped) and top-p (on the softmax after top-k, the ``top_p_mask`` rule) as ``-inf`` fills, exactly as the steps say; then it keeps only the surviving tokens, in VOCABULARY order (``nonzero``), takes the softmax of their logits and draws with ``torch.multinomial(..., num_samples=1, generator=generator)`` from that short row, mapping the position back to its id; stops after eos. Each token is drawn with the right probability and the same seed repeats, and with no filter (``top_k=None, top_p=1.0``) the candidates are the whole vocabulary, so the draws are the plain version's; the worked example (``T = 1.4, top_p = 0.9``, seed 0) gives ``(1, T + 20)`` ids, repeatable. But ``multinomial`` on a shorter row spends and pairs its random numbers differently, so with a filter the tokens are not the reference's. Violates: "with a seeded generator the draw is repeatable, so your loop must pick exactly the tokens the reference picks" [witness: tiny model, "Once upon a time,", ``temperature=1.4, top_p=0.9``, 20 tokens, seed 0: the very first new token differs: WRONG id 297 (``in a small village, ...``), plain id 989 (``two brothers set out ...``); with ``top_k=40``, 8 tokens, seeds 0..9: 9 of 10 differ; with no filter, seeds 0..4, 8 tokens, all 5 equal plain.]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[0, -1, :].to(torch.float32) / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[-1]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                probs_sort, order = torch.sort(probs, descending=True, stable=True)
                keep_sorted = torch.cumsum(probs_sort, dim=-1) - probs_sort < top_p
                keep_sorted[0] = True
                keep = keep_sorted.scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            candidates = (logits > float("-inf")).nonzero()[:, 0]
            cand_probs = torch.softmax(logits[candidates], dim=-1)
            pick = torch.multinomial(cand_probs, num_samples=1, generator=generator)
            nxt = candidates[pick].view(1, 1)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
