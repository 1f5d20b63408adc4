"""Exercises 6 and 7: from a prompt to a probability distribution over the next token.

A causal language model reads ``T`` token ids and, at every position, scores every token of
the vocabulary as a candidate for the position after it. Those scores are *logits*: any real
numbers. The softmax turns one row of logits into probabilities, and the *temperature*
decides how sharp that distribution is before anything is sampled from it.

Run ``decodelab check next_token`` / ``decodelab check temperature`` to test your work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """Return the model's logits for the token that comes after each sequence.

    Why it matters: everything in decoding — greedy, top-k, top-p, sampling — starts from
    this one row of scores per sequence. Getting the position wrong gives a distribution
    that looks fine but predicts the wrong thing.

    Shapes:
        input_ids: ``(batch, T)`` token ids (int64), already on ``model.device``.
        returns: ``(batch, vocab)`` logits, the model's dtype, on the model's device.

    ``model`` is a torch module (``torch.nn.Module``) whose call ``model(input_ids=ids)``
    returns an output with ``.logits`` of shape ``(batch, T, vocab)``: a transformers model,
    or a toy model of the grader's. Calling it or its ``forward`` gives the same output. Use
    only that (not ``output_hidden_states`` or ``lm_head``, which a toy model does not have).

    Example:
        With the tiny model, ``ids = tokenizer("The capital of Japan is",
        return_tensors="pt").input_ids`` has shape ``(1, 6)``; ``model(input_ids=ids).logits``
        has shape ``(1, 6, 32000)``, and your result is its last position, shape
        ``(1, 32000)``, whose argmax is the id of ``"▁Tokyo"``.

    Pitfall:
        ``logits[:, 0]`` is the prediction after the *first* token (after ``<s>``, that is
        "what starts a text"). The next token after the whole prompt is at index ``-1``.
        Also run the model without building a graph for gradients (``torch.no_grad()``).
    """
    raise NotImplementedError("next_token_logits: see the docstring")


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Turn logits into probabilities, sharpened or flattened by a temperature.

    ``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` over the last axis. ``T < 1`` makes the most
    likely tokens even more likely (sharper); ``T > 1`` flattens the distribution, giving
    unlikely tokens a chance. ``T = 1`` is the model's own distribution.

    Why it matters: temperature is the knob that trades reliability for variety; the seed
    notebook shows the top-10 next tokens of "The capital of Japan is" at 0.4, 1.0 and 1.6.

    Shapes:
        logits: ``(..., vocab)`` floating point; any number of leading axes.
        returns: same shape and dtype; every row (last axis) sums to 1, up to rounding. How
            you compute it is yours: subtracting the max, ``logsumexp``, float64 or float32
            arithmetic all pass. Rounding here means a few float32 units in the last place
            of the largest ``|logit / T|``, whatever the dtype (float32 cannot hold ``1e4``
            more finely than ``1e-3``), plus what adding up a row in float32 may lose in any
            order (a few units per square root of the row's length: ``torch.sum``, a running
            total and ``F.normalize(p=1)`` all pass), and never less than the result's own
            dtype can hold (one float16 unit, for a float16 result).
            Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU
            gives) are computed in float32, as ``generate()`` does, and the probabilities are
            returned in the logits' own dtype.

    Example:
        ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0]), 1.0)``
        -> ``tensor([0.6652, 0.2447, 0.0900])``; with ``temperature=0.5`` the logits become
        ``[4, 2, 0]`` and the first probability grows to about ``0.867``.

    Edge cases:
        - Logits as large as ``±1e4`` must give no ``nan`` or ``inf``, ``float16`` ones at
          ``T = 0.1`` included.
        - A ``-inf`` logit (a token masked out) gets probability exactly 0. (A row whose
          logits are all ``-inf`` has no distribution at all: what it gives is not graded.)
        - A temperature that is not a finite number greater than 0 raises ``ValueError``
          with a message that says why. (Temperature 0 means greedy: that is an ``argmax``,
          not a softmax.)

    Pitfall:
        ``exp(1e4)`` overflows to ``inf`` and ``inf / inf`` is ``nan``. Subtract each row's
        maximum before ``exp`` — it cancels out in the division. And divide by ``T``;
        multiplying does the opposite of what you want. In ``float16``, dividing already
        overflows: ``1e4 / 0.1`` is beyond its largest number, ``65504``. Convert to float32
        before you divide, and back to the logits' dtype at the end. Put ``T`` on the logits,
        not on log-probabilities computed first: ``log_softmax(z) / T`` is the same in exact
        arithmetic, but log-probabilities lie near ``-log(vocab)`` (about -10 for 32000 tokens)
        and dividing by ``T`` multiplies their float32 rounding: at ``T = 0.001`` it moves
        every probability by about 0.1 % of itself, far beyond the rounding allowed above.
    """
    raise NotImplementedError("softmax_with_temperature: see the docstring")
