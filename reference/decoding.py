"""Reference: greedy decoding, by transformers' own ``generate``.

``model.generate(do_sample=False)`` is plain greedy only when nothing else is switched on:
``generate`` fills every setting the caller leaves unset from ``model.generation_config``
(the checkpoint's ``generation_config.json``), and a checkpoint may carry a repetition
penalty, ``no_repeat_ngram_size``, suppressed or forced tokens, a ``min_length`` or its own
``eos_token_id`` — each of which changes the tokens. So the reference runs ``generate`` with
the library's defaults in place of the checkpoint's (a fresh :class:`GenerationConfig`): the
only stop is ``eos_token_id`` as given here, and no logits processor runs. (transformers 5's
``top_k=50`` default is a sampling warper; with ``do_sample=False`` it is not applied.)
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch
from transformers import GenerationConfig, PreTrainedModel


@contextmanager
def _library_defaults(model: PreTrainedModel) -> Iterator[None]:
    saved = model.generation_config
    model.generation_config = GenerationConfig()
    try:
        yield
    finally:
        model.generation_config = saved


def _check_arguments(input_ids: torch.Tensor, max_new_tokens: int) -> None:
    if input_ids.dim() != 2 or input_ids.shape[0] != 1:
        raise ValueError(f"input_ids must have shape (1, T), got {tuple(input_ids.shape)}")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be an integer >= 0, got {max_new_tokens!r}")


@torch.no_grad()
def greedy_generate(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """The prompt followed by the most probable next token at each step: ``(1, T)`` -> ``(1, T + n)``.

    Stops after appending ``eos_token_id`` (kept) or after ``max_new_tokens`` new tokens;
    ``max_new_tokens=0`` returns a copy of the prompt (``generate`` itself refuses 0).
    """
    return greedy_with_logits(model, input_ids, max_new_tokens, eos_token_id)[0]


@torch.no_grad()
def greedy_with_logits(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Greedy ids as :func:`greedy_generate`, plus the raw logits of each step ``(n, vocab)``.

    Row ``i`` of the logits is the distribution that chose new token ``i``; the suites use it
    to find steps where the top two candidates are nearly tied.
    """
    _check_arguments(input_ids, max_new_tokens)
    if max_new_tokens == 0:
        return input_ids.clone(), torch.empty(0, model.config.vocab_size, device=input_ids.device)
    with _library_defaults(model):
        out = model.generate(
            input_ids,
            attention_mask=torch.ones_like(input_ids),
            do_sample=False,
            num_beams=1,
            max_new_tokens=max_new_tokens,
            eos_token_id=eos_token_id,
            # One sequence never needs padding; naming a pad id only silences generate's notice.
            pad_token_id=eos_token_id if eos_token_id is not None else 0,
            output_logits=True,
            return_dict_in_generate=True,
        )
    logits = torch.cat([step for step in out.logits], dim=0)
    return out.sequences, logits


def top2_margins(step_logits: torch.Tensor) -> torch.Tensor:
    """Gap between the largest and second-largest logit of each step: ``(n, vocab)`` -> ``(n,)`` float32."""
    top = step_logits.float().topk(2, dim=-1).values
    return top[:, 0] - top[:, 1]
