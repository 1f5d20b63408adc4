"""Reference: scoring generated text, and the seed notebook's comparison of decoding settings.

The seed asks two kinds of prompt under greedy and sampled decoding: knowledge questions
("What is the capital of United States?"), where randomness costs correct answers, and story
openers ("Once upon a time,"), where randomness buys variety. Two scores make that visible:

- :func:`exact_match` — did the reply contain the answer? Both strings are lowercased
  (``str.lower``) and cut into words, a word being a maximal run of letters and digits
  (``str.isalnum`` characters); every other character — punctuation, symbols, whitespace —
  only separates words. The reply matches when the answer's words occur in it as a contiguous
  run. "Tokyo." vs "tokyo": both are the words ``["tokyo"]`` -> match. "Washington D. C." vs
  "Washington, D.C.": both are ``["washington", "d", "c"]`` -> match. "Romeo" does not contain
  "Rome" (different words). An answer with no words never matches.
- :func:`distinct_n` — unique n-grams / all n-grams, words being ``str.split()`` pieces (case
  and punctuation kept), n-grams taken within each text (never across two texts) and pooled
  over all texts. 1.0: no n-gram repeats; three identical texts give at most 1/3.

This module's implementations (regular expressions, ``collections.Counter``) are independent
of ``solutions/evaluation.py`` (string padding, sets).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import torch

from reference.settings import is_greedy, setting_label  # noqa: F401  (re-exported: compare_tasks labels with them)

_WORD = re.compile(r"[^\W_]+")  # letters and digits: \w without the underscore


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def exact_match(prediction: str, answer: str) -> bool:
    """Whether ``answer``'s normalised words occur, in order and contiguous, in ``prediction``'s."""
    needle, haystack = _words(answer), _words(prediction)
    if not needle:
        return False
    width = len(needle)
    return any(haystack[start : start + width] == needle for start in range(len(haystack) - width + 1))


def distinct_n(texts: list[str], n: int) -> float:
    """Unique n-grams over all n-grams of ``texts`` (whitespace words, n-grams within each text).

    Returns 0.0 when the texts hold no n-gram at all; raises ``ValueError`` for ``n < 1``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = text.split()
        counts.update(zip(*(words[offset:] for offset in range(n))))
    total = sum(counts.values())
    return len(counts) / total if total else 0.0


@torch.no_grad()
def _continue(backend, prompt: str, setting: dict[str, Any], seed: int, max_new_tokens: int) -> str:
    """The text ``backend``'s model writes after ``prompt`` under ``setting`` (``model.generate``).

    Greedy: ``do_sample=False``. Sampled: ``do_sample=True`` with the setting's temperature and
    top_p, ``top_k`` as given or ``None`` (transformers would otherwise add ``top_k=50``), after
    ``torch.manual_seed(seed)``, which is what ``generate`` draws from.
    """
    ids = backend.encode(prompt)
    eos = backend.tokenizer.eos_token_id
    kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "eos_token_id": eos, "pad_token_id": eos}
    if is_greedy(setting):
        kwargs["do_sample"] = False
    else:
        torch.manual_seed(seed)
        kwargs.update(do_sample=True, temperature=float(setting["temperature"]),
                      top_p=float(setting.get("top_p", 1.0)), top_k=setting.get("top_k"))
    output = backend.model.generate(ids, attention_mask=torch.ones_like(ids), **kwargs)
    return backend.tokenizer.decode(output[0, ids.shape[1] :], skip_special_tokens=True)


def compare_tasks(
    backend,
    questions: list[tuple[str, str]],
    openers: list[str],
    settings: list[dict[str, Any]],
    seeds: list[int],
    max_new_tokens: int,
) -> list[dict[str, Any]]:
    """The seed's task comparison: accuracy on knowledge questions and diversity on stories.

    Args:
        backend: a :class:`reference.backends.Backend`.
        questions: ``(question, answer)`` pairs; the question text is the prompt as it is
            (BOS added), like the seed's ``"What is the capital of United States?"``.
        openers: story openers such as ``"Once upon a time,"``.
        settings: decoding settings, each a dict with optional ``temperature`` (absent or 0 =
            greedy), ``top_p`` and ``top_k``: e.g. ``{}``, ``{"top_p": 0.2, "temperature": 0.2}``,
            ``{"top_p": 0.9, "temperature": 1.4}`` (the seed's pairs).
        seeds: one run per seed (greedy runs repeat, which is the point).
        max_new_tokens: tokens generated per prompt.

    Returns one dict per setting, in order: ``setting`` (its label), ``greedy`` (bool),
    ``accuracy`` (exact-match rate over questions × seeds), ``distinct_2`` (over all openers'
    continuations across seeds), ``answers`` (``question``, ``answer``, ``seed``, ``reply``,
    ``correct`` for each run) and ``continuations`` (``opener``, ``seed``, ``text``).
    """
    results = []
    for setting in settings:
        answers = []
        continuations = []
        for seed in seeds:
            for question, answer in questions:
                reply = _continue(backend, question, setting, seed, max_new_tokens)
                answers.append({"question": question, "answer": answer, "seed": seed, "reply": reply,
                                "correct": exact_match(reply, answer)})
            for opener in openers:
                text = _continue(backend, opener, setting, seed, max_new_tokens)
                continuations.append({"opener": opener, "seed": seed, "text": text})
        results.append({
            "setting": setting_label(setting),
            "greedy": is_greedy(setting),
            "accuracy": sum(a["correct"] for a in answers) / len(answers) if answers else 0.0,
            "distinct_2": distinct_n([c["text"] for c in continuations], 2),
            "answers": answers,
            "continuations": continuations,
        })
    return results
