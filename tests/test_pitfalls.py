"""Every pitfall an exercise's docstring names is caught by that exercise's PUBLIC tests.

A learner trusts ``decodelab check``: "done" must not be said of code that makes a mistake the
docstring warns about. For every pitfall, edge case and error a docstring names, the table
below holds the words that name it, a catalogued wrong version that makes exactly that mistake
(``tests/wrong_implementations/``) and the public test that catches it. The tests prove that:

- the words are still in the docstring (the table stays honest when a docstring changes);
- the public suite of that exercise does not pass on the wrong version, and the named test
  is among the ones that fail;
- the public suites still pass on ``solutions/`` and read "not started" on the untouched stubs.
"""
from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from grading.harness.catalogue import EXERCISES, by_key
from grading.harness.runner import SuiteRun, run_suites_in_turn
from tests.catalogue import wrong_versions
from tests.stubs import stubs_folder, stubs_target

ROOT = Path(__file__).resolve().parent.parent

# (exercise key, wrong version in tests/wrong_implementations/<module>.py,
#  the docstring's words naming the pitfall, the public test that catches it)
PITFALLS: list[tuple[str, str, str, str]] = [
    # tokens.py: tokenize_with_pieces
    ("pieces", "tokenize_with_pieces__decoded_pieces",
     "``tokenizer.decode([id])`` is NOT the piece", "test_english_prompt_with_bos"),
    ("pieces", "tokenize_with_pieces__bos_added_twice",
     "do not add the BOS yourself on top of a tokenizer that already adds it", "test_english_prompt_with_bos"),
    ("pieces", "tokenize_with_pieces__empty_text_is_empty",
     "An empty text gives ``[(1, '<s>')]`` with ``add_bos=True`` and ``[]`` without.",
     "test_an_empty_text_is_the_bos_alone"),
    # tokens.py: piece_bytes
    ("piece_bytes", "piece_bytes__byte_as_character",
     "``chr(0xE6).encode('utf-8')``", "test_piece_bytes_examples"),
    ("piece_bytes", "piece_bytes__strips_leading_space",
     "keep the space that ``'▁'`` stands for; ``decode`` drops it, you must not", "test_piece_bytes_examples"),
    ("piece_bytes", "piece_bytes__all_tags_are_special",
     "Pieces that only look like tags, such as ``'<?>'`` or ``'<>'``, are text too.", "test_piece_bytes_examples"),
    ("piece_bytes", "piece_bytes__specials_as_text",
     "special piece ``'<unk>'``, ``'<s>'`` or ``'</s>'``: ``b''``", "test_piece_bytes_examples"),
    ("piece_bytes", "piece_bytes__returns_str",
     "a ``bytes`` object (not a ``str``, not a list of ints)", "test_piece_bytes_examples"),
    # embeddings.py: subword_averaged_embedding
    ("subword_embedding", "subword_averaged_embedding__includes_bos",
     "``tokenizer.encode(word)`` adds the BOS token ``<s>`` (id 1) by default", "test_one_token_word_is_its_row"),
    ("subword_embedding", "subword_averaged_embedding__mean_over_wrong_axis",
     "average over the tokens (``dim=0``), not over the ``d`` numbers of each row", "test_one_token_word_is_its_row"),
    ("subword_embedding", "subword_averaged_embedding__sum",
     "and do not *sum*", "test_two_token_word_is_the_mean_of_two_rows"),
    ("subword_embedding", "subword_averaged_embedding__drops_every_bos_id",
     "do not encode with the BOS and drop every id 1 afterwards: that drops the text's own too",
     "test_a_text_that_spells_bos_keeps_its_own_token"),
    ("subword_embedding", "subword_averaged_embedding__no_empty_check",
     'A word that encodes to no tokens at all (the empty string ``""``) has no rows to average: raise ``ValueError``',
     "test_empty_word_is_rejected"),
    # embeddings.py: cosine_similarity_matrix
    ("cosine", "cosine_similarity_matrix__normalises_columns",
     "Dividing by the norms of the columns", "test_cosine_worked_example"),
    ("cosine", "cosine_similarity_matrix__one_norm_only",
     "or by only one of the two lengths", "test_cosine_worked_example"),
    ("cosine", "cosine_similarity_matrix__nan_for_zero_vectors",
     "Give it similarity 0 with every row, itself included", "test_cosine_of_a_zero_vector_is_zero"),
    # embeddings.py: pca_2d
    ("pca", "pca_2d__not_centred",
     'Without centring, the first "component" points at the mean of the data', "test_pca_centres_the_data"),
    ("pca", "pca_2d__smallest_eigenvectors",
     "``torch.linalg.eigh`` sorts eigenvalues from SMALLEST to largest", "test_pca_of_points_on_a_line"),
    ("pca", "pca_2d__svd_in_half_precision",
     "``float16`` and ``bfloat16`` too", "test_pca_of_half_precision_vectors"),
    ("pca", "pca_2d__svd_in_half_precision",
     "have no half-precision version: for ``float16`` or ``bfloat16`` vectors, compute in float32",
     "test_pca_of_half_precision_vectors"),
    # distributions.py: next_token_logits
    ("next_token", "next_token_logits__first_position",
     "``logits[:, 0]`` is the prediction after the *first* token", "test_next_token_logits_are_the_last_position"),
    ("next_token", "next_token_logits__keeps_gradients",
     "run the model without building a graph for gradients (``torch.no_grad()``)",
     "test_next_token_logits_build_no_gradient_graph"),
    # distributions.py: softmax_with_temperature
    ("temperature", "softmax_with_temperature__no_max_subtraction",
     "``exp(1e4)`` overflows to ``inf`` and ``inf / inf`` is ``nan``", "test_huge_logits_stay_finite"),
    ("temperature", "softmax_with_temperature__multiplies",
     "multiplying does the opposite of what you want", "test_lower_temperature_is_sharper"),
    ("temperature", "softmax_with_temperature__clamps_logits",
     "A ``-inf`` logit (a token masked out) gets probability exactly 0.", "test_a_masked_token_gets_exactly_zero"),
    ("temperature", "softmax_with_temperature__no_validation",
     "A temperature that is not a finite number greater than 0 raises ``ValueError``",
     "test_zero_temperature_is_rejected"),
    ("temperature", "softmax_with_temperature__only_rejects_nonpositive",
     "not a finite number greater than 0", "test_a_temperature_that_is_not_finite_and_positive_is_rejected"),
    ("temperature", "softmax_with_temperature__error_without_reason",
     "with a message that says why", "test_zero_temperature_is_rejected"),
    ("temperature", "softmax_with_temperature__wrong_axis",
     "every row (last axis) sums to 1", "test_each_row_is_its_own_distribution"),
    ("temperature", "softmax_with_temperature__casts_to_float32",
     "returns: same shape and dtype", "test_each_row_is_its_own_distribution"),
    ("temperature", "softmax_with_temperature__no_max_subtraction",
     "Logits as large as ``±1e4`` must give no ``nan`` or ``inf``", "test_huge_logits_stay_finite"),
    ("temperature", "softmax_with_temperature__divides_in_half_precision",
     "``float16`` ones at ``T = 0.1`` included", "test_half_precision_logits_at_a_low_temperature"),
    ("temperature", "softmax_with_temperature__float16_only_in_float32",
     "Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU gives) are computed in float32",
     "test_bfloat16_logits_at_a_low_temperature"),
    ("temperature", "softmax_with_temperature__divides_in_half_precision",
     "In ``float16``, dividing already overflows", "test_half_precision_logits_at_a_low_temperature"),
    ("temperature", "softmax_with_temperature__tempers_log_probabilities",
     "Put ``T`` on the logits, not on log-probabilities computed first", "test_the_temperature_goes_on_the_logits"),
    # topk.py: top_k_mask
    ("top_k", "top_k_mask__sorted_order",
     "Build the mask in vocabulary order", "test_top_k_mask_worked_example"),
    ("top_k", "top_k_mask__whole_batch",
     "ask for ``dim=-1`` so each row of a batch is decided on its own", "test_top_k_mask_each_row_on_its_own"),
    ("top_k", "top_k_mask__no_clamp_to_vocab",
     "``k`` at least the vocabulary size keeps every token.", "test_top_k_mask_keeps_ties_and_handles_large_k"),
    ("top_k", "top_k_mask__no_validation",
     "``k < 1`` raises ``ValueError``", "test_top_k_mask_rejects_k_zero"),
    ("top_k", "top_k_mask__exactly_k_ignores_ties",
     "a token is kept when its score is at least the k-th largest score of its row",
     "test_top_k_mask_keeps_ties_and_handles_large_k"),
    # topk.py: top_k_table
    ("top_k_table", "top_k_table__raw_pieces",
     "``tokenizer.convert_ids_to_tokens`` gives the raw piece", "test_top_k_table_shows_readable_text"),
    ("top_k_table", "top_k_table__tensors",
     "a tensor in the table is not a number", "test_top_k_table_worked_example"),
    ("top_k_table", "top_k_table__topk_k_too_large",
     "``k`` larger than the vocabulary lists every token.", "test_top_k_table_k_larger_than_the_vocabulary"),
    ("top_k_table", "top_k_table__rejects_k_zero",
     "``k = 0`` lists no token", "test_top_k_table_of_k_zero_is_empty"),
    ("top_k_table", "top_k_table__topk_tie_order",
     "Equal probabilities are listed lower id first", "test_top_k_table_lists_ties_lower_id_first"),
    ("top_k_table", "top_k_table__topk_then_resorts_ties",
     "also where the list is cut: of tokens tied at the ``k``-th place, the lower ids are the ones listed",
     "test_top_k_table_lists_ties_lower_id_first"),
    # decoding.py: greedy_generate
    ("greedy", "greedy_generate__first_position",
     "``logits[:, 0]`` is the prediction after the first token, not after the prompt",
     "test_greedy_first_token_is_the_argmax"),
    ("greedy", "greedy_generate__new_tokens_only",
     "Forgetting the prompt in the output", "test_greedy_keeps_the_prompt_and_adds_tokens"),
    ("greedy", "greedy_generate__drops_eos",
     "stopping BEFORE appending the eos token", "test_greedy_stops_after_eos_and_keeps_it"),
    ("greedy", "greedy_generate__keeps_gradients",
     "Building a gradient graph for nothing: wrap the loop in ``torch.no_grad()``",
     "test_greedy_builds_no_gradient_graph"),
    ("greedy", "greedy_generate__at_least_one_token",
     "``max_new_tokens = 0`` returns the prompt as it is", "test_greedy_zero_new_tokens_returns_the_prompt"),
    ("greedy", "greedy_generate__none_means_model_eos",
     "``eos_token_id = None`` means: never stop early", "test_greedy_keeps_the_prompt_and_adds_tokens"),
    ("greedy", "greedy_generate__never_checks_eos",
     "If the very first new token is ``eos_token_id``, the result is the prompt plus that one token",
     "test_greedy_stops_after_eos_and_keeps_it"),
    # nucleus.py: top_p_mask
    ("top_p", "top_p_mask__drops_crossing_token",
     "Dropping the crossing token: ``cumsum <= p`` keeps too few", "test_top_p_keeps_the_token_that_crosses_p"),
    ("top_p", "top_p_mask__sorted_order",
     "Returning the mask in sorted order", "test_top_p_worked_example"),
    ("top_p", "top_p_mask__cumsum_over_first_axis",
     "Cumulating over the wrong axis", "test_top_p_decides_each_row_on_its_own"),
    ("top_p", "top_p_mask__cumsum_over_whole_batch",
     "(or over the whole batch)", "test_top_p_decides_each_row_on_its_own"),
    ("top_p", "top_p_mask__no_validation",
     "``p`` outside [0, 1] (or not a number) raises ``ValueError``", "test_top_p_rejects_p_above_one"),
    ("top_p", "top_p_mask__accepts_nan",
     "(or not a number)", "test_top_p_rejects_p_below_zero_or_not_a_number"),
    ("top_p", "top_p_mask__string_p_raises_type_error",
     "(or not a number)", "test_top_p_rejects_p_below_zero_or_not_a_number"),
    ("top_p", "top_p_mask__error_without_reason",
     "raises ``ValueError`` saying so", "test_top_p_rejects_p_above_one"),
    ("top_p", "top_p_mask__keeps_whole_tie_at_cut",
     "Where tied tokens straddle the cut, the rule keeps as many of them as it says",
     "test_top_p_a_tie_at_the_cut_keeps_one_of_them"),
    ("top_p", "top_p_mask__top_token_not_forced",
     "the most probable token is always kept, so ``p = 0`` keeps exactly one token",
     "test_top_p_zero_keeps_only_the_most_probable_token"),
    # nucleus.py: sample_top_p
    ("sample_top_p", "sample_top_p__returns_sorted_positions",
     "the drawn index is then a rank (0 = most probable), not a token id", "test_sample_top_p_never_leaves_the_nucleus"),
    ("sample_top_p", "sample_top_p__ignores_generator",
     "pass ``generator=generator`` to ``torch.multinomial``, or seeded runs will not repeat",
     "test_sample_top_p_repeats_with_the_same_seed"),
    ("sample_top_p", "sample_top_p__draws_in_sorted_order",
     "Drawing in vocabulary order", "test_sample_top_p_draws_in_vocabulary_order"),
    ("sample_top_p", "sample_top_p__zeroes_probs_in_place",
     "do not change ``probs`` itself", "test_sample_top_p_leaves_probs_alone"),
    # sampling.py: sample_generate
    ("sampling_loop", "sample_generate__temperature_after_top_p",
     "top-p decides on the distribution AFTER temperature and top-k", "test_top_p_comes_after_temperature"),
    ("sampling_loop", "sample_generate__top_p_before_top_k",
     "top-p decides on the distribution AFTER temperature and top-k", "test_top_p_comes_after_top_k"),
    ("sampling_loop", "sample_generate__ignores_generator",
     "Forgetting ``generator=generator`` in ``torch.multinomial``", "test_sampling_repeats_with_the_same_seed"),
    ("sampling_loop", "sample_generate__keeps_gradients",
     "Run the model under ``torch.no_grad()``", "test_sampling_builds_no_gradient_graph"),
    ("sampling_loop", "sample_generate__eos_dropped",
     "Stop after appending ``eos_token_id`` (keep it in the output)", "test_sampling_stops_after_eos"),
    ("sampling_loop", "sample_generate__no_validation",
     "Raise ``ValueError`` for a temperature that is not a finite number > 0", "test_sampling_rejects_temperature_zero"),
    ("sampling_loop", "sample_generate__temperature_only_checked_positive",
     "a temperature that is not a finite number > 0",
     "test_sampling_rejects_a_temperature_that_is_not_finite_and_positive"),
    ("sampling_loop", "sample_generate__accepts_top_k_zero",
     "for ``top_k`` < 1", "test_sampling_rejects_top_k_below_one"),
    ("sampling_loop", "sample_generate__accepts_top_p_above_one",
     "for ``top_p`` outside [0, 1]", "test_sampling_rejects_top_p_outside_zero_one"),
    # logprobs.py: completion_logprobs
    ("logprobs", "completion_logprobs__same_position",
     "Reading the logits at position ``t`` instead of ``t - 1``", "test_logprob_comes_from_the_position_before"),
    ("logprobs", "completion_logprobs__log_of_softmax",
     "``torch.log(torch.softmax(x))``: a probability below ~1e-45 rounds to 0 in float32",
     "test_a_very_unlikely_token_keeps_a_finite_logprob"),
    ("logprobs", "completion_logprobs__bytes_from_decode",
     "``tokenizer.decode([id])`` for the text: it drops the space of ``'▁'``", "test_one_record_per_generated_token"),
    ("logprobs", "completion_logprobs__bytes_from_decode",
     "turns a lone byte into ``'�'``", "test_byte_fallback_tokens_show_their_raw_bytes"),
    ("logprobs", "completion_logprobs__rejects_empty_completion",
     "``prompt_length == T`` (nothing generated) returns ``[]``", "test_nothing_generated_gives_no_records"),
    ("logprobs", "completion_logprobs__no_validation",
     "``prompt_length < 1`` or ``> T`` raises ``ValueError``", "test_the_first_token_has_no_logprob"),
    ("logprobs", "completion_logprobs__accepts_prompt_longer_than_sequence",
     "``prompt_length < 1`` or ``> T`` raises ``ValueError``", "test_a_prompt_longer_than_the_sequence_is_rejected"),
    ("logprobs", "completion_logprobs__negative_top_n_not_rejected",
     "A negative ``top_n`` raises ``ValueError``", "test_a_negative_top_n_is_rejected"),
    ("logprobs", "completion_logprobs__rejects_top_n_zero",
     "``top_n = 0`` gives empty ``top_logprobs`` lists", "test_top_n_zero_gives_no_alternatives"),
    # evaluation.py: exact_match
    ("exact_match", "exact_match__raw_substring",
     "``answer in prediction`` on raw strings", "test_case_and_punctuation_are_ignored"),
    ("exact_match", "exact_match__empty_matches",
     '``"" in s`` is always ``True``', "test_an_empty_answer_never_matches"),
    ("exact_match", "exact_match__substring",
     '``"Rome"`` is found inside ``"Romeo"``', "test_whole_words_only"),
    ("exact_match", "exact_match__keeps_punctuation",
     '``"Tokyo"`` is not found in ``"tokyo."``', "test_case_and_punctuation_are_ignored"),
    ("exact_match", "exact_match__case_sensitive",
     "lowercase (``str.lower()``)", "test_case_and_punctuation_are_ignored"),
    ("exact_match", "exact_match__punctuation_answer_matches",
     'An ``answer`` with no words (``""``, ``"?!"``) never matches', "test_an_answer_of_punctuation_only_never_matches"),
    ("exact_match", "exact_match__deletes_punctuation",
     "punctuation, symbols, whitespace — becomes a space", "test_punctuation_inside_the_answer_becomes_a_space"),
    ("exact_match", "exact_match__bag_of_words",
     "as one contiguous run, in the same order", "test_the_words_must_come_in_order"),
    # evaluation.py: distinct_n
    ("distinct_n", "distinct_n__across_texts",
     "Joining all texts before cutting n-grams invents n-grams across the boundary",
     "test_distinct_bigrams_worked_example"),
    ("distinct_n", "distinct_n__split_on_space",
     '``text.split(" ")`` keeps empty strings for double spaces', "test_double_spaces_make_no_extra_words"),
    ("distinct_n", "distinct_n__no_zero_guard",
     'No n-grams at all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``', "test_no_ngrams_gives_zero"),
    ("distinct_n", "distinct_n__no_validation",
     "``n < 1`` raises ``ValueError``", "test_n_below_one_is_rejected"),
]


