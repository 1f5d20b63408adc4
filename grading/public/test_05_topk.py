"""Public tests for exercises 8 and 9 (exercises/topk.py). Run: decodelab check top_k / top_k_table"""
import pytest
import torch

from grading.harness.compare import call_text, check_equal, check_tensor, check_true, describe, expect_error
from reference.tokenizer import load_mistral_tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


@pytest.mark.top_k
def test_top_k_mask_worked_example(learner):
    probs = torch.tensor([0.1, 0.5, 0.15, 0.25])
    got = learner.top_k_mask(probs, 2)
    # The two largest are 0.5 (token 1) and 0.25 (token 3); the mask is in vocabulary order.
    check_tensor(got, torch.tensor([False, True, False, True]), call=call_text(learner.top_k_mask, probs, 2),
                 hint=lambda: _worked_example_hint(got))


def _worked_example_hint(got) -> str:
    """Name a mistake only where the learner's mask is what that mistake gives on [0.1, 0.5, 0.15, 0.25], k = 2."""
    mistakes = {
        (False, True, False, False): ("the k-th largest token itself (token 3, 0.25) is missing: a token stays when "
                                      "its score is >= the k-th largest, not only >"),
        (True, False, True, False): "True marks a token to KEEP (your mask is the inverse: the dropped tokens)",
        (True, True, False, False): "entry i is about token i (vocabulary order), not about the i-th largest",
    }
    if isinstance(got, torch.Tensor) and got.dtype == torch.bool and tuple(got.shape) == (4,):
        found = mistakes.get(tuple(got.tolist()))
        if found:
            return found
    return ("a bool mask in vocabulary order: True for each token whose score is at least the k-th largest of "
            "its row")


@pytest.mark.top_k
def test_top_k_mask_each_row_on_its_own(learner):
    probs = torch.tensor([[0.7, 0.1, 0.2], [0.1, 0.1, 0.8]])
    got = learner.top_k_mask(probs, 1)
    check_tensor(got, torch.tensor([[True, False, False], [False, False, True]]),
                 call=call_text(learner.top_k_mask, probs, 1), hint=lambda: _rows_hint(learner, probs, 1, got))


def _rows_hint(learner, probs: torch.Tensor, k: int, got) -> str:
    """Blame the batch only where it is to blame: when each row given alone comes back as it did in
    the batch, the rows were decided apart and the rule within a row is off."""
    try:
        alone = [learner.top_k_mask(row.clone(), k) for row in probs]
        rows_apart = isinstance(got, torch.Tensor) and len(got) == len(alone) and all(
            isinstance(row, torch.Tensor) and torch.equal(row, batch_row) for row, batch_row in zip(alone, got))
    except Exception:  # noqa: BLE001 (a row alone the learner's code cannot take: say the batch rule)
        rows_apart = False
    if rows_apart:
        return "your rows are decided apart; the rule within a row is off (see the worked example)"
    return "take the top k along the last axis (dim=-1): each row is decided on its own"


@pytest.mark.top_k
def test_top_k_mask_keeps_ties_and_handles_large_k(learner):
    probs = torch.tensor([0.4, 0.2, 0.2, 0.2])
    # Three tokens tie for second place, so all of them are kept.
    check_tensor(learner.top_k_mask(probs, 2), torch.ones(4, dtype=torch.bool),
                 call=call_text(learner.top_k_mask, probs, 2),
                 hint="keep every token whose score is >= the k-th largest score")
    check_tensor(learner.top_k_mask(probs, 10), torch.ones(4, dtype=torch.bool),
                 call=call_text(learner.top_k_mask, probs, 10), hint="k larger than the vocabulary keeps everything")


@pytest.mark.top_k
def test_top_k_mask_rejects_k_zero(learner):
    expect_error(learner.top_k_mask, ValueError, torch.tensor([0.5, 0.5]), 0,
                 hint="keeping 0 tokens leaves nothing to sample: raise ValueError")


@pytest.mark.top_k_table
def test_top_k_table_worked_example(learner, tokenizer):
    probs = torch.tensor([0.1, 0.6, 0.3])
    got = learner.top_k_table(probs, tokenizer, 2)
    expected = [(1, tokenizer.decode([1]), 0.6), (2, tokenizer.decode([2]), 0.3)]
    call = call_text(learner.top_k_table, probs, tokenizer, 2)
    check_true(isinstance(got, list) and len(got) == 2, call=call,
               problem=f"expected a list of 2 rows, got {describe(got)}", hint="one (id, text, probability) tuple per token")
    check_equal([row[:2] for row in got], [row[:2] for row in expected], call=call, what="the (id, text) pairs",
                hint="highest probability first; text is tokenizer.decode([id])")
    check_true(all(type(row[2]) is float and abs(row[2] - want[2]) < 1e-6 for row, want in zip(got, expected)),
               call=call, problem=f"the probabilities are {[row[2] for row in got]}, expected about [0.6, 0.3] as floats",
               hint="use float(value) or .item() so the table holds plain numbers")


