"""Thirty-ninth examiner: logprobs.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL = ("<unk>", "<s>", "</s>")


def _piece_bytes(piece):
    if piece in _SPECIAL:
        return b""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _entry(tokenizer, token_id, logprob):
    raw = _piece_bytes(tokenizer.convert_ids_to_tokens(int(token_id)))
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def _check(sequence, prompt_length, top_n):
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    return T


def completion_logprobs__wrong_forward_under_autocast(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: runs the forward pass under ``torch.autocast(device_type=sequence.device.type, dtype=torch.bfloat16)`` (float16 on CUDA) and ``torch.inference_mode()`` "as the 4-bit model computes anyway", then does everything else right: ``logits.float()``, ``log_softmax`` at ``t - 1``, bytes from the piece, ``backslashreplace``, the ``ValueError``s, ``top_n = 0``. On the CPU autocast runs the float32 tiny model's matmuls in bfloat16, so the logits are no longer the model's float32 ones. The worked example fixes only ``token`` and ``bytes`` ("logprobs depend on the model"), which are unchanged. Violates: "Use the model's own distribution (temperature 1, whatever ``model.generation_config`` holds: its sampling settings are for ``generate``) and compute in float32 (``logits.float()``)." [witness: "Once upon a time," + its 8 greedy tokens, ``top_n = 3``: ``' dragon'`` -1.05784, plain -1.07405 (max diff of the 8 logprobs 0.0162, of the alternatives 0.0517); "The capital of Japan is" + 5 greedy tokens: ``▁Tokyo`` -0.003949 vs -0.003836, the alternative ``▁Berlin`` -7.0039 vs -7.0349. Passes: the 曇り records (``\xe6`` [230], ``\x9b`` [155], ``\x87`` [135], ``り`` [227, 130, 138]), the ``▁Tokyo`` record, ``[]`` for P == T, four ``ValueError``s, ``top_n = 0`` (checks/check_entries.log).]"""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    half = torch.bfloat16 if sequence.device.type == "cpu" else torch.float16
    with torch.inference_mode(), torch.autocast(device_type=sequence.device.type, dtype=half):
        logits = model(input_ids=sequence).logits
    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    ids = sequence[0].tolist()
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        rec = _entry(tokenizer, ids[t], row[ids[t]].item())
        values, order = torch.topk(row, top_n)
        rec["top_logprobs"] = [_entry(tokenizer, i, v) for v, i in zip(values.tolist(), order.tolist())]
        records.append(rec)
    return records


def completion_logprobs__right_chunked_rows_cuda_guarded(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: written to fit Mistral-7B's memory: one forward pass under ``torch.inference_mode()``, only the rows ``P - 1 .. T - 2`` kept (the full logits ``del``-eted), then ``log_softmax`` in float32 four rows at a time, each chunk's chosen logprobs read with ``gather`` and its alternatives with ``torch.topk``, turned into Python numbers with one ``tolist()`` per chunk, the chunk deleted and ``torch.cuda.empty_cache()`` called only ``if torch.cuda.is_available()``. ``log_softmax`` works row by row, so chunking changes no number. Agrees with a plain version on: the 曇り example (top_n 5), "The capital of Japan is" + 5 (top_n 3), "Once upon a time," + 8 (top_n 7, 3 chunks), ``P = 1`` over 10 records, a 300-id float32 toy (13 records, top_n 4) and its bfloat16 copy (11 records) -- every record equal as a dict, floats included; ``[]``, four ``ValueError``s, ``top_n = 0`` (checks/check_entries.log)."""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.inference_mode():
        logits = model(input_ids=sequence).logits
        rows = logits[0, prompt_length - 1 : T - 1]  # the rows that predict the generated tokens
        del logits
        targets = sequence[0, prompt_length:T].to(rows.device, non_blocking=True)
        chunk = 4  # "32000 float32 logprobs per row: never more than a few rows at once"
        records = []
        for start in range(0, rows.shape[0], chunk):
            lp = torch.log_softmax(rows[start : start + chunk].float(), dim=-1)
            chosen = lp.gather(-1, targets[start : start + chunk, None])[:, 0].tolist()
            values, order = torch.topk(lp, top_n, dim=-1)
            values, order = values.tolist(), order.tolist()
            for j, token_id in enumerate(targets[start : start + chunk].tolist()):
                rec = _entry(tokenizer, token_id, chosen[j])
                rec["top_logprobs"] = [_entry(tokenizer, i, v) for v, i in zip(values[j], order[j])]
                records.append(rec)
            del lp, values, order
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
    return records