# Items of a docstring's "Pitfall(s)" and "Edge case(s)" sections that no public test can hold,
# with the reason: the words that begin the item -> why.
NOT_HELD: dict[tuple[str, str], str] = {
    ("top_p", "Where a running total lands on ``p`` or within float rounding of it"):
        "it says where floating-point rounding decides, i.e. where the rule promises nothing; the tests stay 1e-4 away",
}
SECTIONS = ("Pitfall", "Pitfalls", "Edge case", "Edge cases")


def contract_items(text: str) -> list[tuple[str, str]]:
    """(section, item) for each bullet (or paragraph) of the docstring's Pitfall(s) and Edge case(s) sections."""
    found: list[tuple[str, str]] = []
    section: str | None = None
    current: str | None = None
    for line in text.splitlines():
        if line and not line.startswith(" "):  # a section header (or the text between sections)
            if current:
                found.append((section or "", current))
                current = None
            name = line.strip().rstrip(":")
            section = name if line.rstrip().endswith(":") and name in SECTIONS else None
            continue
        if section is None or not line.strip():
            continue
        body = line.strip()
        if body.startswith("- "):
            if current:
                found.append((section, current))
            current = body[2:]
        else:
            current = f"{current} {body}" if current else body
    if current:
        found.append((section or "", current))
    return found


