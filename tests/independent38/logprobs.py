"""Thirty-eighth examiner: logprobs.py entries (the learner who learnt it from the papers and the textbooks)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL = ("<unk>", "<s>", "</s>")
_HEX = "0123456789ABCDEF"


def _piece_bytes(piece: str) -> bytes:
    if piece in _SPECIAL:
        return b""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(c in _HEX for c in piece[3:5]):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _text_and_bytes(tokenizer, token_id: int) -> tuple[str, list[int]]:
    raw = _piece_bytes(tokenizer.convert_ids_to_tokens(int(token_id)))
    return raw.decode("utf-8", errors="backslashreplace"), list(raw)


def _check(sequence: torch.Tensor, prompt_length: int, top_n: int) -> int:
    length = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be between 1 and T={length}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    return length


def completion_logprobs__wrong_log2_bits_like_slp3(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: the textbook's logs: SLP3 ch. 3 computes language-model log probabilities, entropy and cross-entropy in base 2 ("measured in bits"; perplexity = 2^H), so this learner reports every ``logprob`` in bits: ``log_softmax`` of the float32 logits at ``t - 1`` (no ``log(softmax)``, so nothing is ``-inf``) divided by ``ln 2``, the alternatives too. One forward pass, ``t - 1``, records of four keys, ``bytes`` by the ``piece_bytes`` rule, ``\\xNN`` escapes, ``top_n`` order and every ``ValueError`` are right, and the worked example shows no logprob value, so it passes. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: the tiny model, "The capital of Japan is" + its greedy ``▁Tokyo``: logprob -0.0055, plain -0.0038 (ratio 1.4427 = 1/ln 2); the worked example "明日の天気は" + "曇り": first record -0.5527, plain -0.3831. Equal to plain: the four worked records' ``token``/``bytes`` (``\\xe6`` [230], ``\\x9b`` [155], ``\\x87`` [135], ``り`` [227, 130, 138]), the ``▁Tokyo`` record's text and bytes, ``[]`` for ``P == T``, four ``ValueError``s, ``top_n = 0``, and the tokens, bytes and alternatives of 15 greedy tokens with ``top_n = 7`` (checks/check_entries.log).]"""
    length = _check(sequence, prompt_length, top_n)
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    # SLP3 ch. 3: log probabilities, "all logs base 2", so that cross-entropy and entropy are in bits
    log2p = torch.log_softmax(logits, dim=-1) / math.log(2)
    records = []
    for t in range(prompt_length, length):
        row = log2p[t - 1]
        token_id = int(sequence[0, t])
        text, raw = _text_and_bytes(tokenizer, token_id)
        values, order = torch.sort(row, descending=True, stable=True)
        top = []
        for value, alt in zip(values[:top_n].tolist(), order[:top_n].tolist()):
            alt_text, alt_raw = _text_and_bytes(tokenizer, alt)
            top.append({"token": alt_text, "bytes": alt_raw, "logprob": float(value)})
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": top})
    return records


def completion_logprobs__wrong_chain_rule_cumulative(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: reads "how sure was the model of each token it wrote" through the chain rule of SLP3 ch. 3, P(w_1..w_n) = prod_k P(w_k | w_1..w_(k-1)), and the running scores of beam search: each record's ``logprob`` is the log-probability of the completion SO FAR, log P(x_P .. x_t | prompt), the sum of the per-token ``log_softmax`` values (float32 logits, position ``t - 1``), and each alternative is scored as that prefix plus its own logprob, as a beam would score the extension. The first record is exactly plain (its prefix is empty); records, keys, bytes, escapes, ordering and ``ValueError``s are right, and the worked example shows no logprob value. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: the tiny model, "明日の天気は" + "曇り": logprobs -0.3831, -1.1993, -1.2001, -1.2010; plain -0.3831, -0.8162, -0.0008, -0.0008. 15 greedy tokens after "Once upon a time,": record 15 -1.9127, plain -0.0016 (checks/check_entries.log).]"""
    length = _check(sequence, prompt_length, top_n)
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    records = []
    prefix = 0.0  # log P(x_P .. x_{t-1} | prompt), the chain rule's running sum
    for t in range(prompt_length, length):
        row = logp[t - 1]
        token_id = int(sequence[0, t])
        text, raw = _text_and_bytes(tokenizer, token_id)
        values, order = torch.sort(row, descending=True, stable=True)
        top = []
        for value, alt in zip(values[:top_n].tolist(), order[:top_n].tolist()):
            alt_text, alt_raw = _text_and_bytes(tokenizer, alt)
            top.append({"token": alt_text, "bytes": alt_raw, "logprob": prefix + float(value)})
        score = prefix + float(row[token_id])
        records.append({"token": text, "bytes": raw, "logprob": score, "top_logprobs": top})
        prefix = score
    return records


def completion_logprobs__right_chain_rule_differences(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: the chain rule of SLP3 ch. 3 run both ways: the float32 ``log_softmax`` of one forward pass gives each generated token's conditional at ``t - 1``; their float64 running sum is the joint log P(x_P .. x_t | prompt); and each record's ``logprob`` is read back as a difference of joints, log P(x_P..x_t) - log P(x_P..x_(t-1)) = log P(x_t | x_<t), the definition of a conditional probability in log space. An alternative's logprob is ``(joint + value) - joint``. Adding float32 numbers in float64 and subtracting the same prefix gives the conditional back (here exactly). Records, keys, bytes, escapes, ``top_n`` order, ``[]`` and ``ValueError``s as the docstring says. Agrees with a plain version on: the worked example ("明日の天気は" + "曇り", ``top_n`` 5 and 0), the ``▁Tokyo`` record, 15 greedy tokens with ``top_n = 7``, the whole sequence from ``P = 1`` (``top_n`` 3), 20 greedy tokens after "明日の天気は" (``top_n`` 10), and the least likely id after "The capital of Japan is" (logprob -27.5419) then ``</s>``: 7/7 inputs ``==`` to plain, the largest difference 0 (checks/check_entries.log)."""
    length = _check(sequence, prompt_length, top_n)
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)  # float32, one pass
    targets = sequence[0, prompt_length:]
    per_step = logp[prompt_length - 1:length - 1].gather(-1, targets[:, None])[:, 0].to(torch.float64)
    # chain rule: log P(x_P .. x_t | prompt) for every t, then back to conditionals by differences
    joint = torch.cat([torch.zeros(1, dtype=torch.float64, device=per_step.device), torch.cumsum(per_step, 0)])
    records = []
    for i, t in enumerate(range(prompt_length, length)):
        row = logp[t - 1]
        token_id = int(sequence[0, t])
        text, raw = _text_and_bytes(tokenizer, token_id)
        prefix = joint[i]
        values, order = torch.sort(row, descending=True, stable=True)
        top = []
        for value, alt in zip(values[:top_n].tolist(), order[:top_n].tolist()):
            alt_text, alt_raw = _text_and_bytes(tokenizer, alt)
            # log P(prefix, alt) - log P(prefix)
            top.append({"token": alt_text, "bytes": alt_raw, "logprob": float((prefix + value) - prefix)})
        records.append({"token": text, "bytes": raw, "logprob": float(joint[i + 1] - joint[i]), "top_logprobs": top})
    return records
