"""Thirty-third examiner: nucleus.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations


import torch
from transformers.generation import TopPLogitsWarper


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def top_p_mask__wrong_warper_min_tokens_to_keep_two(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: uses the docstring's own yardstick, transformers' ``TopPLogitsWarper``, on ``probs.float().log()`` reshaped to ``(-1, vocab)`` (so any leading axes and non-contiguous batches work), with ``filter_value=nan`` to read the mask back (``~isnan``), after checking ``p`` itself (``ValueError`` for anything but a number in [0, 1], strings and ``nan`` included). The one slip: ``min_tokens_to_keep=2``, copied from what ``generate()``'s ``_get_logits_processor`` passes for beam sampling ("keep at least one non-eos token"), so a nucleus never shrinks below two tokens. Every worked example keeps two or more tokens, so all pass. Violates: "the most probable token is always kept, so ``p = 0`` keeps exactly one token" [witness: the worked example's ``probs`` with ``p = 0`` (and with ``p = 0.3``, where 0.5 alone already crosses): ``tensor([False, True, False, True])``; a plain version ``tensor([False, True, False, False])``. The tiny model's next-token rows for "The capital of Japan is", "Once upon a time,", "明日の天気は" (top probabilities 0.996, 0.456, 0.682) at ``p = 0.2``: 2, 2, 2 tokens kept; plain 1, 1, 1. Equal to plain: ``p`` 0.7 and 0.8 worked examples, the tie example (id 0 and one of 1, 3), a ``(2, 4)`` batch, a transposed ``(3, 2, 50)`` batch at 0.9, the two hesitant tiny rows at 0.9/0.95/0.99 (5/5/8 and 2/2/2 kept), four ``ValueError``s (checks/check_entries.log)]."""
    _check_p(p)
    vocab = probs.shape[-1]
    scores = probs.float().log().reshape(-1, vocab)
    # min_tokens_to_keep=2 as generate() builds it for beam sampling ("keep at least one non-eos token")
    warper = TopPLogitsWarper(top_p=float(p), filter_value=float("nan"), min_tokens_to_keep=2)
    kept = warper(None, scores)
    return (~torch.isnan(kept)).reshape(probs.shape)


def sample_top_p__right_nucleus_from_top_p_warper(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: step 1 done with transformers' own ``TopPLogitsWarper(top_p=float(p), filter_value=nan)`` on ``probs.float().log()`` (the warper wants scores; the log of a probability row is one, and its softmax is the row again), the nucleus read back as ``~isnan``; ``p`` is checked first by the entry itself (the warper's own check lets ``nan`` and the string ``"0.5"`` through). Steps 2 and 3 exactly as the docstring says: ``torch.where(keep, probs, 0)`` in ``probs``' own dtype and order, one ``torch.multinomial(kept, num_samples=1, generator=generator)``, ``.squeeze(1)``. The docstring says the warper "makes exactly the decisions of this rule" away from rounding spots, so the nucleus, and hence the draws, are the plain ones. Agrees with a plain version on: 100 seeds each of the worked example at p 0.7 (ids only 1 and 3, id 1 in 0.720 of 200 seeds), the tiny model's ``(3, 32000)`` batch at p 0.5, 0.9, 1.0 and 0, its float16 copy at 0.9, a ``(5, 7)`` float64 batch at 0.6 -- every draw equal; ``p = 0`` always 1; ``ValueError`` for 1.5, -0.1, nan, "0.5"; ``probs`` unchanged (checks/check_entries.log)."""
    _check_p(p)
    warper = TopPLogitsWarper(top_p=float(p), filter_value=float("nan"))
    keep = ~torch.isnan(warper(None, probs.float().log()))
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(1)
