"""Fourteenth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def _sample_generate__wrong_top_k_elif_top_p_check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"sample_generate: temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"sample_generate: top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"sample_generate: top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__wrong_top_k_elif_top_p(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: follows the many tutorials that offer "top-k OR top-p": the filter step is ``if top_k is not None: ... elif top_p < 1.0: ...``, so when both are given only top-k is applied and the nucleus is never cut. Each filter alone is exactly right (temperature first, ties with the k-th kept, ``top_k`` >= vocab harmless, the ``top_p_mask`` rule, one ``multinomial`` per step with the generator), so the docstring's example (``top_p=0.9``, no top-k), the nearly greedy setting and every single-filter test pass. Violates: "Top-p (skip when ``top_p`` is 1.0): take the softmax of the logits as they are now (after top-k, so the survivors' probabilities sum to 1), find the nucleus with the rule of ``top_p_mask`` (keep a token when the probability ranked above it is below ``top_p``; the most probable one always stays), and set the other logits to ``-inf``." [witness: tiny model, ``"Once upon a time,"``, 20 new tokens, ``temperature=1.0, top_k=50, top_p=0.3``, ``torch.Generator().manual_seed(0)``: the prompt then ``[264, 18984, 18283, 356, ...]`` ("a dragon slept on a mountain of gold, ...") expected, the prompt then ``[989, 12646, 808, 575, ...]`` ("two brothers set out to find the end of the rainbow. ...") returned; with a single filter or none the ids are the expected ones]"""
    _sample_generate__wrong_top_k_elif_top_p_check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            elif top_p < 1.0:
                probs = torch.softmax(logits, dim=-1)
                ranked, order = torch.sort(probs, dim=-1, descending=True)
                keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_ranked[..., 0] = True
                keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
                logits = logits.masked_fill(~keep, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids


def _sample_generate__right_categorical_on_global_rng_check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or not temperature > 0:
        raise ValueError(f"sample_generate: temperature must be a finite number greater than 0, got {temperature!r}")
    if top_k is not None and not top_k >= 1:
        raise ValueError(f"sample_generate: top_k must be None or at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not 0 <= top_p <= 1:
        raise ValueError(f"sample_generate: top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__right_categorical_on_global_rng(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: with ``generator=None`` it draws with ``torch.distributions.Categorical(logits=filtered).sample()`` on torch's global generator (``Categorical.sample`` takes no generator, so a seeded one goes to ``torch.multinomial(softmax(filtered), 1, generator=generator)`` instead). ``Categorical`` normalises the logits with ``logsumexp``, takes their softmax and calls ``torch.multinomial(probs, 1, True)``; for one sample, with or without replacement, torch draws by the same exponential race, so under ``torch.manual_seed(s)`` the ids equal the docstring's ``multinomial`` call's. Filtering works in log space on a list of the ids so far: top-k by ``torch.kthvalue`` of the negated logits, top-p by an exclusive cumulative sum of the sorted probabilities, both written with ``torch.where``; the output tensor is rebuilt from the list on ``input_ids.device``."""
    _sample_generate__right_categorical_on_global_rng_check(temperature, top_k, top_p)
    ids = input_ids[0].tolist()
    neg_inf = torch.tensor(float("-inf"))
    with torch.no_grad():
        for _ in range(max_new_tokens):
            step = torch.tensor([ids], dtype=torch.int64, device=input_ids.device)
            z = model(input_ids=step).logits[0, -1].float() / temperature
            vocab = z.shape[-1]
            if top_k is not None and top_k < vocab:
                kth = -torch.kthvalue(-z, top_k).values
                z = torch.where(z < kth, neg_inf.to(z.device), z)
            if top_p != 1.0:
                p = torch.softmax(z, dim=-1)
                ranked, order = torch.sort(p, descending=True)
                mass_above = torch.cumsum(ranked, dim=0) - ranked
                keep_ranked = torch.where(torch.arange(vocab, device=z.device) == 0, True, mass_above < top_p)
                keep = torch.empty_like(keep_ranked)
                keep[order] = keep_ranked
                z = torch.where(keep, z, neg_inf.to(z.device))
            if generator is None:
                token = int(torch.distributions.Categorical(logits=z).sample())
            else:
                token = int(torch.multinomial(torch.softmax(z, dim=-1).unsqueeze(0), 1, generator=generator))
            ids.append(token)
            if eos_token_id is not None and token == eos_token_id:
                break
    return torch.tensor([ids], dtype=torch.int64, device=input_ids.device)
