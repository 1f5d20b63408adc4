r"""Reference: per-token logprobs with their top alternatives, in OpenAI's logprobs shape.

Seed 000 shows what a chat-completion API returns with ``logprobs=True``: one record per
generated token, ``ChatCompletionTokenLogprob(token, bytes, logprob, top_logprobs)``. Here the
same records are computed from a causal LM of our own:

- ``logprob`` of the token at position ``t`` is ``log_softmax`` of the logits the model gives at
  position ``t - 1`` (the position that *predicts* ``t``), from one forward pass over the whole
  sequence, in float32, at temperature 1 — the model's own distribution, not the (possibly
  sharpened or flattened) distribution a token was sampled from.
- ``bytes`` is what the token contributes to the UTF-8 text (``reference.tokens.piece_bytes``):
  a ``▁`` word marker is a space, a byte-fallback piece ``<0xE6>`` is the single byte 0xE6,
  and a special token (``<s>``, ``</s>``, ``<unk>``) is no bytes at all (``token`` is ``""``).
  So 曇, which Mistral's vocabulary spells ``<0xE6><0x9B><0x87>``, arrives as three records of
  one byte each, the same kind of partial UTF-8 as seed 000's ``[230, 155]`` then ``[135]``.
- ``token`` is ``bytes`` decoded as UTF-8, with bytes that are not valid UTF-8 on their own
  written as a backslash escape: ``"\\xe6"`` (the four characters ``\``, ``x``, ``e``, ``6``),
  which is how seed 000's API writes ``'\\xe6\\x9b'``. Python's ``errors="backslashreplace"``
  does exactly this. ``tokenizer.decode([id])`` is *not* used: it drops the leading space of a
  ``▁`` piece and turns a lone byte into ``"\ufffd"`` (``�``).

Cross-checked in ``tests/test_reference_logprobs.py`` against ``model.generate(...,
output_logits=True, return_dict_in_generate=True)`` with ``model.compute_transition_scores(...,
normalize_logits=True)``.
"""
from __future__ import annotations

import math
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase


def token_record(tokenizer: PreTrainedTokenizerBase, token_id: int, logprob: float) -> dict[str, Any]:
    """``{"token", "bytes", "logprob"}`` for one token id (see the module docstring)."""
    from reference.tokens import piece_bytes  # another course step; imported when first needed

    raw = piece_bytes(tokenizer.convert_ids_to_tokens(int(token_id)))
    return {
        "token": raw.decode("utf-8", errors="backslashreplace"),
        "bytes": list(raw),
        "logprob": float(logprob),
    }


@torch.no_grad()
def completion_logprobs(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """One record per generated token of ``sequence``, in ``ChatCompletionTokenLogprob`` shape.

    Args:
        sequence: ``(1, T)`` token ids on the model's device: the prompt, then the completion.
        prompt_length: ``P``, how many leading ids are the prompt (``1 <= P <= T``).
        top_n: how many alternatives per position, most probable first (``>= 0``; more than the
            vocabulary gives the whole vocabulary).

    Returns:
        ``T - P`` dicts ``{"token": str, "bytes": list[int], "logprob": float,
        "top_logprobs": [{"token", "bytes", "logprob"}, ...]}``, for positions ``P .. T-1``.

    Raises ``ValueError`` for a sequence that is not ``(1, T)``, a ``prompt_length`` outside
    ``[1, T]`` (the first token has no position before it to predict it) or a negative ``top_n``.
    """
    if sequence.dim() != 2 or sequence.shape[0] != 1:
        raise ValueError(f"sequence must have shape (1, T), got {tuple(sequence.shape)}")
    length = sequence.shape[1]
    if not 1 <= prompt_length <= length:
        raise ValueError(f"prompt_length must be between 1 and {length} (the sequence length), got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    logits = model(input_ids=sequence).logits[0].float()  # (T, vocab)
    top_n = min(top_n, logits.shape[-1])
    # Row t - 1 predicts token t: keep the rows that predict the completion.
    logprobs = torch.log_softmax(logits[prompt_length - 1 : length - 1], dim=-1).cpu()
    chosen = sequence[0, prompt_length:].cpu()
    records = []
    for row, token_id in zip(logprobs, chosen.tolist()):
        record = token_record(tokenizer, token_id, row[token_id].item())
        best = torch.topk(row, top_n, sorted=True)
        record["top_logprobs"] = [
            token_record(tokenizer, alternative, value)
            for value, alternative in zip(best.values.tolist(), best.indices.tolist())
        ]
        records.append(record)
    return records


@torch.no_grad()
def generate_with_logprobs(
    backend_model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float,
    top_n: int,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, list[dict[str, Any]]]:
    """Generate a completion, then report its logprobs: what seed 000's API returns.

    ``temperature == 0``: greedy, exactly ``backend_model.generate(prompt_ids, do_sample=False,
    max_new_tokens=..., eos_token_id=tokenizer.eos_token_id)``.
    ``temperature > 0``: plain temperature sampling (no top-k, no top-p) with
    :func:`reference.sampling.sample_generate` and ``generator`` (on the model's device): the
    tokens of ``generate(do_sample=True, temperature=T, top_k=None, top_p=1.0)`` after
    ``torch.manual_seed(seed)`` when ``generator`` is seeded with the same ``seed``.
    Both stop after ``tokenizer.eos_token_id`` (kept) or ``max_new_tokens`` tokens.

    The logprobs are the model's own distribution (temperature 1) whatever temperature the
    tokens were drawn at, so a token sampled at a high temperature shows how unlikely the
    model found it.

    Returns ``(sequence (1, T + n), records)`` with ``records`` as :func:`completion_logprobs`.
    """
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0 (0 = greedy), got {temperature}")
    prompt_length = prompt_ids.shape[1]
    eos = tokenizer.eos_token_id
    if temperature == 0:
        sequence = backend_model.generate(
            prompt_ids,
            attention_mask=torch.ones_like(prompt_ids),
            do_sample=False,
            max_new_tokens=max_new_tokens,
            eos_token_id=eos,
            pad_token_id=eos,
        )
    else:
        from reference.sampling import sample_generate

        sequence = sample_generate(backend_model, prompt_ids, max_new_tokens, temperature=temperature,
                                   generator=generator, eos_token_id=eos)
    return sequence, completion_logprobs(backend_model, tokenizer, sequence, prompt_length, top_n)
