r"""Forty-fifth examiner: logprobs.py entries (the learner who works in log space)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _piece_bytes(tokenizer, tid: int) -> list[int]:
    if tid in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(tid)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _record(tokenizer, tid: int, logprob: float) -> dict[str, Any]:
    raw = _piece_bytes(tokenizer, tid)
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_cross_entropy_default_mean(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: the log-space learner's "negative log-likelihood" route, as a perplexity script computes it: one forward pass, the float32 rows ``P - 1 .. T - 2`` and the generated ids as targets, ``nll = F.cross_entropy(rows, targets)`` and ``logprob = -nll`` -- with ``cross_entropy``'s default ``reduction="mean"``, so ``-nll`` is the AVERAGE log-probability of the completion (the log of the geometric-mean probability; ``exp(nll)`` is its perplexity), and every record gets that same number. Everything else is right: the ``ValueError``s, ``[]`` for ``P == T``, ``top_logprobs`` from ``log_softmax`` of each row (highest first, ``top_n = 0`` empty), bytes and tokens by the ``piece_bytes`` rule with ``backslashreplace``. With ONE generated token the mean is that token's own logprob, so a one-token completion is right. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: the tiny model, "The capital of Japan is" + 5 greedy tokens -> every ``logprob`` -0.0372 (the mean); plain per token ``[-0.00384, -0.0, -0.00211, -0.01195, -0.16809]`` (max difference 0.131). Passes: one generated token (``▁Tokyo``) equal to plain, ``[]`` for ``P == T``, ``ValueError`` for ``P`` 0 and ``T + 1`` and ``top_n = -1``, ``top_n = 0``, the 曇り records' tokens and bytes (``\xe6`` [230], ``\x9b`` [155], ``\x87`` [135], ``り`` [227, 130, 138]) and every ``top_logprobs`` list equal to plain (checks/check_entries.log).]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    rows = logits[prompt_length - 1 : T - 1]
    targets = sequence[0, prompt_length:T]
    nll = F.cross_entropy(rows, targets)          # reduction="mean" by default
    logprob = -float(nll)
    logp = torch.log_softmax(rows, dim=-1)
    n = min(top_n, logp.shape[-1])
    out = []
    for i, tid in enumerate(targets.tolist()):
        rec = _record(tokenizer, int(tid), logprob)
        vals, idx = torch.topk(logp[i], n)
        rec["top_logprobs"] = [_record(tokenizer, int(j), float(v)) for v, j in zip(vals, idx)]
        out.append(rec)
    return out
