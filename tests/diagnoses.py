"""Which hints name a mistake, and which mistakes each catalogued wrong version makes.

A hint is a *diagnosis* when it says what the learner's code did ("you summed the rows",
"your result equals softmax(logits * T)", "centre the data first" when shown because the
uncentred projection reproduces the result). Every other hint is *neutral*: it restates the
rule, or reports what the comparison itself established ("a drawn token lies outside the
nucleus", "the table has 3 rows, expected 5"). A diagnosis must be right: shown to a learner who
made a different mistake it sends them looking for a bug they do not have (docs/grading.md,
"Hints never accuse"). ``tests/test_grade_cli.py`` grades every wrong version of every catalogue
through ``decodelab grade`` and checks each diagnosis it was shown against :data:`MISTAKES`.

:data:`DIAGNOSES` maps a pattern (``re.search`` on the hint) to the mistake it names.
:data:`MISTAKES` says, for a catalogue entry (``<folder>.<function>__<what>``), which mistakes
its code makes; an entry not listed makes none of them, and may be shown no diagnosis at all.
"""
from __future__ import annotations

import re

DIAGNOSES: tuple[tuple[str, str], ...] = (
    # tokenize_with_pieces, piece_bytes
    (r"^your pieces are decode\(\[id\]\)", "decoded_pieces"),
    (r"^the BOS appears twice", "bos_twice"),
    (r"^'\ufffd' \(bytes \[239, 191, 189\]\) comes from tokenizer\.decode", "decoded_piece_bytes"),
    (r"^chr\(n\)\.encode\('utf-8'\) is the UTF-8 of a character", "byte_as_character"),
    # subword_averaged_embedding, cosine_similarity_matrix, pca_2d
    (r"^the BOS row <s> is in your average", "bos_in_average"),
    (r"^you summed the rows", "sum"),
    (r"^you kept only the first subword", "first_subword"),
    (r"^you left out the byte pieces", "drops_byte_pieces"),
    (r"^you normalised the text \((NFC|NFKC)\) before encoding", "normalises_text"),
    (r"^you kept only the last subword", "last_subword"),
    (r"^you dropped a special token that the text itself spells", "drops_spelled_special"),
    (r"^you averaged over the embedding dimension", "mean_over_wrong_axis"),
    (r"^these are plain dot products", "dot_products"),
    (r"^you divided by only one of the two lengths", "one_norm"),
    (r"^you normalised the columns", "normalises_columns"),
    (r"^this is the cosine DISTANCE", "distance"),
    (r"^centre the data first: subtract the mean of each column", "not_centred"),
    (r"^U\[:, :2\] alone is not the projection", "unscaled_u"),
    (r"^these are the two SMALLEST components", "smallest_components"),
    (r"^the principal directions are the ROWS of Vh", "columns_of_vh"),
    (r"^centre each column \(mean over dim=0\), not each row", "centres_rows"),
    # next_token_logits, softmax_with_temperature
    (r"^your result is the prediction after", "wrong_position"),
    (r"^your result equals the log-probabilities, log_softmax", "log_probabilities"),
    (r"^your result equals the probabilities, softmax", "probabilities"),
    (r"^your result equals the logits with attention_mask = \(input_ids != \d+\)", "masks_real_token"),
    (r"^your result equals softmax\(logits \* T\)", "multiplies"),
    (r"^your result equals softmax\(logits\) at T = 1", "temperature_ignored"),
    (r"^your result equals softmax\(logits\) \*\* \(1 / T\)", "temperature_as_power"),
    (r"^your rows do not sum to 1: normalise over the last axis", "wrong_axis"),
    (r"exp\(\) of a large logit overflows", "no_max_subtraction"),
    (r"one maximum for the whole tensor", "global_max"),
    (r"^your result equals log_softmax\(logits\) / T", "tempered_log_probabilities"),
    # top_k_mask, top_k_table
    (r"^your mask is inverted", "inverted"),
    (r"^you kept k tokens in the whole batch", "whole_batch"),
    (r"^your mask keeps the k LEAST probable", "smallest_k"),
    (r"^you keep only the scores strictly above the k-th largest", "strictly_greater"),
    (r"^you keep exactly k tokens", "exactly_k"),
    (r"^your mask is in sorted order", "mask_in_sorted_order"),
    (r"^your table is in ascending order", "ascending"),
    (r"^that is the raw piece", "raw_piece"),
    (r"^token \d+ is listed twice", "duplicate_ids"),
    (r"^the right probabilities, tokens in the wrong order", "tie_order"),
    # top_p_mask, sample_top_p
    (r"^the token that crosses p must be kept", "drops_crossing_token"),
    (r"^probs are already probabilities", "softmax_again"),
    (r"^decide each row on its own", "rows_mixed"),
    (r"^you drew from the sorted probabilities", "sorted_draw"),
    (r"^these are positions in the sorted order, not token ids", "sorted_positions"),
    (r"not in the caller's tensor", "changes_input"),
    # greedy_generate, sample_generate
    (r"^you stop BEFORE the eos token", "stops_before_eos"),
    (r"^take the argmax in the logits' own dtype: a float16 or bfloat16 copy", "argmax_in_half"),
    (r"^your tokens are those of a loop that takes the softmax over dim=1", "softmax_over_positions"),
    (r"^your tokens are those of a loop that reads logits\[:, 0\]", "wrong_position"),
    (r"^your tokens match a loop that applies top-p before the temperature", "top_p_before_temperature"),
    (r"^your tokens match a loop that MULTIPLIES", "multiplies"),
    (r"^your tokens match a loop that decides top-p on the distribution before top-k", "top_p_before_top_k"),
    (r"^pass generator=generator to torch\.multinomial: the global", "ignores_generator"),
    # completion_logprobs
    (r"^you returned records for the prompt tokens too", "prompt_records"),
    (r"^you read the logits at position t for the token at t", "same_position"),
    (r"^these are probabilities", "probabilities"),
    (r"^your logprobs are those of temperature", "tempered_logprobs"),
    (r"^your logprobs are rounded", "rounded_logprobs"),
    (r"^exp\(-200\) rounds to 0 in float32, so log\(softmax\(x\)\)", "log_of_softmax"),
    (r"^a logprob of -inf", "log_of_softmax"),
    (r"^every logprob here is -inf, the likeliest tokens' too", "unshifted_logsumexp"),
    (r"^your logprobs are those of a log_softmax taken in bfloat16", "half_precision_log_softmax"),
    (r"^your logprobs are in bits", "log2_logprobs"),
    (r"^each of your logprobs is the running total", "cumulative_logprobs"),
    (r"^every record carries the same value, the mean", "mean_logprob"),
    (r"^your logprob is log\(1\.18e-38\)", "floored_logprob"),
)


