"""Forty-second examiner: logprobs.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _raw_bytes(tokenizer, tid: int) -> bytes:
    if tid in tokenizer.all_special_ids:
        return b""
    piece = tokenizer.convert_ids_to_tokens(tid)
    m = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    if m:
        return bytes([int(m.group(1), 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _entry(tokenizer, tid: int, lp: float) -> dict[str, Any]:
    raw = _raw_bytes(tokenizer, tid)
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(lp)}


def completion_logprobs__right_hf_perplexity_strided_windows(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise: a sequence past the model's context, ``max_position_embeddings``, is not graded, as the docstring now says, and this entry, which differs only there, holds that promise: a hidden test that went past it would take its points; see the README's "Graded through decodelab grade"). As written by the examiner -- WRONG: scores the sequence the way transformers' "Perplexity of fixed-length models" guide scores GPT-2: ``max_length = model.config.n_positions`` (for a Mistral config ``max_position_embeddings``, the tiny model's 512; a config with neither -- the toy -- reads the whole sequence), ``stride = max_length // 2``, windows ``[begin, begin + max_length)`` slid by the stride, each token scored in the window where it is new (``trg_len = end_loc - prev_end_loc``), "because the model cannot see more than its context". Within each window everything is right: float32 ``log_softmax`` at ``t - 1``, ``top_n`` alternatives highest first, bytes from the piece (specials ``[]``, byte pieces one byte), ``backslashreplace`` text, every ``ValueError`` and ``[]`` edge. Up to 512 tokens there is one window, so every example and every short completion is plain's; past 512, a token is predicted from a window that no longer starts at ``<s>``, which the model never did (a rotary model has no learned positions that stop at 512). Violates: "The model predicts position ``t`` from everything before it, so that distribution is ``log_softmax`` of the logits at position ``t - 1``. One forward pass over the whole sequence gives every position's logits at once." [witness: tiny model, a 600-token story (the "Once upon a time," text repeated), ``prompt_length = 520``, ``top_n = 5``: all 80 records' logprobs differ from plain's, max 4.92, mean 1.37 (record 0 ``' the'`` -8.17485, plain -8.28162); plain reads all 600 tokens. Passes: the 曇り records (``\\xe6`` [230], ``\\x9b`` [155], ``\\x87`` [135], ``り`` [227, 130, 138]), ``▁Tokyo``, "The capital of Japan is" + 5 greedy tokens equal to plain, ``P = T`` ``[]``, ``P`` 0 and ``T + 1`` and ``top_n = -1`` ``ValueError``, ``top_n = 0``, a 300-id toy with 40 ids (checks/check_entries.log).]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}: the first token has no logprob (got {prompt_length})")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    cfg = getattr(model, "config", None)
    max_length = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None) or T
    stride = max(1, max_length // 2)
    rows: dict[int, torch.Tensor] = {}  # target position t -> log-probabilities predicting it
    prev_end = 0
    with torch.no_grad():
        for begin in range(0, T, stride):
            end = min(begin + max_length, T)
            window = sequence[:, begin:end]
            lsm = torch.log_softmax(model(input_ids=window).logits[0].float(), dim=-1)
            for t in range(max(prev_end, begin + 1), end):
                rows[t] = lsm[t - 1 - begin]
            prev_end = end
            if end == T:
                break
    records = []
    for t in range(prompt_length, T):
        row = rows[t]
        tid = int(sequence[0, t])
        rec = _entry(tokenizer, tid, row[tid].item())
        vals, ids = torch.topk(row, top_n)
        rec["top_logprobs"] = [_entry(tokenizer, i, v) for v, i in zip(vals.tolist(), ids.tolist())]
        records.append(rec)
    return records
