"""Forty-fifth examiner: distributions.py entries (the learner who works in log space)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__wrong_tempers_log_softmax(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG (written as RIGHT by the examiner; the project decided otherwise: the docstring allows "a few float32 units in the last place of the largest ``|logit / T|``", and this route rounds at the scale of ``|log_softmax(z) / T|``, about ``log(vocab) / T``: on the hidden test's ``[[0.01, 0.0, -0.005]]`` at ``T = 0.001`` its first probability is 1.0 against 0.999954, and its row sums to 1.0000458. The docstring's pitfall now says to put ``T`` on the logits; see the README's "Graded through decodelab grade"). As written by the examiner -- RIGHT: the log-space learner's temperature: first the model's own log-probabilities, ``log_softmax`` of the float32 (float64 for float64) logits, then the temperature applied to THOSE (``logp / T``), then ``exp(x - logsumexp(x))`` to normalise again, cast back to the logits' dtype. Dividing log-probabilities by ``T`` is dividing the logits by ``T`` and subtracting a per-row constant (``lse / T``), which the second normalisation removes, so this is the docstring's ``exp(z_i / T) / sum_j exp(z_j / T)``; and unlike Chollet's ``log(softmax(z)) / T`` (filed before) nothing underflows first, because ``log_softmax`` stays finite for every finite logit. A ``-inf`` logit stays ``-inf`` through both steps and gets exactly 0. The temperature is checked first (a finite real number > 0, ``ValueError`` saying why). Agrees with a plain version on: the worked examples ``[2, 1, 0]`` at T 1 and 0.5, a float16 row of ``±1e4`` at T 0.1, ``[0, -200]`` at T 100 (where ``log(softmax)`` would give ``[1, 0]``), a ``-inf`` logit, a ``(2, 3, 50)`` float32 batch at T 0.7 and 1.6, bfloat16 and float64 rows, and the tiny model's next-token logits at T 0.4/1.0/1.6 (checks/check_entries.log)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    work = torch.promote_types(logits.dtype, torch.float32)
    logp = torch.log_softmax(logits.to(work), dim=-1)  # the model's own log-probabilities
    tempered = logp / temperature                       # temperature in log space
    probs = torch.exp(tempered - torch.logsumexp(tempered, dim=-1, keepdim=True))
    return probs.to(logits.dtype)
