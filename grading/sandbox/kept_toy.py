"""A toy model the grader keeps: the forward passes of the cache-revealing toy run in the judge.

The KV-cache bonus test grades a greedy loop on a ``BigramModel`` with a ``cache_salt``
(``reference/bigram.py``): fed on top of a non-empty cache it answers differently, so the loop's
tokens show whether it reused the cache. Sent by value, the salt and the records of the toy's
passes would live in the learner's process, where code can read the one and rewrite the other
(a tenth red team did both, 2026-12-06). So such a toy crosses as a handle: the learner's
process gets a :class:`KeptToy`, the toy's shape without its numbers, and each forward pass asks
the judge (a ``toy_forward`` message in the middle of the call). The judge answers with its own
toy (:func:`answer`) and records the pass as it saw it: the ids and positions fed are the ones
it was sent; the cache length and the gradient mode are the learner's to report, as in any
process.

Only the toy crosses this way: a real model's passes are thousands of times larger, and its
records are still made in the learner's process (``docs/grading.md``, "Isolation").
"""
from __future__ import annotations

import threading
from typing import Any, Callable

import torch

MAX_POSITIONS = 4096     # token ids in one pass
MAX_LOGITS = 2**22       # logits the judge computes for one pass (16 MB of float32)
MAX_PASSES = 4096        # passes in one call


def is_kept(value: Any) -> bool:
    """Whether ``value`` is a toy the grader keeps rather than sends: a salted ``BigramModel``."""
    cls = type(value)
    return cls.__name__ == "BigramModel" and cls.__module__ == "reference.bigram" and value.cache_salt is not None


def handle(toy: Any, number: int) -> dict:
    """What the learner's process gets for ``toy``: its number in this call and its shape."""
    from grading.sandbox.wire import TAG

    return {TAG: "handle", "kind": "kept_toy", "number": number, "vocab": int(toy.table.shape[0]),
            "logits_dtype": str(toy.logits_dtype).replace("torch.", "")}


class KeptToy(torch.nn.Module):
    """The learner's side of a kept toy: a ``BigramModel``'s surface (``model(ids)``,
    ``input_ids=``/``inputs_embeds=``, ``cache=``/``past_key_values=``, ``use_cache=``,
    ``logits_to_keep=``, ``return_dict=``, ``.config``, ``.device``, ``.dtype``,
    ``get_decoder()``, ``get_input_embeddings()``) whose logits come from the judge."""

    def __init__(self, description: dict, ask: Callable[[dict], Any]):
        from reference.bigram import OneHotBody, toy_config  # transformers: only where a toy is used

        super().__init__()
        vocab = int(description["vocab"])
        self.logits_dtype = getattr(torch, str(description.get("logits_dtype", "float32")))
        if not isinstance(self.logits_dtype, torch.dtype):
            raise ValueError(f"a kept toy with logits dtype {description.get('logits_dtype')!r}")
        self.config = toy_config(vocab)
        self.model = OneHotBody(vocab, self.logits_dtype)
        self._number = int(description["number"])
        self._ask = ask
        self._lock = threading.Lock()  # one question on the channel at a time

    def get_decoder(self) -> torch.nn.Module:
        return self.model

    def get_input_embeddings(self) -> torch.nn.Module:
        return self.model.embed_tokens

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        return self.logits_dtype

    def forward(self, input_ids: torch.Tensor | None = None, logits_to_keep: int = 0,
                inputs_embeds: torch.Tensor | None = None, **passed) -> Any:
        from reference.bigram import fed_ids, toy_output

        ids = fed_ids(input_ids, inputs_embeds)
        self.model(input_ids=ids, **passed)  # through the body, as on any model: hooks see the pass
        cache = passed.get("cache", passed.get("past_key_values"))
        cached = 0 if cache is None else int(cache.get_seq_length())
        with self._lock:
            reply = self._ask({"op": "toy_forward", "number": self._number, "input_ids": ids.detach().cpu(),
                               "cached": cached, "logits_to_keep": int(logits_to_keep),
                               "grad": torch.is_grad_enabled()})
        if not isinstance(reply, dict) or reply.get("op") != "toy_logits":
            raise ValueError(str(reply.get("why")) if isinstance(reply, dict) else "the toy model gave no answer")
        return toy_output(reply["logits"].to(ids.device), cache, ids, passed)


def answer(toy: Any, request: dict, passes: int) -> tuple[dict, dict | None]:
    """The judge's reply to a ``toy_forward`` request (``passes``: the call's passes before it)
    and the pass's record, or a refusal (``toy_error``, raised in the learner's code as a
    ``ValueError``) and None."""
    from grading.sandbox.wire import short_repr, tensor_to_plain

    def refuse(why: str) -> tuple[dict, None]:
        return {"op": "toy_error", "why": why}, None

    if toy is None:
        return refuse("this toy model is not one lent to this call (a toy is lent for one call only; use it "
                      "within the call it came with)")
    if passes >= MAX_PASSES:
        return refuse(f"more than {MAX_PASSES} forward passes of the toy model in one call")
    ids, cached, keep = request.get("input_ids"), request.get("cached"), request.get("logits_to_keep")
    vocab = int(toy.table.shape[0])
    if not isinstance(ids, torch.Tensor) or ids.dim() not in (1, 2) or ids.dtype not in (torch.int64, torch.int32):
        return refuse(f"input_ids must be a 1-D or 2-D tensor of token ids (int64), got {short_repr(ids)}")
    if ids.numel() == 0:  # an empty (0, 2**60) would pass the size checks and overflow the lookup
        return refuse(f"input_ids of shape {tuple(ids.shape)} holds no token ids")
    if ids.numel() > MAX_POSITIONS or ids.numel() * vocab > MAX_LOGITS:
        return refuse(f"input_ids of shape {tuple(ids.shape)}: the toy model takes at most {MAX_POSITIONS} ids "
                      f"and {MAX_LOGITS} logits a pass")
    if int(ids.min()) < 0 or int(ids.max()) >= vocab:
        return refuse(f"input_ids must lie in [0, {vocab}) for this toy model, got {int(ids.min())}..{int(ids.max())}")
    if type(cached) is not int or cached < 0 or type(keep) is not int or keep < 0:
        return refuse("a forward pass whose cache length or logits_to_keep is not a whole number >= 0")
    logits = toy.logits_on_cache(ids.long(), cached, keep)
    record = {"positions": int(ids.shape[-1]), "cached": cached, "grad": request.get("grad") is True, "ids": ids.tolist()}
    return {"op": "toy_logits", "logits": tensor_to_plain(logits)}, record

