r"""Independent catalogue, round 2: submissions for exercises/logprobs.py.

Written from the docstring of ``exercises/logprobs.py`` only, avoiding every mistake and every
style already in round 1 (``tests/independent/logprobs.py``). Nested functions are used where
a version needs a small piece of code twice (no module-level helpers).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def completion_logprobs__right_numpy_float32(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: one forward pass, then everything in numpy FLOAT32: log-softmax written out as
    ``x - max - log(sum(exp(x - max)))``; alternatives by a stable ``np.argsort`` of the
    negated row (ties lower id first); every number converted with ``float``/``int``; the
    special ids from ``all_special_ids``, byte pieces by an explicit character check."""
    T = int(sequence.shape[1])
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be in 1..{T} (the first token has no logprob), got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    specials = {int(i) for i in tokenizer.all_special_ids}
    hex_digits = set("0123456789abcdefABCDEF")

    def raw_of(token_id: int) -> list[int]:
        if token_id in specials:
            return []
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and set(piece[3:5]) <= hex_digits:
            return [int(piece[3:5], 16)]
        return list(piece.replace("\u2581", " ").encode("utf-8"))

    def text_of(raw: list[int]) -> str:
        return bytes(raw).decode("utf-8", errors="backslashreplace")

    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0]
    x = logits[prompt_length - 1 : T - 1].float().cpu().numpy().astype(np.float32)
    shifted = x - x.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    records = []
    for j, t in enumerate(range(prompt_length, T)):
        token_id = int(sequence[0, t])
        row = logp[j]
        raw = raw_of(token_id)
        alternatives = []
        for alt in np.argsort(-row, kind="stable")[:top_n]:
            alt_raw = raw_of(int(alt))
            alternatives.append({"token": text_of(alt_raw), "bytes": alt_raw, "logprob": float(row[alt])})
        records.append({"token": text_of(raw), "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alternatives})
    return records


def completion_logprobs__right_cross_entropy(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: the generated tokens' logprobs are ``-cross_entropy(logits[t - 1], token_t)``
    (``reduction="none"``, float32) -- the negative log-likelihood a training loop computes;
    the alternatives from ``log_softmax`` + ``topk``; the bytes rule via ``bytes.fromhex``."""
    T = sequence.shape[-1]
    if not (1 <= prompt_length <= T):
        raise ValueError(f"prompt_length={prompt_length} must lie in 1..{T}: the first token has no position before it")
    if top_n < 0:
        raise ValueError(f"top_n={top_n} is negative")
    special_ids = set(tokenizer.all_special_ids)

    def describe(token_id: int) -> dict[str, Any]:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in special_ids:
            raw = b""
        elif len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and all(c in "0123456789abcdefABCDEF" for c in piece[3:5]):
            raw = bytes.fromhex(piece[3:5])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw)}

    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0, prompt_length - 1 : T - 1].float()
    targets = sequence[0, prompt_length:T].long()
    chosen = (-torch.nn.functional.cross_entropy(logits, targets, reduction="none")).tolist()
    logp = torch.log_softmax(logits, dim=-1)
    k = min(top_n, logp.shape[-1])
    values, indices = torch.topk(logp, k, dim=-1)
    out = []
    for j, token_id in enumerate(targets.tolist()):
        record = describe(token_id)
        record["logprob"] = float(chosen[j])
        record["top_logprobs"] = [
            {**describe(i), "logprob": float(v)} for v, i in zip(values[j].tolist(), indices[j].tolist())
        ]
        out.append(record)
    return out


def completion_logprobs__wrong_excludes_chosen_token(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: treats ``top_logprobs`` as "the alternatives" and leaves the generated token
    out of it (taking the next best instead). Violates: "``top_logprobs``: the ``top_n``
    most probable tokens at that step, highest logprob first ... (The generated token may or
    may not be among them.)"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must be between 1 and T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    specials = set(tokenizer.all_special_ids)

    def info(i: int) -> tuple[str, list[int]]:
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in specials:
            raw = b""
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        values, indices = torch.topk(row, min(top_n + 1, row.shape[-1]))
        alts = []
        for v, i in zip(values.tolist(), indices.tolist()):
            if i == token_id or len(alts) == top_n:
                continue
            text, raw = info(i)
            alts.append({"token": text, "bytes": raw, "logprob": float(v)})
        text, raw = info(token_id)
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_numpy_float32_logprobs(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: converts the log-probabilities to a numpy array and puts its elements in the
    records as they are: ``numpy.float32`` scalars, which print like floats but are not
    Python ``float`` (``json.dumps`` refuses them). Violates: "plain Python ``str``, ``int``
    and ``float`` inside, no tensors."."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must be between 1 and T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    specials = set(tokenizer.all_special_ids)

    def info(i: int) -> tuple[str, list[int]]:
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in specials:
            raw = b""
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1).cpu().numpy()
    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        order = np.argsort(-row, kind="stable")[:top_n]
        alts = []
        for i in order.tolist():
            text, raw = info(i)
            alts.append({"token": text, "bytes": raw, "logprob": row[i]})
        text, raw = info(token_id)
        records.append({"token": text, "bytes": raw, "logprob": row[token_id], "top_logprobs": alts})
    return records


def completion_logprobs__wrong_alternatives_without_bytes(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: the main record is complete, but the alternatives carry only ``token`` and
    ``logprob`` (no ``bytes``). Violates: "``top_logprobs``: ... each ``{"token", "bytes",
    "logprob"}``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length must be between 1 and T")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    specials = set(tokenizer.all_special_ids)

    def info(i: int) -> tuple[str, list[int]]:
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in specials:
            raw = b""
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        values, indices = torch.topk(row, min(top_n, row.shape[-1]))
        alts = [{"token": info(i)[0], "logprob": float(v)} for v, i in zip(values.tolist(), indices.tolist())]
        text, raw = info(token_id)
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records