@pytest.mark.top_k_table
def test_top_k_table_for_the_capital_of_japan(learner, backend):
    if backend.name not in ("tiny", "mistral-7b-4bit"):
        pytest.skip("the ' Tokyo' fact holds for the bundled tiny model and Mistral-7B")
    ids = backend.encode("The capital of Japan is")
    with torch.no_grad():
        probs = backend.model(input_ids=ids).logits[0, -1].float().softmax(-1)
    got = learner.top_k_table(probs, backend.tokenizer)
    call = call_text(learner.top_k_table, probs, backend.tokenizer)
    check_true(isinstance(got, list) and len(got) == 10, call=call,
               problem=f"expected 10 rows by default, got {len(got) if isinstance(got, list) else got!r}")
    tokyo = backend.tokenizer.convert_tokens_to_ids("▁Tokyo")
    check_equal(got[0][:2], (tokyo, "Tokyo"), call=call, what="the first row's (id, text)",
                hint="the most probable token comes first, shown with tokenizer.decode([id])")


def _check_rows(got, expected, call, hint):
    """Compare a table row by row: ids and texts exactly, probabilities as plain floats within 1e-6."""
    check_true(isinstance(got, list), call=call, problem=f"the result is a {type(got).__name__}, expected a list",
               hint="return a list of (id, text, probability) tuples")
    check_equal(len(got), len(expected), call=call, what="the number of rows", hint=hint)
    for index, (row, want) in enumerate(zip(got, expected)):
        check_true(isinstance(row, tuple) and len(row) == 3, call=call,
                   problem=f"row {index} is {row!r}, expected an (id, text, probability) tuple")
        check_true(type(row[0]) is int and type(row[2]) is float, call=call,
                   problem=f"row {index} holds a {type(row[0]).__name__} id and a {type(row[2]).__name__} probability, "
                           "expected a plain int and a plain float",
                   hint="use int(...) / float(...) or .item(): a tensor in the table is not a number")
        check_equal(row[:2], want[:2], call=call, what=f"row {index}'s (id, text)", hint=hint)
        check_true(abs(row[2] - want[2]) < 1e-6, call=call,
                   problem=f"row {index}'s probability is {row[2]!r}, expected {want[2]}", hint=hint)


@pytest.mark.top_k_table
def test_top_k_table_shows_readable_text(learner, tokenizer):
    tokyo, paris = tokenizer.convert_tokens_to_ids("▁Tokyo"), tokenizer.convert_tokens_to_ids("▁Paris")
    probs = torch.zeros(len(tokenizer))
    probs[tokyo], probs[paris] = 0.6, 0.4
    got = learner.top_k_table(probs, tokenizer, 2)
    # The text is what a reader sees, tokenizer.decode([id]): "Tokyo", not the piece "▁Tokyo".
    expected = [(tokyo, tokenizer.decode([tokyo]), 0.6), (paris, tokenizer.decode([paris]), 0.4)]
    _check_rows(got, expected, call_text(learner.top_k_table, probs, tokenizer, 2),
                hint="the text column is tokenizer.decode([id]), not the vocabulary piece with its '▁'")


@pytest.mark.top_k_table
def test_top_k_table_k_larger_than_the_vocabulary(learner, tokenizer):
    probs = torch.tensor([0.5, 0.2, 0.3])
    got = learner.top_k_table(probs, tokenizer, 5)
    # Only three tokens exist: all of them, highest first.
    expected = [(0, tokenizer.decode([0]), 0.5), (2, tokenizer.decode([2]), 0.3), (1, tokenizer.decode([1]), 0.2)]
    _check_rows(got, expected, call_text(learner.top_k_table, probs, tokenizer, 5),
                hint="k larger than the vocabulary lists every token: never ask for more rows than there are")


@pytest.mark.top_k_table
def test_top_k_table_of_k_zero_is_empty(learner, tokenizer):
    probs = torch.tensor([0.5, 0.2, 0.3])
    # min(k, vocab) rows: with k = 0 that is none. (top_k_mask refuses k = 0; a table may be empty.)
    _check_rows(learner.top_k_table(probs, tokenizer, 0), [], call_text(learner.top_k_table, probs, tokenizer, 0),
                hint="the table has min(k, vocab) rows: for k = 0 return an empty list")


@pytest.mark.top_k_table
def test_top_k_table_lists_ties_lower_id_first(learner, tokenizer):
    probs = torch.tensor([0.25, 0.25, 0.1, 0.25, 0.15])
    got = learner.top_k_table(probs, tokenizer, 3)
    # Ids 0, 1 and 3 tie at 0.25: listed by id. (torch.topk promises no order among ties.)
    expected = [(i, tokenizer.decode([i]), 0.25) for i in (0, 1, 3)]
    _check_rows(got, expected, call_text(learner.top_k_table, probs, tokenizer, 3),
                hint="equal probabilities are listed lower id first: a stable descending sort keeps id order")
    # A cut inside a tie: ids 0, 1 and 2 tie at 0.2 and only one more row fits, so id 0 is listed.
    probs = torch.tensor([0.2, 0.2, 0.2, 0.4])
    got = learner.top_k_table(probs, tokenizer, 2)
    expected = [(3, tokenizer.decode([3]), 0.4), (0, tokenizer.decode([0]), 0.2)]
    _check_rows(got, expected, call_text(learner.top_k_table, probs, tokenizer, 2),
                hint="sort all of the row first (descending, stable), then cut: torch.topk may pick any of tied ids")
