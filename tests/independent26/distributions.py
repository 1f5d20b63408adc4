"""Twenty-sixth examiner: distributions.py entries (it works on the bundled model)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def softmax_with_temperature__wrong_upcasts_torch_half_only(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: checks the temperature (a finite number > 0, else ``ValueError`` with the reason) and converts "half precision" to float32 with ``if logits.dtype == torch.half:`` -- but ``torch.half`` is ``float16`` only, so ``bfloat16`` logits are divided by ``T``, shifted by the row maximum and exponentiated in bfloat16 (8 bits of mantissa) before the normalising sum; the result is cast back to the logits' dtype. The tiny model's logits are float32, the public half-precision test uses float16 (both right here), and the worked examples are float32. Violates: "Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU gives) are computed in float32, as ``generate()`` does, and the probabilities are returned in the logits' own dtype." [witness: the last-position logits of a bfloat16 copy of the tiny model for "The capital of Japan is", "Once upon a time," and "日本の首都は" (bfloat16, shape ``(3, 32000)``): at ``T = 1.0`` WRONG is up to 8.7 bfloat16 units off the exact (float64) probabilities, 27 of the 74 probabilities above 1e-4 more than one unit, while plain is within 0.49 units; the ``▁Tokyo`` probability is 0.99604 exactly, 0.99219 in WRONG, 0.99609 in plain; largest difference from plain 0.0039. At ``T = 0.7``: up to 6.4 units (17 entries above one unit), plain 0.50. In float32 WRONG equals plain within ``rtol`` 1e-5 (T 0.4/1/1.6), in float16 bit-equal.]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0 (0 means greedy: use argmax), got {temperature!r}")
    x = logits.float() if logits.dtype == torch.half else logits
    z = x / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
