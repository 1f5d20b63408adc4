"""Thirty-third examiner: logprobs.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import torch
from transformers.generation import GenerationMixin

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL = ("<unk>", "<s>", "</s>")


def _piece_bytes(piece: str) -> list[int]:
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(c in "0123456789ABCDEF" for c in piece[3:5]):
        return [int(piece[3:5], 16)]
    if piece in _SPECIAL:
        return []
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _entry(piece: str, logprob: float) -> dict[str, Any]:
    raw = _piece_bytes(piece)
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def _validate(sequence, prompt_length, top_n):
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    return T


def _transition_scores(model):
    # model.compute_transition_scores comes from GenerationMixin; a bare nn.Module (a toy) lacks it,
    # and the method only reads self.config, so the mixin's function is called on the model itself.
    method = getattr(model, "compute_transition_scores", None)
    return method if method is not None else partial(GenerationMixin.compute_transition_scores, model)


def completion_logprobs__wrong_transition_scores_left_unnormalised(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: the generation-tutorial recipe: one forward pass in float32, the per-step scores built as ``generate(output_scores=True)`` hands them back (``scores[i] = logits[:, P - 1 + i, :]``), each token's value from ``model.compute_transition_scores(sequence, scores)`` (for a toy without ``GenerationMixin``, the mixin's function on the model), alternatives from ``topk`` of the same scores. Positions, ``top_n``, pieces, bytes, ``\xNN`` escapes and all ``ValueError``s are right. The one slip: ``normalize_logits`` is left at its default ``False``, so the "logprobs" are raw logits (the method's own docstring: "which, for legacy reasons, may be unnormalized"). The worked example fixes tokens and bytes only ("logprobs depend on the model"), so it passes. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: the tiny model, "The capital of Japan is Tokyo", ``prompt_length = 6``: the ``▁Tokyo`` record's logprob 14.9694 (and its first alternative 14.9694); a plain version -0.0038. "明日の天気は曇り", ``prompt_length = 8``: 15.029, 15.075, 18.225, 18.156; plain -0.383, -0.816, -0.001, -0.001. Equal to plain on tokens/bytes of the 曇り and ``▁Tokyo`` examples, four keys, ``P == T`` -> ``[]``, ``P`` 0 and ``T + 1``, ``top_n = -1`` (also at ``P == T``) ``ValueError``, ``top_n = 0`` empty lists (checks/check_entries.log)]."""
    T = _validate(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits.float()
    scores = tuple(logits[:, t - 1, :] for t in range(prompt_length, T))  # what generate(output_scores=True) hands back
    chosen = _transition_scores(model)(sequence, scores)[0]  # normalize_logits left at its default, False
    records = []
    for step, t in enumerate(range(prompt_length, T)):
        tid = int(sequence[0, t])
        values, ids = torch.topk(scores[step][0], top_n)
        record = _entry(tokenizer.convert_ids_to_tokens(tid), chosen[step].item())
        record["top_logprobs"] = [
            _entry(tokenizer.convert_ids_to_tokens(i), v) for v, i in zip(values.tolist(), ids.tolist())
        ]
        records.append(record)
    return records


def completion_logprobs__wrong_pieces_with_skip_special_tokens(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: correct log-probabilities (one float32 forward pass, ``log_softmax`` at ``t - 1``, ``topk``), correct bytes rule, but the pieces come from ONE call per list, ``tokenizer.convert_ids_to_tokens(ids, skip_special_tokens=True)`` -- "special tokens have no bytes anyway" -- zipped with the ids. Specials are not mapped to ``b''``; they vanish from the piece list, so ``zip`` pairs the remaining ids with the wrong pieces and drops records and alternatives at the end. The worked examples hold no special token, so they pass. Violates: "For each generated position ``t`` (``prompt_length <= t < T``) return the record ``{"token": str, "bytes": list[int], "logprob": float, "top_logprobs": list[dict]}``, these four keys and no others" [witness: the tiny model's greedy continuation of "The capital of Japan is" (``[1, 415, 5565, 302, 4720, 349, 19887, 28723, 2, 2, 2, 415, 5565, 302]``, ``prompt_length = 6``): 5 records with tokens ``' Tokyo', '.', ' The', ' capital', ' of'`` (the three ``</s>`` logprobs labelled with the texts of later tokens); a plain version returns 8, ``' Tokyo', '.', '', '', '', ' The', ' capital', ' of'``. The third record's alternatives: 4, ``' The', '.', ' of', 'ur'``; plain 5, ``'', ' The', '.', ' of', 'ur'``. Equal to plain on the 曇り and ``▁Tokyo`` examples, keys, ``[]``, the ``ValueError``s and ``top_n = 0`` (checks/check_entries.log)]."""
    T = _validate(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    ids = sequence[0, prompt_length:].tolist()
    pieces = tokenizer.convert_ids_to_tokens(ids, skip_special_tokens=True)
    records = []
    for t, (tid, piece) in enumerate(zip(ids, pieces), start=prompt_length):
        row = logprobs[t - 1]
        values, top_ids = torch.topk(row, top_n)
        top_ids = top_ids.tolist()
        top_pieces = tokenizer.convert_ids_to_tokens(top_ids, skip_special_tokens=True)
        record = _entry(piece, row[tid].item())
        record["top_logprobs"] = [_entry(p, v) for p, v in zip(top_pieces, values.tolist())]
        records.append(record)
    return records


def completion_logprobs__right_compute_transition_scores_on_log_softmax(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: the transformers route, normalised first: one forward pass under ``torch.inference_mode()`` with ``return_dict=True``, the per-step scores built as ``generate(output_scores=True)`` would give them and ``log_softmax``-ed in float32 row by row, then ``model.compute_transition_scores(sequence, scores)`` gathers each generated token's logprob (for a toy without ``GenerationMixin``, the mixin's function on the model: it only reads ``model.config``); alternatives from ``topk`` of the same stacked rows; pieces from ``convert_ids_to_tokens`` on whole lists (no ``skip_special_tokens``), bytes by the ``piece_bytes`` rule. It normalises itself rather than pass ``normalize_logits=True``: measured on the tiny model, transformers' ``log_softmax`` over the transposed ``(1, vocab, steps)`` stack drifts by up to 2.76e-04 from float64 on the greedy sequence below (a plain row-wise ``log_softmax``: 1.86e-05; checks/probe_transition_scores.log). Agrees with a plain version on: the 曇り example, "The capital of Japan is Tokyo" with ``top_n`` 7, the greedy sequence with three ``</s>`` and ``top_n`` 10, ``prompt_length = 1``, ``top_n = 0``, a 300-id ``BigramModel`` toy (float32 and bfloat16 logits) -- logprobs bit-equal, tokens and bytes equal; ``[]`` and the four ``ValueError``s (checks/check_entries.log)."""
    T = _validate(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.inference_mode():
        outputs = model(input_ids=sequence, return_dict=True)
        # the per-step scores generate(output_scores=True) would hand back, already log-softmaxed in float32
        scores = tuple(
            torch.log_softmax(outputs.logits[:, t - 1, :].float(), dim=-1) for t in range(prompt_length, T)
        )
        chosen = _transition_scores(model)(sequence, scores)[0].tolist()  # gathers each token's score
        step_logprobs = torch.stack(scores, dim=1)[0]  # (T - P, vocab)
        top_values, top_ids = step_logprobs.topk(top_n, dim=-1)
    new_ids = sequence[0, prompt_length:].tolist()
    pieces = tokenizer.convert_ids_to_tokens(new_ids)
    records = []
    for step, piece in enumerate(pieces):
        record = _entry(piece, chosen[step])
        alt_pieces = tokenizer.convert_ids_to_tokens(top_ids[step].tolist())
        record["top_logprobs"] = [_entry(p, v) for p, v in zip(alt_pieces, top_values[step].tolist())]
        records.append(record)
    return records
