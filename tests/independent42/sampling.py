"""Forty-second examiner: sampling.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _check_knobs(temperature, top_k, top_p):
    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise ValueError("temperature must be a finite number > 0 (0 would be greedy: use argmax)")
    if not (math.isfinite(float(temperature)) and float(temperature) > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1 (or None for no top-k), got {top_k!r}")
    if isinstance(top_p, (str, bytes)) or top_p is None:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    if not (0.0 <= float(top_p) <= 1.0):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__right_nanogpt_crops_to_block_size(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise: a sequence past the model's context, ``max_position_embeddings``, is not graded, as the docstring now says, and this entry, which differs only there, holds that promise: a hidden test that went past it would take its points; see the README's "Graded through decodelab grade"). As written by the examiner -- WRONG: nanoGPT's ``generate`` kept line for line, with its first line too: "if the sequence context is growing too long we must crop it at block_size", ``idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]``, where ``block_size`` is GPT-2's ``config.n_positions`` or, for a Mistral config, ``max_position_embeddings`` (the tiny model's 512; a config with neither -- the grader's toy -- gets no crop). Everything else is right: the ``ValueError`` checks, float32 logits of the last position, temperature, top-k with ties, top-p after them, ``softmax``, ``multinomial(..., generator=generator)``, eos kept. Below 512 tokens nothing is cropped, so the worked example and every short prompt draw plain's tokens; once prompt plus new tokens pass 512, the model no longer reads the ``<s>`` and the start of the prompt (a rotary model has no learned positions that end there: Mistral's card gives 32k, the tiny model reads 600 tokens as well as 500), so the draws change. Violates: "1. Run the model on the sequence so far and take the logits of the LAST position" [witness: tiny model, a 508-token prompt (the "Once upon a time," story repeated), 24 new tokens, ``temperature=1.0``, seeds 0..4 -> 4 of 5 sequences differ from plain's, first at positions 515, 514, 514 and 523 (the crop starts at 512; seed 3 happens to draw the same); plain reads the whole sequence. Passes: the worked example ``(1, T + 20)`` equal to plain and repeatable, the toy with eos and ``top_k``/``top_p``, 6 ``ValueError``s (checks/check_entries.log).]"""
    _check_knobs(temperature, top_k, top_p)
    cfg = getattr(model, "config", None)
    block_size = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None)
    idx = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            # if the sequence context is growing too long we must crop it at block_size
            idx_cond = idx if block_size is None or idx.size(1) <= block_size else idx[:, -block_size:]
            logits = model(input_ids=idx_cond).logits[:, -1, :].float()
            logits = logits / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits = logits.masked_fill(logits < v[:, [-1]], -float("Inf"))
            if top_p != 1.0:
                sp, si = torch.sort(F.softmax(logits, dim=-1), dim=-1, descending=True)
                drop_sorted = (torch.cumsum(sp, dim=-1) - sp) >= top_p
                drop_sorted[..., 0] = False
                drop = drop_sorted.scatter(-1, si, drop_sorted)
                logits = logits.masked_fill(drop, -float("Inf"))
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)
            idx = torch.cat((idx, idx_next.to(idx.dtype)), dim=1)
            if eos_token_id is not None and idx_next.item() == eos_token_id:
                break
    return idx


def sample_generate__right_nanogpt_loop_details_kept(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: nanoGPT's ``generate`` loop shape, with every detail the docstring adds: the checks first; ``for _ in range(max_new_tokens)``; NO crop (the model reads ``idx`` whole); ``logits = model(idx).logits`` called positionally as nanoGPT does, ``logits[:, -1, :]`` cast to float32 and divided by the temperature; nanoGPT's in-place top-k cut ``v, _ = torch.topk(logits, min(top_k, logits.size(-1)))``, ``logits[logits < v[:, [-1]]] = -float('Inf')`` (ties with the k-th kept, on a private clone); top-p from the ``softmax`` of what is left, the old transformers ``top_k_top_p_filtering`` shape (sort descending, ``cumsum``, shift the removal one place right, first token never removed, ``scatter`` back along ``dim=-1``) with the docstring's strict rule (mass above ``>= top_p`` removed); ``F.softmax``, ``torch.multinomial(probs, num_samples=1, generator=generator)``, ``torch.cat((idx, idx_next), dim=1)``, a break after an appended eos; under ``@torch.no_grad()`` on an inner function. Agrees with a plain version on: the tiny model's worked example (seed 0, ``temperature=1.4, top_p=0.9``, 20 tokens) and 4 settings x 5 seeds (``top_k`` 5/50, ``top_p`` 0.2/0.9/0, temperatures 0.2-1.4), ``generator=None`` after ``torch.manual_seed`` x 3, a 4-id toy with eos x 20 seeds, a bfloat16 toy x 10 seeds, ``top_k`` >= vocab, and 6 ``ValueError``s (checks/check_entries.log)."""
    _check_knobs(temperature, top_k, top_p)

    @torch.no_grad()
    def _generate(idx):
        for _ in range(max_new_tokens):
            logits = model(idx).logits
            logits = logits[:, -1, :].float().clone() / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            if top_p < 1.0:
                sorted_logits, sorted_indices = torch.sort(logits, descending=True)
                cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
                sorted_indices_to_remove = cumulative_probs >= top_p
                sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
                sorted_indices_to_remove[..., 0] = False
                indices_to_remove = sorted_indices_to_remove.scatter(-1, sorted_indices, sorted_indices_to_remove)
                logits[indices_to_remove] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)
            idx = torch.cat((idx, idx_next.to(idx.dtype)), dim=1)
            if eos_token_id is not None and idx_next.item() == eos_token_id:
                break
        return idx

    return _generate(input_ids)
