"""Thirty-fifth examiner: logprobs.py entries (numerical extremes)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL_PIECES = {"<unk>", "<s>", "</s>"}


def _token_bytes(tokenizer, token_id: int) -> list[int]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids or piece in _SPECIAL_PIECES:
        return []
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _alternative(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    raw = _token_bytes(tokenizer, token_id)
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": logprob}


def _records(tokenizer, sequence, prompt_length, top_n, logprobs_by_position):
    records = []
    for t in range(prompt_length, sequence.shape[1]):
        token_id = int(sequence[0, t])
        row = logprobs_by_position[t - 1]
        record = _alternative(tokenizer, token_id, float(row[token_id]))
        if top_n > 0:
            values, ids = torch.topk(row, top_n)
            record["top_logprobs"] = [
                _alternative(tokenizer, int(i), float(v)) for v, i in zip(values.tolist(), ids.tolist())
            ]
        else:
            record["top_logprobs"] = []
        records.append(record)
    return records


def completion_logprobs__wrong_unshifted_logsumexp(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: one forward pass, logits at ``t - 1``, float32, records, bytes and escapes all correct, but the normaliser is written out as ``log(sum(exp(logits)))`` with no maximum subtracted. In float32 ``exp`` overflows to ``inf`` above about 88.7 and underflows to 0 below about -103, so a row with one large logit gives ``-inf`` logprobs and a row of very negative logits gives ``+inf``. The tiny model's logits lie in -12.6 .. 15.0, so the worked example (``\\xe6`` 230, ``\\x9b`` 155, ``\\x87`` 135, ``り`` 227 130 138), the ``▁Tokyo`` record, ``[]``, the ``ValueError``s and ``top_n = 0`` all pass, with logprobs within 1.72e-05 of ``log_softmax``. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: a 300-id ``BigramModel`` toy with ``table[5, 100] = 100``, sequence ``[[5, 100]]``, prompt 1, ``top_n = 3``: logprob ``-inf`` and alternatives ``[-inf, -inf, -inf]``, plain 0.0 and ``[0.0, -100.0, -100.0]``; a row of -150 with -149 at id 7, ``[[6, 7]]``: logprob ``+inf``, plain -4.70949]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    log_normaliser = torch.log(torch.exp(logits).sum(dim=-1, keepdim=True))
    logprobs = logits - log_normaliser
    return _records(tokenizer, sequence, prompt_length, top_n, logprobs)


def completion_logprobs__right_manual_max_shifted_logsumexp(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: no ``log_softmax`` call: the logsumexp written out with the row maximum subtracted, ``(z - m) - log(sum(exp(z - m)))``, in float32. Same function in exact arithmetic; ``exp`` can neither overflow (every term is at most 1) nor leave the sum at 0 (the maximum's term is 1). Measured against a float64 reference over 15 greedy tokens of the tiny model it is off by at most 3.84e-07 where torch's float32 ``log_softmax`` is off by 1.75e-05 (checks/probe2.log), so a grader that compared with ``log_softmax`` to 1e-6 would mark this more accurate version down. Agrees with a plain version on: the worked example (within 1.38e-05), 15 greedy tokens with ``top_n = 7`` (1.76e-05), the toy row with a logit of 100 (0 difference), the toy row of -150/-149 (0), a bfloat16 toy with 4 records (0); same tokens, bytes and keys everywhere (checks/check_entries.log)."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    row_max = logits.amax(dim=-1, keepdim=True)
    shifted = logits - row_max
    logprobs = shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
    return _records(tokenizer, sequence, prompt_length, top_n, logprobs)
