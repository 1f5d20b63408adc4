"""Independent catalogue, round 2: submissions for exercises/sampling.py.

Written from the docstring of ``exercises/sampling.py`` only, avoiding every mistake and
every style already in round 1 (``tests/independent/sampling.py``). Every version is
self-contained (the docstring says the module must stand alone).
"""
from __future__ import annotations

import torch


def sample_generate__right_hf_warper_transcription(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: transcribes transformers' own warpers: top-k as ``scores < topk(...)[..., -1,
    None]``; top-p from an ASCENDING sort, removing tokens whose ascending cumulative
    probability is ``<= 1 - top_p`` and always keeping the last (most probable) one -- the
    same decisions as "mass above < top_p"; full recompute on a Python list of ids."""
    import math
    import numbers

    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 is greedy: argmax), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1 (or None for no top-k), got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")

    ids = input_ids[0].tolist()
    prompt_len = len(ids)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            batch = torch.tensor([ids], dtype=input_ids.dtype, device=input_ids.device)
            scores = model(input_ids=batch).logits[:, -1, :].to(torch.float32)
            scores = scores / temperature
            if top_k is not None:
                k = min(top_k, scores.shape[-1])
                indices_to_remove = scores < torch.topk(scores, k)[0][..., -1, None]
                scores = scores.masked_fill(indices_to_remove, -float("inf"))
            if top_p != 1.0:
                sorted_logits, sorted_indices = torch.sort(scores, descending=False)
                cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
                sorted_indices_to_remove = cumulative_probs <= (1 - top_p)
                sorted_indices_to_remove[..., -1:] = False
                indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
                scores = scores.masked_fill(indices_to_remove, -float("inf"))
            probs = torch.softmax(scores, dim=-1)
            token = int(torch.multinomial(probs, num_samples=1, generator=generator)[0, 0])
            ids.append(token)
            if eos_token_id is not None and token == eos_token_id:
                break
    assert len(ids) >= prompt_len
    return torch.tensor([ids], dtype=input_ids.dtype, device=input_ids.device)


def sample_generate__right_returned_cache_zeroing(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: KV cache the docstring's way (``out.cache`` fed back, one new token per step);
    top-k threshold = minimum of an UNSORTED ``topk``; nucleus counted with
    ``searchsorted`` on the descending cumsum; the tail ZEROED in the probabilities instead
    of a second softmax (the docstring's allowed alternative)."""
    import math

    if isinstance(temperature, (str, bytes, bool)) or temperature is None:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be finite and > 0 (temperature 0 is greedy decoding), got {temperature!r}")
    if top_k is not None and not top_k >= 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, (str, bytes, bool)) or top_p is None:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    try:
        tp = float(top_p)
    except (TypeError, ValueError):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}") from None
    if math.isnan(tp) or tp < 0 or tp > 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")

    sequence = input_ids
    if max_new_tokens <= 0:
        return sequence
    with torch.no_grad():
        out = model(input_ids=input_ids, use_cache=True)
        for step in range(max_new_tokens):
            logits = out.logits[:, -1, :].to(torch.float32) / t
            vocab = logits.shape[-1]
            if top_k is not None and top_k < vocab:
                kth = torch.topk(logits, int(top_k), dim=-1, sorted=False).values.amin(dim=-1, keepdim=True)
                logits = torch.where(logits < kth, torch.full_like(logits, -math.inf), logits)
            probs = torch.softmax(logits, dim=-1)
            if tp != 1.0:
                ranked, order = torch.sort(probs, dim=-1, descending=True)
                inclusive = torch.cumsum(ranked, dim=-1).contiguous()
                target = torch.full((probs.shape[0], 1), tp, dtype=inclusive.dtype, device=probs.device)
                n_keep = torch.clamp(torch.searchsorted(inclusive, target) + 1, max=vocab)
                keep_ranked = torch.arange(vocab, device=probs.device).unsqueeze(0) < n_keep
                keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
                probs = probs * keep
            next_token = torch.multinomial(probs, num_samples=1, generator=generator).to(sequence.dtype)
            sequence = torch.cat([sequence, next_token], dim=1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            if step + 1 < max_new_tokens:
                out = model(input_ids=next_token, cache=out.cache, use_cache=True)
    return sequence


def sample_generate__wrong_top_k_drops_ties(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: top-k keeps exactly the k indices ``torch.topk`` returns (scattered into a
    mask), so logits tied with the k-th are dropped arbitrarily. Same as right whenever the
    logits have no tie at the cut (the usual case with a real model). Violates: "set every
    logit smaller than the k-th largest to ``-inf`` (tokens tied with the k-th stay ...)"."""
    import math

    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not isinstance(top_p, (int, float)) or not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                idx = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).indices
                keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, idx, True)
                logits = logits.masked_fill(~keep, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_top_k_beyond_vocab_crashes(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: ``torch.topk(logits, top_k)`` without clamping ``top_k`` to the vocabulary, so
    ``top_k=50000`` on a 32000-token model raises a RuntimeError at the first step.
    Violates: "``top_k`` >= vocab changes nothing"."""
    import math

    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not isinstance(top_p, (int, float)) or not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_inverse_cdf_draw(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: draws by inverse CDF (``u = torch.rand(1, generator=generator)``, the first
    token whose cumulative probability exceeds ``u``): the right distribution, seeded and
    repeatable, but not the tokens ``torch.multinomial`` draws from the same seed.
    Violates: "draw one token: ``torch.multinomial(probs, num_samples=1,
    generator=generator)``" ("your loop must pick exactly the tokens the reference
    picks")."""
    import math

    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not isinstance(top_p, (int, float)) or not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            cdf = torch.cumsum(probs, dim=-1)
            u = torch.rand((1, 1), generator=generator, device=probs.device) * cdf[:, -1:]
            index = torch.searchsorted(cdf.contiguous(), u, right=True)
            next_token = torch.clamp(index, max=probs.shape[-1] - 1)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
