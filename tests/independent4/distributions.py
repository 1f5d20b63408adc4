"""Independent catalogue, round 4: submissions for exercises/distributions.py.

Written from the docstrings of ``exercises/distributions.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__wrong_masks_id_zero_as_padding(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: "handles padding" by passing ``attention_mask = (input_ids != 0)`` (id 0 as the
    pad id, as in many tutorials); id 0 is Mistral's ``<unk>``, a real token, which the
    model is then told to ignore. Violates: "Return the model's logits for the token that
    comes after each sequence." [``[[1, 0, 415, 5565]]``]"""
    with torch.no_grad():
        mask = (input_ids != 0).long()
        logits = model(input_ids=input_ids, attention_mask=mask).logits
    return logits[:, -1, :]
