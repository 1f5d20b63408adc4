"""Forty-third examiner: distributions.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__right_eval_and_grad_restored_in_finally(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: the forward pass with gradients off and the model in eval mode, both switched by hand and put back in a ``finally``: ``grad_was = torch.is_grad_enabled()``, ``was_training = model.training``, ``torch.set_grad_enabled(False)`` (the plain function, not a ``with``), ``model.eval()``; after the call ``model.train(was_training)`` and ``torch.set_grad_enabled(grad_was)``, also when the model raises. The result is ``out.logits[:, -1, :]``, made while grad was off, so it has no graph. Agrees with a plain version on: the worked example (``(1, 32000)``, argmax ``▁Tokyo``), a ``(2, 6)`` batch, a 3-id toy (``[[2., 0., 1.]]``), a bfloat16 toy, with grad mode and each model's train flag unchanged afterwards, also inside ``torch.enable_grad()`` and after a forward that raised (checks/check_entries.log)."""
    grad_was = torch.is_grad_enabled()
    was_training = model.training
    torch.set_grad_enabled(False)
    model.eval()
    try:
        out = model(input_ids=input_ids)
    finally:
        model.train(was_training)
        torch.set_grad_enabled(grad_was)
    return out.logits[:, -1, :]
