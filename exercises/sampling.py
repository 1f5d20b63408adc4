"""Exercise 13: the sampling loop — temperature, top-k and top-p together, one token at a time.

Greedy decoding always appends the most probable next token, so the same prompt always gives
the same text. Sampling draws the next token from the (filtered) distribution instead: the
same prompt gives a different continuation each time, unless the random generator is seeded.
The seed notebook shows why that matters: sampled story openers vary, sampled answers to
knowledge questions go wrong more often.

This is what ``model.generate(input_ids, do_sample=True, temperature=..., top_k=...,
top_p=...)`` does; here you write it yourself.

Note: this file must stand alone. The grader loads each of your modules on its own, so do
not import from your other exercise files — copy your top-p code in here if you want it.

Run ``decodelab check sampling_loop`` to test your work.
"""
from __future__ import annotations

import torch


def sample_generate(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """Generate up to ``max_new_tokens`` tokens after the prompt by sampling.

    Each step, exactly in this order (the order ``generate(do_sample=True)`` uses):

    1. Run the model on the sequence so far and take the logits of the LAST position,
       shape ``(1, vocab)``; cast them to float32 (``generate`` does this too: a GPU model's
       float16 logits are too coarse to filter and sample from).
    2. Temperature: divide the logits by ``temperature``.
    3. Top-k (skip when ``top_k`` is None): set every logit smaller than the k-th largest to
       ``-inf`` (tokens tied with the k-th stay; ``top_k`` >= vocab changes nothing).
    4. Top-p (skip when ``top_p`` is 1.0): take the softmax of the logits as they are now
       (after top-k, so the survivors' probabilities sum to 1), find the nucleus with the rule
       of ``top_p_mask`` (keep a token when the probability ranked above it is below
       ``top_p``; the most probable one always stays), and set the other logits to ``-inf``.
       (No graded input has tied tokens that the cut splits, so the order your sort gives
       tied tokens never changes the draw.)
    5. ``probs = softmax(logits)`` and draw one token: ``torch.multinomial(probs,
       num_samples=1, generator=generator)``, shape ``(1, 1)``. (Zeroing the probabilities
       outside the nucleus instead of taking the softmax again draws the same tokens, up to
       rounding in the last bit: ``multinomial`` renormalises each row itself.)
    6. Append it. Stop after appending ``eos_token_id`` (keep it in the output) or after
       ``max_new_tokens`` new tokens. Only a new token can stop the loop: a prompt that
       already ends with ``eos_token_id`` still gets its new tokens. ``eos_token_id=None``
       means no early stop. As in the greedy exercise, nothing is read from the model's
       configuration, where ``generate`` would fall back to it: not its end-of-sequence
       token, and not the sampling settings an instruct checkpoint's ``generation_config``
       recommends (``temperature=0.6, top_p=0.9``, say). Called with the defaults, the loop
       samples from the plain softmax.

    Raise ``ValueError`` for a temperature that is not a finite number > 0 (temperature 0 is
    greedy decoding: argmax, not sampling), for ``top_k`` < 1, or for ``top_p`` outside [0, 1]
    (or not a number: ``nan`` fails every comparison, so ``top_p > 1`` alone lets it through;
    a string or ``None`` is no number either, and comparing one raises ``TypeError``).

    Why it matters: with a seeded generator the draw is repeatable, so your loop must pick
    exactly the tokens the reference picks. The seed notebook's settings are good to try:
    ``top_p=0.2, temperature=0.2`` (nearly greedy) against ``top_p=0.9, temperature=1.4``.

    Shapes:
        input_ids: ``(1, T)`` int64 on the model's device.
        generator: a ``torch.Generator`` on the model's device, or None for the global one.
        returns: ``(1, T + n)`` int64 — the prompt followed by the ``n`` sampled tokens,
        ``n <= max_new_tokens``. A ``T + max_new_tokens`` past the model's context
        (``model.config.max_position_embeddings``: 512 for the tiny model) is not graded.

    Example:
        ``ids = tokenizer("Once upon a time,", return_tensors="pt").input_ids``;
        ``sample_generate(model, ids, 20, temperature=1.4, top_p=0.9,
        generator=torch.Generator().manual_seed(0))`` returns ``(1, T + 20)`` ids (fewer if
        ``</s>`` came first); run it again with the same seed and you get the same ids.
        ``top_k=None`` here means no top-k at all. (``generate`` itself quietly uses
        ``top_k=50`` unless you pass ``top_k=None``.)

    Pitfalls:
        - The order matters: top-p decides on the distribution AFTER temperature and top-k.
        - Forgetting ``generator=generator`` in ``torch.multinomial``: the result is random but
          not repeatable.
        - Run the model under ``torch.no_grad()``; the KV cache (``use_cache=True`` and
          ``cache=out.cache``, feeding one new token per step, as in the greedy exercise)
          is optional here.
    """
    raise NotImplementedError("sample_generate: see the docstring")
