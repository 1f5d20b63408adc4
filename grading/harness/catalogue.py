"""The exercises, in course order: the one list that the CLI, the suites and the grader share.

Course order: tokens -> embeddings -> next-token distribution -> temperature -> top-k ->
greedy -> top-p -> sampling loop -> logprobs -> evaluation.

Each exercise is one function in one module of ``exercises/``. Its ``key`` is also its
pytest marker (``pytest -m top_p`` runs just that exercise's tests), and ``points`` is the sum
of the ``points`` marks on its hidden tests (a project test checks the two agree).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One function a learner writes."""

    key: str
    module: str
    function: str
    topic: str
    points: int
    hints: tuple[str, ...]

    @property
    def path(self) -> str:
        """The learner's file, relative to the project root."""
        return f"exercises/{self.module}.py"


EXERCISES: tuple[Exercise, ...] = (
    Exercise("pieces", "tokens", "tokenize_with_pieces", "tokens", 5, (
        "A tokenizer has two views of a token: its id (an int) and its piece (the string in the vocabulary).",
        "Encode with or without special tokens depending on add_bos; then map every id to its piece.",
        "convert_ids_to_tokens gives pieces such as '▁capital' and '<0xE6>'; decode() would hide the '▁'.",
    )),
    Exercise("piece_bytes", "tokens", "piece_bytes", "tokens", 5, (
        "Pieces come in two kinds: ordinary text pieces and byte-fallback pieces written '<0xNN>'.",
        "A byte-fallback piece stands for exactly one raw byte: the hexadecimal number NN.",
        "For a text piece, '▁' stands for a space; the bytes are the UTF-8 encoding of the result.",
    )),
    Exercise("subword_embedding", "embeddings", "subword_averaged_embedding", "embeddings", 10, (
        "A word may be split into several tokens; each token id selects one row of the embedding matrix.",
        "Encode the word WITHOUT special tokens: the BOS row has nothing to do with the word.",
        "Average over the token axis (dim 0), not over the embedding dimension.",
    )),
    Exercise("cosine", "embeddings", "cosine_similarity_matrix", "embeddings", 5, (
        "Cosine similarity is the dot product of two vectors divided by the product of their lengths.",
        "Normalise every row to length 1 first; then one matrix product gives all the pairs.",
        "The diagonal must be 1 (a vector is perfectly similar to itself), and the result symmetric.",
    )),
    Exercise("pca", "embeddings", "pca_2d", "embeddings", 5, (
        "PCA finds the directions along which the points vary most.",
        "Centre the data (subtract the mean of each column) before anything else.",
        "The singular value decomposition of the centred data gives the directions; project onto the first two.",
    )),
    Exercise("next_token", "distributions", "next_token_logits", "next-token distribution", 5, (
        "The model returns logits for EVERY position of the input, shape (batch, T, vocab).",
        "The next token is predicted at the LAST position, not the first.",
        "Run the model under torch.no_grad() and return the logits at index -1 of the sequence axis.",
    )),
    Exercise("temperature", "distributions", "softmax_with_temperature", "temperature", 10, (
        "Temperature rescales the logits before the softmax: divide by it, do not multiply.",
        "exp of a large logit overflows; subtracting the row's maximum first changes nothing mathematically.",
        "Normalise over the last axis (the vocabulary), and reject a temperature that is not finite and > 0.",
    )),
    Exercise("top_k", "topk", "top_k_mask", "top-k", 5, (
        "Top-k keeps the k most probable tokens of each row and drops the rest.",
        "torch.topk gives each row's k largest scores, largest first: the last of them is the k-th largest. "
        "Keep every score at least that large.",
        "The mask stays in vocabulary order and keeps ties with the k-th score; k >= vocab keeps all, k < 1 raises ValueError.",
    )),
    Exercise("top_k_table", "topk", "top_k_table", "top-k", 5, (
        "The table is what the seed's bar chart shows: the k most probable next tokens.",
        "Sort by probability, highest first; give each row its id, its readable text and its probability.",
        "Use tokenizer.decode([id]) for the text, plain Python numbers (not tensors), and list ties lower id first.",
    )),
    Exercise("greedy", "decoding", "greedy_generate", "greedy", 10, (
        "Greedy decoding appends the most probable next token, one step at a time.",
        "Each step looks at the logits of the LAST position; the output keeps the prompt in front.",
        "Stop after appending eos_token_id (keep it), or after max_new_tokens new tokens.",
    )),
    Exercise("top_p", "nucleus", "top_p_mask", "top-p", 10, (
        "Top-p keeps the smallest set of most probable tokens whose total probability reaches p.",
        "Sort each row highest first; a token is kept when the mass ranked ABOVE it is still below p.",
        "The token that crosses p must be kept, and the mask must come back in vocabulary order.",
    )),
    Exercise("sample_top_p", "nucleus", "sample_top_p", "top-p", 6, (
        "Sampling from the nucleus means: zero the tokens outside it, then draw one token per row.",
        "Keep the probabilities in vocabulary order and draw with torch.multinomial and the given generator.",
        "Pass generator=generator to torch.multinomial, or seeded runs will not repeat.",
    )),
    Exercise("sampling_loop", "sampling", "sample_generate", "sampling loop", 10, (
        "A sampling loop is greedy decoding with one change: draw the next token instead of taking argmax.",
        "Apply temperature first, then top-k, then top-p — the order generate(do_sample=True) uses.",
        "Draw with torch.multinomial(probs, 1, generator=generator); stop at eos like the greedy loop.",
    )),
    Exercise("logprobs", "logprobs", "completion_logprobs", "logprobs", 10, (
        "The logprob of a generated token is log softmax of the logits at the position BEFORE it.",
        "One forward pass over the whole sequence gives every position's distribution at once.",
        "A byte-fallback token's bytes are its one raw byte; use log_softmax, not log(softmax).",
    )),
    Exercise("exact_match", "evaluation", "exact_match", "evaluation", 5, (
        "Exact match asks whether the answer appears in the model's reply, ignoring case and punctuation.",
        "Normalise both strings the same way before comparing.",
        "An empty answer never matches.",
    )),
    Exercise("distinct_n", "evaluation", "distinct_n", "evaluation", 5, (
        "distinct-n measures diversity: unique n-grams divided by all n-grams.",
        "Count n-grams of whitespace-separated words over ALL texts together.",
        "With no n-grams at all, return 0.0 rather than dividing by zero.",
    )),
)


def by_key(key: str) -> Exercise:
    """The exercise with this key; raises ``KeyError`` naming the valid keys."""
    for exercise in EXERCISES:
        if exercise.key == key:
            return exercise
    raise KeyError(f"no exercise '{key}'; choose one of: {', '.join(e.key for e in EXERCISES)}")


def modules() -> list[str]:
    """The exercise modules, in course order, each once."""
    return list(dict.fromkeys(exercise.module for exercise in EXERCISES))