def _entries(folder: str, function: str, **names: set[str]) -> dict[str, set[str]]:
    return {f"{folder}.{function}__{name}": mistakes for name, mistakes in names.items()}


W, I, I2, I3, I5, I7 = ("wrong_implementations", "independent", "independent2", "independent3",  # noqa: E741
                        "independent5", "independent7")  # (the catalogue folders)

MISTAKES: dict[str, set[str]] = {
    **_entries(W, "tokenize_with_pieces", decoded_pieces={"decoded_pieces"}, bos_added_twice={"bos_twice"}),
    **_entries(I, "tokenize_with_pieces", wrong_decode_as_piece={"decoded_pieces"}, wrong_double_bos={"bos_twice"}),
    **_entries(W, "piece_bytes", byte_as_character={"byte_as_character"}),
    **_entries(I, "piece_bytes", wrong_chr_encode={"byte_as_character"}),
    # vocabulary_lookup looks the word up as one piece: for a word such as "0" (pieces '▁', '0') that
    # piece is its last subword, and the result is exactly that row.
    **_entries(W, "subword_averaged_embedding", includes_bos={"bos_in_average"}, sum={"sum"},
               first_subword_only={"first_subword"}, mean_over_wrong_axis={"mean_over_wrong_axis"},
               vocabulary_lookup={"last_subword"}),
    **_entries(I, "subword_averaged_embedding", wrong_includes_bos={"bos_in_average"}, wrong_sum_not_mean={"sum"},
               wrong_first_subword_only={"first_subword"}),
    **_entries(W, "cosine_similarity_matrix", dot_products={"dot_products"}, normalises_columns={"normalises_columns"},
               one_norm_only={"one_norm"}, distance={"distance"}),
    **_entries(I, "cosine_similarity_matrix", wrong_column_norms={"normalises_columns"},
               wrong_one_length_only={"one_norm"}),
    **_entries(W, "pca_2d", not_centred={"not_centred"}, u_without_singular_values={"unscaled_u"},
               smallest_eigenvectors={"smallest_components"}, columns_of_vh={"columns_of_vh"},
               centres_rows={"centres_rows"}),
    **_entries(I, "pca_2d", wrong_no_centering={"not_centred"}, wrong_u_without_s={"unscaled_u"},
               wrong_eigh_smallest_two={"smallest_components"}, wrong_centre_rows={"centres_rows"}),
    **_entries(W, "next_token_logits", first_position={"wrong_position"}),
    **_entries(I, "next_token_logits", wrong_first_position={"wrong_position"}),
    # Reading each row's last position that is not </s>: on a prompt that ends with </s> that is
    # the position before it, which the position replay names.
    **_entries(I3, "next_token_logits", wrong_trailing_eos_as_padding={"wrong_position"}),
    # log_softmax of the bfloat16 logits, .float() only after it
    **_entries(I3, "completion_logprobs", wrong_log_softmax_in_model_dtype={"half_precision_log_softmax"}),
    **_entries(W, "next_token_logits", returns_probabilities={"probabilities"}),
    **_entries(I2, "next_token_logits", wrong_returns_log_softmax={"log_probabilities"}),
    # An attention_mask that leaves out a real token of the prompt: id 0 (<unk>) taken for padding,
    # or the eos id taken for GPT-2's pad token.
    **_entries("independent4", "next_token_logits", wrong_masks_id_zero_as_padding={"masks_real_token"}),
    **_entries("independent42", "next_token_logits", wrong_pad_is_eos_attention_mask={"masks_real_token"}),
    # Dropping a lone '▁' piece: for a word such as "0" (pieces '▁', '0') what is left is its last
    # subword, and the result is exactly that row.
    **_entries(I3, "subword_averaged_embedding", wrong_drops_lone_space_marker={"last_subword"}),
    # encoded with the BOS, every id 1 dropped: a text that spells "<s>" loses its own
    **_entries(W, "subword_averaged_embedding", drops_every_bos_id={"drops_spelled_special"}),
    **_entries("independent10", "subword_averaged_embedding", wrong_filters_special_ids={"drops_spelled_special"}),
    **_entries(W, "softmax_with_temperature", multiplies={"multiplies"}, no_max_subtraction={"no_max_subtraction"},
               wrong_axis={"wrong_axis"}, ignores_temperature={"temperature_ignored"},
               tempers_log_probabilities={"tempered_log_probabilities"}),
    **_entries(I, "softmax_with_temperature", wrong_multiplies={"multiplies"}, wrong_no_max_shift={"no_max_subtraction"},
               wrong_softmax_dim0={"wrong_axis"}, wrong_global_max={"global_max"}),
    **_entries(W, "top_k_mask", sorted_order={"mask_in_sorted_order"}, whole_batch={"whole_batch"},
               strictly_greater={"strictly_greater"}, smallest_k={"smallest_k"}, inverted={"inverted"},
               exactly_k_ignores_ties={"exactly_k"}),
    **_entries(I, "top_k_mask", wrong_sorted_order={"mask_in_sorted_order"}, wrong_global_kth={"whole_batch"},
               wrong_scatter_topk_indices={"exactly_k"}),
    # Reading the mask back from a -inf fill (`filled > -inf`): where the k-th largest is -inf
    # itself, that keeps only the scores strictly above it, which the replay names.
    **_entries("independent10", "top_k_mask", wrong_reads_mask_from_neg_inf_fill={"strictly_greater"}),
    # topk_k_too_large uses torch.topk, whose order of tied tokens is not lower id first on the ties test.
    **_entries(W, "top_k_table", raw_pieces={"raw_piece"}, ascending={"ascending"}, topk_tie_order={"tie_order"},
               topk_k_too_large={"tie_order"}, topk_then_resorts_ties={"tie_order"}),
    **_entries(I, "top_k_table", wrong_raw_piece_text={"raw_piece"}, wrong_topk_tie_order={"tie_order"},
               wrong_argsort_then_flip={"tie_order"}),
    **_entries(W, "greedy_generate", drops_eos={"stops_before_eos"}, softmax_over_positions={"softmax_over_positions"},
               first_position={"wrong_position"}),
    **_entries(I, "greedy_generate", wrong_stops_before_eos={"stops_before_eos"}, wrong_first_position={"wrong_position"}),
    **_entries(W, "top_p_mask", drops_crossing_token={"drops_crossing_token"}, sorted_order={"mask_in_sorted_order"},
               cumsum_over_first_axis={"rows_mixed"}, cumsum_over_whole_batch={"rows_mixed"},
               softmax_of_probs={"softmax_again"}),
    **_entries(I, "top_p_mask", wrong_cumsum_le_p={"drops_crossing_token"}, wrong_sorted_order={"mask_in_sorted_order"},
               wrong_cumsum_dim0={"rows_mixed"}),
    **_entries(W, "sample_top_p", returns_sorted_positions={"sorted_positions"}, draws_in_sorted_order={"sorted_draw"},
               zeroes_probs_in_place={"changes_input"}),
    **_entries(I, "sample_top_p", wrong_returns_rank={"sorted_positions"}, wrong_sorted_draw_mapped_back={"sorted_draw"},
               wrong_zeroes_input_in_place={"changes_input"}),
    **_entries(W, "sample_generate", top_p_before_top_k={"top_p_before_top_k"},
               temperature_after_top_p={"top_p_before_temperature"}, multiplies_temperature={"multiplies"},
               ignores_generator={"ignores_generator"}),
    **_entries(I, "sample_generate", wrong_top_p_before_temperature={"top_p_before_temperature"},
               wrong_ignores_generator={"ignores_generator"}),
    # It passes the generator in its top-p branch only: at top_p = 1.0 it ignores it.
    **_entries(I7, "sample_generate", wrong_generator_only_in_top_p_branch={"ignores_generator"}),
    **_entries(W, "completion_logprobs", same_position={"same_position"}, log_of_softmax={"log_of_softmax"},
               includes_prompt={"prompt_records"}, raw_piece={"raw_piece"}, probabilities={"probabilities"},
               temperature_applied={"tempered_logprobs"}, bytes_from_decode={"decoded_piece_bytes"}),
    **_entries(I, "completion_logprobs", wrong_logits_at_t={"same_position"}, wrong_log_of_softmax={"log_of_softmax"},
               wrong_replacement_char={"decoded_piece_bytes"}),
    # The second examiner's catalogue: of its wrong versions, only this one makes a mistake a hint names.
    **_entries(I2, "softmax_with_temperature", wrong_power_of_probs={"temperature_as_power"}),
    # torch.topk first, then a stable re-sort by id: a cut inside a tie keeps the ids topk happened
    # to pick, and the table lists the right probabilities with other (higher) ids.
    **_entries(I5, "top_k_table", wrong_topk_then_stable_resort={"tie_order"}),
    # transformers' TopPLogitsWarper softmaxes what it is given: fed probabilities, a second softmax
    **_entries("independent13", "top_p_mask", wrong_warper_on_raw_probs={"softmax_again"}),
    # torch.svd returns V, not Vh: V[:2] are the columns of Vh
    **_entries("independent13", "pca_2d", wrong_torch_svd_v_rows={"columns_of_vh"}),
    # torch.sort(descending=True) without stable=True: from 17 equal values on, ties lose id order
    **_entries("independent14", "top_k_table", wrong_sort_without_stable_flag={"tie_order"}),
    # the raw piece with '▁' deleted: byte tokens still show as '<0xE6>'
    **_entries("independent15", "top_k_table", wrong_piece_without_marker={"raw_piece"}),
    # probs - kth >= 0: when the k-th largest is -inf, -inf - -inf is nan, so the k-th and its
    # ties are dropped and only the scores strictly above it stay
    **_entries("independent18", "top_k_mask", wrong_subtracts_kth={"strictly_greater"}),
    # renormalises probs in place (probs /= probs.sum(...)): values move by rounding only
    **_entries("independent21", "sample_top_p", wrong_renormalises_probs_in_place={"changes_input"}),
    # logprobs at model.generation_config.temperature (0.6 on the suite's instruct-like toy); and
    # every logprob rounded to 2 decimals, as an API's sample prints them
    **_entries("independent25", "completion_logprobs", wrong_generation_config_temperature={"tempered_logprobs"},
               wrong_rounds_like_api_sample={"rounded_logprobs"}),
    # torch.topk with a margin of 16 extra candidates, then a stable sort: with more ties at the
    # cut than the margin, topk's arbitrary pick among them loses the lower ids
    **_entries("independent30", "top_k_table", wrong_topk_with_margin_then_stable_sort={"tie_order"}),
    # only a leading '▁' becomes a space: the '▁▁▁▁' of indented code reads ' ▁▁▁', raw markers left
    **_entries("independent30", "completion_logprobs", wrong_only_leading_marker_is_a_space={"raw_piece"}),
    # numpy's argsort with its default (unstable) kind: tied ids come back shuffled
    **_entries("independent31", "top_k_table", wrong_numpy_argsort_default_kind={"tie_order"}),
    # k = 1 as one_hot(argmax): one token kept of those tied for the largest
    **_entries("independent35", "top_k_mask", wrong_k_one_argmax_fast_path={"exactly_k"}),
    # log(sum(exp(z))) without the max subtracted: exp(300) is inf, so every logprob is -inf
    **_entries("independent35", "completion_logprobs", wrong_unshifted_logsumexp={"unshifted_logsumexp"}),
    # byte pieces left out of a word's mean; the word NFC-normalised before it is encoded
    **_entries("independent36", "subword_averaged_embedding", wrong_drops_byte_fallback_rows={"drops_byte_pieces"},
               wrong_nfc_normalises_word={"normalises_text"}),
    # the raw piece wherever decode([id]) gives '' or U+FFFD
    **_entries("independent36", "top_k_table", wrong_unreadable_text_shows_piece={"raw_piece"}),
    # each id found by list.index of its probability: tied probabilities all get the first id
    **_entries("independent37", "top_k_table", wrong_list_index_finds_first_of_ties={"duplicate_ids"}),
    # every id 1 dropped after encoding with the BOS: the text's own "<s>" goes too; the argmax of a float16 copy
    **_entries("independent39", "subword_averaged_embedding", wrong_filters_mistral_bos_id={"drops_spelled_special"}),
    **_entries("independent39", "greedy_generate", wrong_argmax_of_half_logits={"argmax_in_half"}),
    # a probability clamped at float32's smallest normal number before the log: -87.34 at the least
    **_entries("independent27", "completion_logprobs", wrong_logprob_floored_at_log_tiny={"floored_logprob"}),
    # logprobs in bits (log_softmax / ln 2); each logprob the running total of the completion so far
    **_entries("independent38", "completion_logprobs", wrong_log2_bits_like_slp3={"log2_logprobs"},
               wrong_chain_rule_cumulative={"cumulative_logprobs"}),
    **_entries("independent40", "completion_logprobs", wrong_alternatives_from_own_top_k_table={"log_of_softmax"}),
    **_entries("independent45", "softmax_with_temperature", wrong_tempers_log_softmax={"tempered_log_probabilities"}),
    # -cross_entropy with its default reduction="mean": every record gets the completion's mean logprob
    **_entries("independent45", "completion_logprobs", wrong_cross_entropy_default_mean={"mean_logprob"}),
}
"""Catalogue entry -> the mistakes (names of :data:`DIAGNOSES`) its code makes, written from the
code and the entry's name, never from the hints it was shown."""


UNSHOWN: dict[str, str] = {
    "top_p_before_top_k": "the only catalogued loop with this mistake draws the reference's tokens at the suite's "
                          "deterministic settings (its replay equals the right draw there, so the hint is not shown); "
                          "the statistical test catches it with a neutral hint",
}
"""Diagnoses no catalogued version is shown, with the reason (every other one must be shown to a
version that makes its mistake, which is how a pattern that no longer matches its hint is found)."""


def named_mistakes(hint: str) -> list[str]:
    """The mistakes ``hint`` names (empty for a neutral hint)."""
    return [mistake for pattern, mistake in DIAGNOSES if re.search(pattern, hint)]
