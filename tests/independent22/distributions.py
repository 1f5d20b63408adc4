"""Twenty-second examiner: distributions.py entries (the learner who follows the seed notebook)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__right_article_forward_method(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): runs the model the way the seed notebook does, by calling its ``forward`` method (``model.forward(input_ids=...)``) under ``torch.no_grad()``, and returns ``logits[:, -1, :]``. Every model the exercise is given is a torch ``nn.Module`` (a transformers model, or the grader's toy ``BigramModel``), whose ``forward`` gives what calling it gives (the hooks that watch its passes sit on the inner decoder, which sees either call), so the same row comes back for every model graded. Calling the model is the better habit (a module's own hooks run only then), but this is not a wrong answer. The examiner's witness, a callable with no ``forward``, is no model the exercise is given."""
    with torch.no_grad():
        outputs = model.forward(input_ids=input_ids)
    return outputs.logits[:, -1, :]
