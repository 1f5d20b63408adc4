"""Twenty-fifth examiner: logprobs.py entries (the learner who codes to the worked example)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_rounds_like_api_sample_record(tokenizer, token_id, logprob):
    if token_id in tokenizer.all_special_ids:
        raw = []
    else:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece.startswith('<0x') and piece.endswith('>'):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace('\u2581', ' ').encode('utf-8'))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw,
            "logprob": round(float(logprob), 2)}


def completion_logprobs__wrong_rounds_like_api_sample(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: builds the records to look like the API sample at the top of the module (``"logprob": -0.03``, ``-3.9``) and rounds every logprob, the token's and the alternatives', to two decimals with ``round(x, 2)``. Everything else is the docstring's: the checks, one float32 forward pass, ``log_softmax`` at ``t - 1``, the four keys, bytes by the ``piece_bytes`` rule (specials ``[]``), ``token`` with ``backslashreplace``, the ``top_n`` alternatives by a stable descending sort. The worked example shows only ``token`` and ``bytes`` ("logprobs depend on the model"), and those come out right. Violates: "the natural log of the probability the model gave the token at ``t``." [witness: tiny model, ``"The capital of Japan is"`` + greedy ``▁Tokyo . </s>`` (``prompt_length`` 6): WRONG logprobs ``[-0.0, -0.0, -0.0]``, plain ``[-0.003836, -4e-06, -0.002106]``; largest difference over the three records and their 15 alternatives 0.00495.]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must satisfy 1 <= prompt_length <= T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        tid = int(sequence[0, t])
        rec = _completion_logprobs__wrong_rounds_like_api_sample_record(tokenizer, tid, row[tid])
        vals, idx = torch.sort(row, descending=True, stable=True)
        rec["top_logprobs"] = [_completion_logprobs__wrong_rounds_like_api_sample_record(tokenizer, int(j), v)
                               for v, j in zip(vals[:top_n].tolist(), idx[:top_n].tolist())]
        records.append(rec)
    return records


def completion_logprobs__wrong_special_token_text_is_piece(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: gets ``bytes`` right for a special token (``[]``: it stands for no text) but, like the "special" tokens of a text-generation server's stream, keeps the piece as its ``token`` ("an empty string would hide that the model stopped"): ``</s>`` comes out as ``{"token": "</s>", "bytes": []}``. Every other token's ``token`` is its bytes decoded with ``backslashreplace``, so the worked example (``\\xe6``, ``\\x9b``, ``\\x87``, ``り``; `` Tokyo``) passes; the rest is the docstring's. Violates: "``token``: ``bytes`` as text." [witness: tiny model, ``"The capital of Japan is"`` + greedy ``▁Tokyo . </s>``, ``prompt_length`` 6: the third record is ``{"token": "</s>", "bytes": []}`` in WRONG, ``{"token": "", "bytes": []}`` in plain; ``<s>``/``</s>`` among the alternatives too.]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must satisfy 1 <= prompt_length <= T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    if prompt_length == T:
        return []
    specials = set(tokenizer.all_special_ids)

    def record(token_id, logprob):
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in specials:
            return {"token": piece, "bytes": [], "logprob": float(logprob)}
        if len(piece) == 6 and piece.startswith('<0x') and piece.endswith('>'):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace('\u2581', ' ').encode('utf-8'))
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw,
                "logprob": float(logprob)}

    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        tid = int(sequence[0, t])
        rec = record(tid, row[tid])
        vals, idx = torch.sort(row, descending=True, stable=True)
        rec["top_logprobs"] = [record(int(j), v) for v, j in zip(vals[:top_n].tolist(), idx[:top_n].tolist())]
        records.append(rec)
    return records


def completion_logprobs__wrong_generation_config_temperature(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: "the logprobs of what the sampler saw": divides the float32 logits by ``model.generation_config.temperature`` when the model's generation config sets one (``None`` or absent -> 1), before ``log_softmax``. The tiny model's generation config sets no temperature, so the worked example and every default call agree with the plain version; the rest is the docstring's. Violates: "Use the model's own distribution (temperature 1) and compute in float32 (``logits.float()``)." [witness: tiny model with ``model.generation_config.temperature = 0.7`` (restored afterwards), ``"The capital of Japan is"`` + greedy ``▁Tokyo . </s>``, ``prompt_length`` 6: WRONG logprobs ``[-0.0001, 0.0, -0.0001]`` (rounded to 4 places), plain ``[-0.0038, -0.0, -0.0021]``.]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must satisfy 1 <= prompt_length <= T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    if prompt_length == T:
        return []
    temperature = getattr(getattr(model, "generation_config", None), "temperature", None) or 1.0
    specials = set(tokenizer.all_special_ids)

    def record(token_id, logprob):
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in specials:
            raw = []
        elif len(piece) == 6 and piece.startswith('<0x') and piece.endswith('>'):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace('\u2581', ' ').encode('utf-8'))
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw,
                "logprob": float(logprob)}

    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float() / temperature
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        tid = int(sequence[0, t])
        rec = record(tid, row[tid])
        vals, idx = torch.sort(row, descending=True, stable=True)
        rec["top_logprobs"] = [record(int(j), v) for v, j in zip(vals[:top_n].tolist(), idx[:top_n].tolist())]
        records.append(rec)
    return records


def completion_logprobs__right_log_softmax_dtype_argument(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: no ``logits.float()``: the float32 computation is asked of ``log_softmax`` itself, ``torch.log_softmax(logits, dim=-1, dtype=torch.float32)``, which casts its input to float32 BEFORE the operation (so the same numbers as ``log_softmax(logits.float())``, also for a bfloat16 model), and only the rows ``P - 1 .. T - 2`` are transformed. The alternatives come from ``torch.topk`` (ties may come in either order: allowed), the ``bytes`` from ``tokenizer.convert_ids_to_tokens`` with a byte-piece test on ``int(piece[3:5], 16)`` guarded by the hex digits, specials from ``tokenizer.all_special_ids``; the ``token`` with ``backslashreplace``. A grader that searches the source for ``.float()`` would mark it down wrongly. Agrees with a plain version on: the worked example (tokens and bytes), ``"The capital of Japan is"`` + greedy continuation (6 and 12 new tokens), a random 40-token sequence with ``top_n`` 0, 1, 5 and 40, all bit-equal; the tiny model in float32 and a bfloat16 copy of it (logprobs bit-equal to plain on the same model; among equal logprobs the alternatives may come in another order, which the docstring allows); ``[]`` for ``P = T``; the three ``ValueError`` cases."""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    specials = set(tokenizer.all_special_ids)

    def record(token_id, logprob):
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in specials:
            raw = []
        elif len(piece) == 6 and piece[:3] == '<0x' and piece[5] == '>' and all(c in '0123456789ABCDEF' for c in piece[3:5]):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace('\u2581', ' ').encode('utf-8'))
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw,
                "logprob": float(logprob)}

    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0, prompt_length - 1:T - 1]
        logprobs = torch.log_softmax(logits, dim=-1, dtype=torch.float32)
        k = min(top_n, logprobs.shape[-1])
        top = torch.topk(logprobs, k, dim=-1)
    records = []
    for row_index, t in enumerate(range(prompt_length, T)):
        tid = int(sequence[0, t])
        rec = record(tid, logprobs[row_index, tid].item())
        rec["top_logprobs"] = [record(int(j), v) for v, j in
                               zip(top.values[row_index].tolist(), top.indices[row_index].tolist())]
        records.append(rec)
    return records