def _squeeze(text: str) -> str:
    """Whitespace runs as one space: a docstring wraps its lines wherever it likes."""
    return " ".join(text.split())


def docstring(key: str) -> str:
    """The docstring of exercise ``key``'s function, read from ``exercises/<module>.py`` without importing it."""
    exercise = by_key(key)
    tree = ast.parse((stubs_folder() / f"{exercise.module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == exercise.function:
            return ast.get_docstring(node) or ""
    raise AssertionError(f"{exercise.path} defines no function {exercise.function}")


def test_every_pitfall_and_edge_case_a_docstring_names_has_a_row():
    # The contract: each item of a docstring's Pitfall(s) / Edge case(s) sections is held by a
    # public test (a PITFALLS row whose words it contains), or is in NOT_HELD with the reason.
    unheld = []
    for exercise in EXERCISES:
        rows = [_squeeze(words) for key, _, words, _ in PITFALLS if key == exercise.key]
        items = contract_items(docstring(exercise.key))
        assert items, f"the docstring of {exercise.function}() has no Pitfall(s) or Edge case(s) section, expected one"
        for section, item in items:
            if any(words in _squeeze(item) for words in rows):
                continue
            if any(key == exercise.key and _squeeze(item).startswith(_squeeze(start)) for key, start in NOT_HELD):
                continue
            unheld.append(f"{exercise.key} [{section}]: {item[:160]}")
    assert not unheld, ("docstring items that no PITFALLS row holds (add a wrong version, a public test that "
                        "catches it and a row; or say in NOT_HELD why no test can):\n" + "\n".join(unheld))


CONTRACT_DOC = ROOT / "docs" / "contract.md"


def contract_table(forgotten: list[str] | None = None) -> str:
    """docs/contract.md: each docstring rule (Pitfall(s)/Edge case(s) items), the public tests that
    fail without it and the wrong versions that prove they do; or why no test can hold it.
    ``forgotten`` collects the rules with neither a ``PITFALLS`` row nor a ``NOT_HELD`` reason."""
    lines = [
        "# The contract: each rule a docstring states, and the tests that hold it",
        "",
        "Generated from `tests/test_pitfalls.py` (`PITFALLS`, `NOT_HELD`) by",
        "`python -m tests.test_pitfalls --write`; `make test` fails when this file is out of date",
        "or when a rule of a docstring's Pitfall(s) / Edge case(s) sections has no row. Each row's public",
        "test fails on the wrong version named beside it (`tests/wrong_implementations/`), and the hidden",
        "suite takes points from it through `decodelab grade` (`tests/test_grade_cli.py`).",
        "",
    ]
    held = not_held = 0
    for number, exercise in enumerate(EXERCISES, start=1):
        lines += [f"## {number}. `{exercise.key}` — `{exercise.function}()` ({exercise.path})", "",
                  "| rule (the docstring's words) | public test that fails without it | wrong version that shows it |",
                  "| --- | --- | --- |"]
        for section, item in contract_items(docstring(exercise.key)):
            rows = [(name, words, test) for key, name, words, test in PITFALLS
                    if key == exercise.key and _squeeze(words) in _squeeze(item)]
            for name, words, test in rows:
                held += 1
                rule = _squeeze(words).replace("|", "\\|")
                lines.append(f"| *{section}:* {rule} | `{test}` | `{name.split('__', 1)[1]}` |")
            if not rows:
                reason = next((why for (key, start), why in NOT_HELD.items()
                               if key == exercise.key and _squeeze(item).startswith(_squeeze(start))), None)
                not_held += 1
                if reason is None and forgotten is not None:
                    forgotten.append(f"{exercise.key}: {_squeeze(item)[:100]}")
                rule = _squeeze(item).replace("|", "\\|")
                lines.append(f"| *{section}:* {rule} | — not testable: {reason} | — |")
        items = [_squeeze(item) for _, item in contract_items(docstring(exercise.key))]
        for key, name, words, test in PITFALLS:  # rules the docstring states outside those sections
            if key == exercise.key and not any(_squeeze(words) in item for item in items):
                held += 1
                rule = _squeeze(words).replace("|", "\\|")
                lines.append(f"| *Rule:* {rule} | `{test}` | `{name.split('__', 1)[1]}` |")
        lines.append("")
    lines.insert(8, f"{held + not_held} rules: {held} held by a public test and a wrong version, {not_held} not "
                    "testable (the reason is given).")
    lines.insert(9, "")
    return "\n".join(lines)


def test_the_contract_table_in_the_docs_is_current():
    written = CONTRACT_DOC.read_text(encoding="utf-8") if CONTRACT_DOC.is_file() else ""
    assert written == contract_table(), (
        "docs/contract.md differs from the table tests/test_pitfalls.py generates: run "
        "`python -m tests.test_pitfalls --write` and commit it")


def _id(row: tuple[str, str, str, str]) -> str:
    return f"{row[1]}-{row[3]}"


def test_every_exercise_has_pitfalls_in_the_table():
    covered = {key for key, *_ in PITFALLS}
    missing = [e.key for e in EXERCISES if e.key not in covered]
    assert not missing, f"PITFALLS names no pitfall of the exercises {missing}; expected every exercise to have rows"


@pytest.mark.parametrize("key,name,words,test", PITFALLS, ids=[_id(row) for row in PITFALLS])
def test_the_pitfall_is_named_in_the_docstring(key, name, words, test):
    text = docstring(key)
    assert _squeeze(words) in _squeeze(text), (
        f"the docstring of {by_key(key).function}() in {by_key(key).path} does not contain {words!r}, expected "
        f"it to (PITFALLS row for {name}): update the row if the docstring was reworded"
    )


_BATCHES: dict[str, dict[str, SuiteRun]] = {}


def public_runs(key: str) -> dict[str, SuiteRun]:
    """The public suite of exercise ``key`` run on ``solutions`` and on each of its wrong versions in PITFALLS.

    Keyed by target spec. Every exercise's batch runs in ONE child process, at the first call
    (:func:`grading.harness.runner.run_suites_in_turn`, each run a pytest session of its own): a batch
    is the exercise's wrong versions, then ``solutions``, as the control that shows the earlier
    runs left nothing behind that could fail a test.
    """
    if not _BATCHES:
        batches: list[tuple[str, str]] = []
        for each in sorted({row[0] for row in PITFALLS}):
            module = by_key(each).module
            names = list(dict.fromkeys(name for row_key, name, _, _ in PITFALLS if row_key == each))
            batches += [(each, f"solutions+tests.wrong_implementations.{module}:{name}") for name in names]
            batches.append((each, "solutions"))
        runs = run_suites_in_turn([spec for _, spec in batches], suites=("public",),
                                  exercises_of=[[each] for each, _ in batches], timeout=3600)
        for (each, spec), run in zip(batches, runs):
            _BATCHES.setdefault(each, {})[spec] = run
    return _BATCHES[key]


@pytest.mark.parametrize("key", sorted({row[0] for row in PITFALLS}))
def test_the_control_in_each_batch_passes(key):
    run = public_runs(key)["solutions"]
    mine = [t for t in run.tests if t.exercise == key]
    failed = [f"{t.name}: {t.status}: {t.message[:300]}" for t in mine if t.status not in ("passed", "skipped")]
    assert mine and not failed, (
        f"run_suites_in_turn([...wrong versions of {key}..., 'solutions'], exercises=[{key!r}]): the solutions, run "
        f"last, ran {len(mine)} public tests of '{key}' and failed {failed}; expected all to pass (otherwise an "
        f"earlier run in the batch left state behind, and the catches below prove nothing):\n{run.log[-2000:]}")


@pytest.mark.parametrize("key,name,words,test", PITFALLS, ids=[_id(row) for row in PITFALLS])
def test_the_public_suite_catches_the_pitfall(key, name, words, test):
    exercise = by_key(key)
    assert name.split("__", 1)[0] == exercise.function, (
        f"{name} is not a version of {exercise.function}() (the function of '{key}'), expected it to be")
    catalogued = wrong_versions().get(exercise.module, [])
    assert name in catalogued, (
        f"tests/wrong_implementations/{exercise.module}.py has no function {name}, expected one "
        f"(it has {len(catalogued)} wrong versions)")
    spec = f"solutions+tests.wrong_implementations.{exercise.module}:{name}"
    run = public_runs(key)[spec]
    call = f"run_suites({spec!r}, suites=('public',), exercises=[{key!r}])"
    mine = [t for t in run.tests if t.exercise == key]
    assert mine, f"{call} ran no public test of '{key}', expected some:\n{run.log[-2000:]}"
    failed = [t for t in mine if t.status not in ("passed", "skipped")]
    outcomes = ", ".join(f"{t.name}: {t.status}" for t in mine)
    assert failed, (
        f"{call}: every public test of '{key}' passed ({outcomes}), so `decodelab check` would say 'done' for "
        f"{name}, which commits the pitfall {words!r}; expected {test} to fail")
    named = [t for t in mine if t.name.split("[", 1)[0] == test]
    assert named, f"{call} ran no test named {test}; it ran: {outcomes}; expected {test} among them"
    assert any(t.status not in ("passed", "skipped") for t in named), (
        f"{call}: {test} passed ({outcomes}); expected it to fail for {name}, which commits the pitfall {words!r}")


@pytest.mark.parametrize("name,blames_the_batch", [
    ("top_p_mask__cumsum_over_first_axis", True),
    ("top_p_mask__cumsum_over_whole_batch", True),
    ("top_p_mask__drops_crossing_token", False),
])
def test_the_batch_hint_blames_the_batch_only_where_it_is_to_blame(name, blames_the_batch):
    # A learner whose rule drops the crossing token was told to "add up along the last axis only"
    # by the batch test, which sent them looking for a mistake they had not made.
    spec = f"solutions+tests.wrong_implementations.nucleus:{name}"
    test = "test_top_p_decides_each_row_on_its_own"
    failed = [t for t in public_runs("top_p")[spec].tests if t.name == test and t.status not in ("passed", "skipped")]
    assert failed, f"run_suites({spec!r}, suites=('public',)): {test} did not fail, expected it to"
    message = failed[0].message
    assert ("last axis" in message) == blames_the_batch, (
        f"{name} in {test}: the message was {message!r}; expected a hint that "
        + ("names the axis to add up along" if blames_the_batch else "does not blame the batch, whose rows it keeps apart")
    )


def test_the_loops_defaults_are_blamed_only_when_spelling_them_out_changes_the_tokens(tmp_path):
    # A hint audit: loops whose draw was wrong whatever the settings were told, in the case that
    # passes none, to "sample with their defaults from the signature".
    for module in ("sampling", "nucleus", "distributions", "topk"):
        shutil.copy(ROOT / "solutions" / f"{module}.py", tmp_path / f"{module}.py")
    source = (tmp_path / "sampling.py").read_text()
    assert source.count("    temperature: float = 1.0,\n") == 1, "solutions/sampling.py's signature moved"
    (tmp_path / "sampling.py").write_text(source.replace("    temperature: float = 1.0,\n", "    temperature: float = 0.7,\n"))
    specs = [f"trusted:{tmp_path}", "solutions+tests.independent2.sampling:sample_generate__wrong_inverse_cdf_draw"]
    runs = run_suites_in_turn(specs, suites=("hidden",), exercises_of=[["sampling_loop"]] * 2, timeout=1800)
    hints = {}
    for spec, run in zip(specs, runs):
        case = [t for t in run.tests if t.name.endswith("draws_the_references_tokens[tiny-defaults]")]
        assert case and case[0].status not in ("passed", "skipped"), f"{spec}: the [tiny-defaults] case did not fail"
        hints[spec] = "sample with their defaults" in case[0].message
    assert hints == {specs[0]: True, specs[1]: False}, (
        f"whether the [tiny-defaults] hint blamed the defaults: {hints}; expected it for the loop whose default "
        "temperature is 0.7, not for the inverse-CDF draw, which is wrong whatever the settings")


@pytest.fixture(scope="module")
def whole_public_runs() -> tuple[SuiteRun, SuiteRun]:
    """Every public test on ``solutions`` and on the untouched stubs (``exercises``), in one child."""
    solutions, stubs = run_suites_in_turn(["solutions", stubs_target()], suites=("public",))
    return solutions, stubs


@pytest.fixture(scope="module")
def solutions_public(whole_public_runs) -> SuiteRun:
    return whole_public_runs[0]


@pytest.fixture(scope="module")
def stubs_public(whole_public_runs) -> SuiteRun:
    return whole_public_runs[1]


def test_the_public_suites_pass_on_the_solutions(solutions_public):
    run = solutions_public
    assert run.tests, f"run_suites('solutions', suites=('public',)) ran no test, expected all of them:\n{run.log[-2000:]}"
    failed = [f"{t.name} ({t.exercise}): {t.status}: {t.message[:300]}" for t in run.tests
              if t.status not in ("passed", "skipped")]
    assert not failed, "run_suites('solutions', suites=('public',)): tests that fail, expected none:\n" + "\n".join(failed)
    passed = {t.exercise for t in run.tests if t.status == "passed"}
    missing = [e.key for e in EXERCISES if e.key not in passed]
    assert not missing, (
        f"run_suites('solutions', suites=('public',)) passed no test of {missing}, expected every exercise to have some")


def test_every_test_in_the_table_exists(solutions_public):
    names = {(t.exercise, t.name.split("[", 1)[0]) for t in solutions_public.tests}
    unknown = sorted({(key, test) for key, _, _, test in PITFALLS if (key, test) not in names})
    assert not unknown, (
        f"PITFALLS names public tests that run_suites('solutions', suites=('public',)) did not run: {unknown}; "
        "expected every named test to exist (and to carry its exercise's marker)")


def test_the_public_suites_read_not_started_on_the_stubs(stubs_public):
    run = stubs_public
    assert run.tests, f"run_suites('exercises', suites=('public',)) ran no test, expected all of them:\n{run.log[-2000:]}"
    started = [f"{t.name} ({t.exercise}): {t.status}: {t.message[:200]}" for t in run.tests
               if t.status not in ("not_started", "skipped")]
    assert not started, (
        "run_suites('exercises', suites=('public',)) on the untouched stubs: tests that do not read "
        "'not started', expected none:\n" + "\n".join(started))
    seen = {t.exercise for t in run.tests if t.status == "not_started"}
    missing = [e.key for e in EXERCISES if e.key not in seen]
    assert not missing, f"on the stubs, no public test of {missing} read 'not started', expected every exercise's to"


def test_the_sampling_loops_call_text_shows_the_generator():
    # A sampling loop's output depends on its generator: a call shown without it cannot be re-run.
    calls = [t.message.splitlines()[0] for run in public_runs("sampling_loop").values() for t in run.tests
             if t.exercise == "sampling_loop" and t.message.startswith("sample_generate(")
             and "rejects" not in t.name]  # the error tests call it without a generator: shown as called
    assert calls, "no failing public test of sampling_loop showed a sample_generate(...) call, expected some"
    missing = [call for call in calls if "generator=" not in call]
    assert not missing, f"these call texts of failing sampling tests omit generator=, expected it in each: {missing[:3]}"


def main(arguments: list[str]) -> int:
    """``python -m tests.test_pitfalls [--write]``: print docs/contract.md, or write it. A rule with
    neither a ``PITFALLS`` row nor a ``NOT_HELD`` reason stops it before anything is written: a
    table that says "not testable: None" is a row forgotten, not a rule that cannot be tested."""
    forgotten: list[str] = []
    table = contract_table(forgotten)
    if forgotten:
        print(f"docs/contract.md not written: {len(forgotten)} rule(s) have no PITFALLS row and no NOT_HELD "
              "reason in tests/test_pitfalls.py:\n" + "\n".join(forgotten), file=sys.stderr)
        return 1
    if "--write" in arguments:
        CONTRACT_DOC.write_text(table, encoding="utf-8")
    else:
        print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def test_the_top_p_hints_name_the_mistake_made_not_a_neighbouring_one():
    # A hint audit (session 44) of 44 wrong top_p_mask versions: a batch whose first row was forced
    # whole was told to change its stopping rule, a float mask and a mask in sorted order were told
    # about p = 0, the `cumsum <= p` rule about ties, and a 3-D batch ranked as one row that its
    # top token must be kept "even when p = 0" (p was 0.9).
    cases = {  # spec -> (test, words the hint must hold, words it must not)
        "independent12.nucleus:top_p_mask__wrong_forces_first_row_not_first_rank":
            ("test_top_p_mask_matches_the_warper_on_random_rows[0.5]", "some rows keep every token", "stop once"),
        "wrong_implementations.nucleus:top_p_mask__float_mask":
            ("test_top_p_mask_at_p_zero_p_one_and_ties", "return a bool mask", "with p = 0"),
        "wrong_implementations.nucleus:top_p_mask__sorted_order":
            ("test_top_p_mask_at_p_zero_p_one_and_ties", "your mask is in sorted order", "with p = 0"),
        "wrong_implementations.nucleus:top_p_mask__drops_crossing_token":
            ("test_top_p_mask_at_p_zero_p_one_and_ties", "the token that crosses p must be kept", "ranked one after"),
        "wrong_implementations.nucleus:top_p_mask__cumsum_over_whole_batch":
            ("test_top_p_mask_decides_each_row_on_its_own", "ranked the whole batch", "even when p = 0"),
    }
    specs = [f"solutions+tests.{spec}" for spec in cases]
    runs = run_suites_in_turn(specs, suites=("hidden",), exercises_of=[["top_p"]] * len(specs), timeout=1800)
    for (spec, (test, wanted, unwanted)), run in zip(cases.items(), runs):
        failed = [t for t in run.tests if t.name.split("::")[-1] == test and t.status not in ("passed", "skipped")]
        assert failed, f"run_suites({spec!r}, suites=('hidden',)): {test} did not fail, expected it to"
        hint = next((line for line in failed[0].message.splitlines() if "hint:" in line), "")
        assert wanted in hint and unwanted not in hint, (
            f"{spec} in {test}: the hint was {hint!r}; expected it to say {wanted!r} and not {unwanted!r}")
