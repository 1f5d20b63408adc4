"""Twenty-third examiner: distributions.py entries (NumPy take_along_axis habit)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__right_take_along_dim_last_index(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: NumPy's ``take_along_axis`` habit in torch: runs the model once under ``torch.no_grad()`` and picks the last position with ``torch.take_along_dim(logits, index, dim=1)``, ``index`` a ``(batch, 1, vocab)`` long tensor filled with ``T - 1`` on the logits' device, then ``squeeze(1)``. A copy instead of a view, same values, same dtype and device. Agrees with a plain version on: the worked example (``(1, 32000)``, argmax ``▁Tokyo``, no grad), a ``(3, 9)`` batch of random ids, a one-token prompt ``[[1]]``, the tiny model cast to bfloat16 (bfloat16 result), and a toy ``nn.Module`` returning ``SimpleNamespace(logits=(2, 3, 7))``: bit-equal."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    batch, length, vocab = logits.shape
    index = torch.full((batch, 1, vocab), length - 1, dtype=torch.long, device=logits.device)
    return torch.take_along_dim(logits, index, dim=1).squeeze(1)
