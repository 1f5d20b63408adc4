"""Sixteenth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_argsort_last_among_ties(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: picks the most probable token as the LAST entry of an ascending ``torch.argsort`` of the last position's logits ("sort, take the best"). The same token as ``argmax`` whenever the largest logit is unique -- the worked example, every prompt of the tiny model -- but among logits tied for the largest the sort keeps them in id order, so the last one is the HIGHEST tied id, where ``argmax`` (and ``generate``) take the lowest. The rest of the loop is the docstring's (``no_grad``, ``logits[:, -1, :]``, eos appended then stop, ``None`` never stops). Violates: "the next token is their ``argmax`` over the vocabulary (the last axis); where several logits tie for the largest, the lowest of their ids, as ``torch.argmax`` returns (``torch.topk`` promises no order among ties);" [witness: a toy model of vocabulary 8 whose logits are all 0 after every id, prompt ``[[1]]``, 3 new tokens: ``[[1, 0, 0, 0]]`` expected, ``[[1, 7, 7, 7]]``; logits ``[0, 2, 5, 5, 1]`` after every id: 2 expected, 3]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            next_token = torch.argsort(logits, dim=-1)[:, -1:]
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and int(next_token[0, 0]) == eos_token_id:
                break
    return ids


def greedy_generate__right_argmax_of_softmax(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): the next token is the argmax of the softmax of the last logits. The softmax keeps the order of the logits, so this is their argmax except where float rounding makes two logits one ulp apart equal after the softmax; no model's logits are that close in practice, and grading a learner on that one-ulp artefact would grade rounding, not decoding."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            probs = torch.softmax(logits, dim=-1)
            next_token = probs.argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and int(next_token[0, 0]) == eos_token_id:
                break
    return ids


def greedy_generate__right_python_max_first_index(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: no ``argmax`` call: the last position's logits go to a Python list (``tolist()``, exact for float16, bfloat16 and float32 values), and the next id is ``max(range(vocab), key=row.__getitem__)`` -- Python's ``max`` returns the FIRST maximal item, i.e. the lowest id among ties, as ``torch.argmax`` does. The new ids are collected as Python ints and appended to the prompt once at the end with ``torch.tensor(..., dtype=input_ids.dtype, device=input_ids.device)``; the loop runs under ``torch.inference_mode()``; ``max_new_tokens = 0`` never calls the model."""
    new_ids: list[int] = []
    context = input_ids
    with torch.inference_mode():
        while len(new_ids) < max_new_tokens:
            row = model(input_ids=context).logits[0, -1].tolist()
            best = max(range(len(row)), key=row.__getitem__)
            new_ids.append(best)
            context = torch.cat([context, torch.tensor([[best]], dtype=context.dtype, device=context.device)], dim=-1)
            if eos_token_id is not None and best == eos_token_id:
                break
    tail = torch.tensor([new_ids], dtype=input_ids.dtype, device=input_ids.device).reshape(1, len(new_ids))
    return torch.cat([input_ids, tail], dim=-1)
