"""Fourteenth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_alternatives_skip_special_ids_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    if token_id in tokenizer.all_special_ids:
        raw = b""
    else:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_alternatives_skip_special_ids(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: fills ``top_logprobs`` with the ``top_n`` most probable tokens that are NOT special ("``<s>``, ``</s>`` and ``<unk>`` stand for no text, so they are no alternative a reader could see", and the API output it imitates never shows them): it walks the ranking and skips every id of ``tokenizer.all_special_ids``. The generated token's own record, its bytes and logprob are right, also when it is ``</s>``; the alternatives are right at every step where no special token ranks among the ``top_n`` best, which is nearly every step of ordinary text. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first, each with exactly the keys ``"token"``, ``"bytes"`` and ``"logprob"``." [witness: tiny model, the ids of ``"The capital of Japan is Tokyo."`` followed by ``</s>`` (id 2), ``prompt_length`` = all but that last token, ``top_n = 5``: the one record's alternatives are expected to be ``</s>`` first (``{"token": "", "bytes": [], ...}``, logprob about -0.002), then ``' The'``, ``'.'``, ``' of'``, ``'ur'``; they come back as ``' The'``, ``'.'``, ``' of'``, ``'ur'``, ``' Au'``]"""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"completion_logprobs: prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"completion_logprobs: top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    specials = set(tokenizer.all_special_ids)
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        chosen = int(sequence[0, t])
        record = _completion_logprobs__wrong_alternatives_skip_special_ids_record(tokenizer, chosen, row[chosen])
        alternatives = []
        for j in torch.sort(row, descending=True, stable=True).indices.tolist():
            if len(alternatives) == top_n:
                break
            if j in specials:
                continue
            alternatives.append(_completion_logprobs__wrong_alternatives_skip_special_ids_record(tokenizer, j, row[j]))
        record["top_logprobs"] = alternatives
        records.append(record)
    return records


def _completion_logprobs__right_categorical_normalised_logits_bytes(tokenizer, token_id: int) -> list[int]:
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece[:3] == "<0x" and piece[-1] == ">" and all(c in "0123456789ABCDEF" for c in piece[3:5]):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def completion_logprobs__right_categorical_normalised_logits(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: no ``log_softmax`` in sight: one forward pass, then ``torch.distributions.Categorical(logits=logits[0, :-1].float())`` for every position at once. Its ``.logits`` are the logits minus their ``logsumexp`` (the normalised log-probabilities, finite even where the probability underflows, which is what the docstring asks of ``log_softmax``), and ``.log_prob(sequence[0, 1:])`` reads every token's logprob from the position before it in one call. The alternatives are ``torch.topk`` of the normalised logits (equal logprobs may come in either order); each record's dict is built through ``dict(zip(keys, values))``. On the tiny model its logprobs are within 2.5e-6 of a float64 ``log_softmax``, where float32 ``torch.log_softmax`` itself is off by up to 1.9e-5 (CPU, torch 2.13): a grader comparing with a float32 ``log_softmax`` reference must allow some 2e-5 between two correct float32 answers."""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"completion_logprobs: prompt_length must satisfy 1 <= prompt_length <= T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"completion_logprobs: top_n must not be negative, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        dist = torch.distributions.Categorical(logits=model(input_ids=sequence).logits[0, :-1].float())
        chosen_lp = dist.log_prob(sequence[0, 1:])  # [t - 1] is the token at t
        top_lp, top_ids = torch.topk(dist.logits, min(top_n, dist.logits.shape[-1]), dim=-1)
    keys = ("token", "bytes", "logprob")

    def make(token_id: int, lp: float) -> dict[str, Any]:
        raw = _completion_logprobs__right_categorical_normalised_logits_bytes(tokenizer, token_id)
        return dict(zip(keys, (bytes(raw).decode("utf-8", errors="backslashreplace"), raw, float(lp))))

    out = []
    for t in range(prompt_length, T):
        record = make(int(sequence[0, t]), chosen_lp[t - 1].item())
        record["top_logprobs"] = [make(j, v) for j, v in zip(top_ids[t - 1].tolist(), top_lp[t - 1].tolist())]
        out.append(record)
    return out
