"""Hidden suite: completion_logprobs (the logprobs exercise)."""
from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import torch

from grading.harness.compare import (
    Mismatch, call_text, check_equal, check_true, describe, expect_accepted, expect_error, type_name,
)
from grading.grader.expected import remembered
from reference import logprobs as _ref
from reference.bigram import BigramModel

ref = remembered(_ref)

KEYS = ["bytes", "logprob", "token", "top_logprobs"]
ALTERNATIVE_KEYS = ["bytes", "logprob", "token"]
# How many extra reference alternatives to fetch, to recognise near-ties at the end of a top-n list.
TIE_MARGIN = 5


def _tolerance(model) -> float:
    """Absolute tolerance on a logprob.

    float32 on the CPU: the learner's forward pass and ours run the same kernels on the same
    input; 1e-4 leaves room for a different summation order inside log_softmax.
    float16/bfloat16/4-bit on a GPU: logits carry ~3 significant digits, so logprobs of
    size ~20 differ by up to ~2e-2 between two correct computations; 5e-2 allows that.
    """
    return 1e-4 if model.dtype == torch.float32 else 5e-2


_SEQUENCES: dict[str, list[tuple[str, torch.Tensor, int]]] = {}


def _forced(backend, prompt: str, completion: str) -> tuple[torch.Tensor, int]:
    """``prompt + completion`` as one sequence and the prompt's length (a completion we choose)."""
    prompt_length = backend.encode(prompt).shape[1]
    sequence = backend.encode(prompt + completion)
    assert torch.equal(sequence[:, :prompt_length], backend.encode(prompt)), "prompt tokens changed"
    return sequence, prompt_length


def _sequences(backend) -> list[tuple[str, torch.Tensor, int]]:
    """(label, sequence, prompt_length): a greedy completion, a sampled one, and forced ones."""
    if backend.name not in _SEQUENCES:
        cases = []
        prompt = backend.encode("The capital of Japan is")
        greedy, _ = ref.generate_with_logprobs(backend.model, backend.tokenizer, prompt, 8, 0.0, 0)
        cases.append(("greedy 'The capital of Japan is'", greedy, prompt.shape[1]))
        prompt = backend.encode("Once upon a time,")
        generator = torch.Generator(device=backend.device).manual_seed(1234)
        sampled, _ = ref.generate_with_logprobs(backend.model, backend.tokenizer, prompt, 12, 1.4, 0, generator)
        cases.append(("sampled at T=1.4 'Once upon a time,'", sampled, prompt.shape[1]))
        sequence, length = _forced(backend, "ますます蒸し暑くなりそうです。明日の天気は", "曇りのち雨の予報です。")
        cases.append(("the weather forecast (byte-fallback tokens)", sequence, length))
        sequence, length = _forced(backend, "The capital of Japan is", " Tokyo.\nThe capital of France is Paris.")
        cases.append(("'▁' pieces and a newline", sequence, length))
        _SEQUENCES[backend.name] = cases
    return _SEQUENCES[backend.name]


@torch.no_grad()
def _all_logprobs(model, sequence: torch.Tensor) -> torch.Tensor:
    """``(T, vocab)`` float32 log-probabilities of every position (row t predicts token t + 1)."""
    return torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1).cpu()


def _check_records_shape(got: Any, expected_count: int, sequence: torch.Tensor, prompt_length: int,
                         top_n: int, call: str) -> None:
    """A list of the right length whose records have the four keys with plain Python values."""
    if not isinstance(got, list):
        raise Mismatch(call, f"returned {type_name(got)}, expected a list of {expected_count} dicts",
                       "build a Python list with one dict per generated token")
    if len(got) != expected_count:
        hint = "one record per token AFTER the prompt: positions prompt_length .. T-1"
        if len(got) == expected_count - 1:
            hint = ("one record short: every token from prompt_length to T-1 gets a record, the last one included, "
                    "also when it is a special token such as </s>")
        if len(got) == sequence.shape[1] or len(got) == sequence.shape[1] - 1:
            hint = "you returned records for the prompt tokens too; start at position prompt_length"
        raise Mismatch(call, f"returned {len(got)} records, expected {expected_count} "
                             f"(a sequence of {sequence.shape[1]} tokens with a {prompt_length}-token prompt)", hint)
    for index, record in enumerate(got):
        if not isinstance(record, dict) or sorted(record) != KEYS:
            keys = sorted(record) if isinstance(record, dict) else type_name(record)
            raise Mismatch(call, f"record {index} has keys {keys}, expected {KEYS}")
        entries = [record] + list(record["top_logprobs"]) if isinstance(record["top_logprobs"], list) else None
        if entries is None:
            raise Mismatch(call, f"record {index}: top_logprobs is {type_name(record['top_logprobs'])}, expected a list")
        for entry in entries:
            _check_entry_types(entry, index, call)
        for entry in record["top_logprobs"]:
            if sorted(entry) != ALTERNATIVE_KEYS:
                raise Mismatch(call, f"record {index}: an alternative in top_logprobs has keys {sorted(entry)}, "
                                     f"expected {ALTERNATIVE_KEYS}",
                               "an alternative is {'token', 'bytes', 'logprob'} and nothing more (no top_logprobs of its own)")
        if len(record["top_logprobs"]) != top_n:
            raise Mismatch(call, f"record {index} has {len(record['top_logprobs'])} top_logprobs, expected top_n={top_n}")


def _check_entry_types(entry: Any, index: int, call: str) -> None:
    if not isinstance(entry, dict) or not {"token", "bytes", "logprob"} <= set(entry):
        raise Mismatch(call, f"record {index}: an entry {entry!r:.80} lacks token/bytes/logprob")
    token, raw, logprob = entry["token"], entry["bytes"], entry["logprob"]
    if not isinstance(token, str):
        raise Mismatch(call, f"record {index}: token is {type_name(token)}, expected str")
    if not isinstance(raw, list) or not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in raw):
        raise Mismatch(call, f"record {index}: bytes is {raw!r:.60}, expected a list of ints 0..255",
                       hint=_bytes_type_hint(raw))
    if not isinstance(logprob, float):
        raise Mismatch(call, f"record {index}: logprob is {type_name(logprob)}, expected a Python float",
                       hint="turn a one-element tensor into a float with .item()")


def _bytes_type_hint(raw: Any) -> str:
    if raw is None:
        return "bytes is always a list: a token with no bytes (a special token such as </s>) has bytes [], not None"
    if isinstance(raw, (bytes, bytearray)):
        return "list(some_bytes) turns a bytes object into its list of ints"
    return "bytes is a list of ints 0..255: the UTF-8 bytes the token contributes to the text"


def _logprob_hint(got: list[float], expected: list[float], table: torch.Tensor, sequence: torch.Tensor,
                  prompt_length: int,
                  fallback: str = "the logprob of the token at t is log_softmax(logits[t - 1])[token], "
                                  "from one forward pass") -> str:
    """Name the likely mistake by comparing with the classic wrong versions (``fallback`` when none fits)."""
    def close(values: list[float]) -> bool:
        return all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(got, values))

    def worst(values: list[float]) -> float:
        return max(abs(a - b) for a, b in zip(got, values))

    def explains(values: list[float]) -> bool:
        # Close to the replay, and much closer than to the right values: near 0 every replay is
        # within close()'s 1e-3 of the right values, and of a learner who is only a little off.
        return close(values) and worst(values) * 10 <= worst(expected)

    ids = sequence[0].tolist()
    same_position = [table[t, ids[t]].item() for t in range(prompt_length, len(ids))]
    if close(same_position):
        return "you read the logits at position t for the token at t; the token at t is predicted at t - 1"
    if close([math.exp(v) for v in expected]):
        return "these are probabilities: return the log-probability (log_softmax), not softmax"
    if any(v == -math.inf for v in got):
        return "a logprob of -inf: log(softmax(x)) underflows; use torch.log_softmax"
    # Rounded to a few decimals (as an API's sample shows them): near 0 that also looks like a
    # sharpened distribution, so it is named before any temperature. Several roundings may give
    # the learner's values (-0.0038 is -0.0 to 0, 1 or 2 decimals): then all of them are named.
    rounded = [decimals for decimals in range(5) if got == [round(v, decimals) for v in expected]]
    if rounded:
        decimals = f"{rounded[0]}" if len(rounded) == 1 else f"{rounded[0]} to {rounded[-1]}"
        return (f"your logprobs are rounded to {decimals} decimals: return the full float "
                "(float(logprob) or .item()), without rounding")
    rows = table[prompt_length - 1 : len(ids) - 1]
    chosen = torch.tensor(ids[prompt_length:]).unsqueeze(1)
    fitting = []
    for temperature in (0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.4, 1.5, 1.6, 2.0):
        # log_softmax(logprobs / T) equals log_softmax(logits / T): the constant shift cancels.
        replay = torch.log_softmax(rows / temperature, dim=-1).gather(1, chosen)[:, 0].tolist()
        if close(replay):
            fitting.append((worst(replay), temperature))
    if fitting:
        # Near 0 several temperatures fit within close()'s tolerance: the closest is the learner's.
        temperature = min(fitting)[1]
        return (f"your logprobs are those of temperature {temperature}: report the model's own "
                "distribution (temperature 1), whatever temperature the tokens were sampled at "
                "and whatever the model's generation_config says")
    if explains([v / math.log(2) for v in expected]):
        return "your logprobs are in bits (log base 2, the natural log divided by ln 2): a logprob is the natural log"
    if len(got) > 1 and explains(list(itertools.accumulate(expected))):
        return ("each of your logprobs is the running total of the completion so far (the log-probability of the "
                "whole prefix): each record has its own token's logprob only")
    if len(got) > 1 and explains([sum(expected) / len(expected)] * len(expected)):
        return ("every record carries the same value, the mean of the completion's logprobs: each record has its "
                "own token's logprob")
    return fallback


@pytest.mark.logprobs
@pytest.mark.points(1)
def test_one_record_per_generated_token_with_plain_values(learner, backend):
    for label, sequence, prompt_length in _sequences(backend):
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
        got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
        _check_records_shape(got, sequence.shape[1] - prompt_length, sequence, prompt_length, 3, f"{call}  # {label}")


@pytest.mark.logprobs
@pytest.mark.points(3)
def test_logprobs_of_the_generated_tokens(learner, backend):
    for label, sequence, prompt_length in _sequences(backend):
        _check_logprob_values(learner, backend, backend.model, backend.model, sequence, prompt_length, label)
    # An instruct checkpoint ships sampling defaults in its generation_config (temperature 0.6,
    # top_p 0.9 for some); they are for generate's sampling, not part of the model's distribution.
    toy = BigramModel(torch.randn(512, 512, generator=torch.Generator().manual_seed(31)) * 3,
                      sampling_defaults={"temperature": 0.6, "top_p": 0.9})
    sequence = torch.tensor([[1, 415, 349, 28, 300, 77, 5, 411]])
    _check_logprob_values(learner, backend, toy, "<toy model: generation_config temperature=0.6, top_p=0.9>",
                          sequence, 3, "its logprobs are still those of temperature 1")


def _check_logprob_values(learner, backend, model, shown: Any, sequence: torch.Tensor, prompt_length: int,
                          label: str, top_n: int = 1) -> None:
    """Each record's ``logprob`` against the reference's, within :func:`_tolerance`."""
    tolerance = _tolerance(model)
    call = call_text(learner.completion_logprobs, shown, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    call = f"{call}  # {label}"
    got = learner.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    expected = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    _check_records_shape(got, len(expected), sequence, prompt_length, top_n, call)
    got_values = [record["logprob"] for record in got]
    want_values = [record["logprob"] for record in expected]
    errors = [abs(a - b) if math.isfinite(a) else math.inf for a, b in zip(got_values, want_values)]
    bad = [i for i, error in enumerate(errors) if error > tolerance]
    if bad:
        worst = max(bad, key=lambda i: errors[i])
        table = _all_logprobs(model, sequence)
        raise Mismatch(
            call,
            f"{len(bad)} of {len(expected)} logprobs differ (tolerance {tolerance:g}); largest error at record "
            f"{worst} (token {expected[worst]['token']!r}): got {got_values[worst]:.6g}, expected {want_values[worst]:.6g}",
            _logprob_hint(got_values, want_values, table, sequence, prompt_length),
        )


def _bytes_hint(got: dict, want: dict) -> str:
    if (want["token"], want["bytes"]) == ("", []):
        return "a special token (an id of tokenizer.all_special_ids) has the text '' and the bytes []"
    if (got["token"], got["bytes"]) == ("", []):
        return ("only the ids of tokenizer.all_special_ids are special (text '', bytes []): a piece that merely looks "
                "like a tag, such as '<>', is text")
    if got["bytes"] == [239, 191, 189] or "\ufffd" in got["token"]:
        return ("'�' (bytes [239, 191, 189]) comes from tokenizer.decode; a byte piece '<0xNN>' is the one "
                "raw byte NN — convert the id with convert_ids_to_tokens and read the piece")
    if "\u2581" in got["token"] or got["token"].startswith("<0x"):
        return "that is the raw piece, or part of it: every '▁' stands for a space and '<0xNN>' for one raw byte"
    if want["token"].startswith(" ") and got["token"] == want["token"][1:]:
        return "the leading space is missing: '▁' stands for a space (tokenizer.decode drops it)"
    if got["bytes"] == want["bytes"]:
        if "\\x" in want["token"] and got["token"].lower() == want["token"]:
            return "the bytes and the escape are right but not its case: the hex digits of '\\xNN' are lower-case"
        if len(want["bytes"]) > 1 and got["token"] == "".join(f"\\x{b:02x}" for b in want["bytes"]):
            return ("only a lone byte >= 0x80 is written '\\xNN': a piece whose bytes are whole UTF-8 characters is "
                    "their text")
        return "the bytes are right but not the text: a lone byte >= 0x80 is written '\\xNN' (backslashreplace)"
    return "bytes: '<0xNN>' is one raw byte; other pieces are their text ('▁' = space) in UTF-8"


def _check_top(got: list[dict], expected: list[dict], wide: list[dict], tolerance: float, top_n: int, call: str) -> None:
    for index, (mine, theirs, more) in enumerate(zip(got, expected, wide)):
        values = [entry["logprob"] for entry in mine["top_logprobs"]]
        if values != sorted(values, reverse=True):
            rank = next((rank for rank in range(len(values) - 1) if not values[rank] >= values[rank + 1]), 0)
            raise Mismatch(call, f"record {index}: top_logprobs are not sorted highest first: alternative {rank} "
                                 f"has logprob {values[rank]:.6g}, the next one {values[rank + 1]:.6g}",
                           "sort the alternatives by logprob, highest first (torch.topk returns them so)")
        for rank, (entry, want) in enumerate(zip(mine["top_logprobs"], theirs["top_logprobs"])):
            if not abs(entry["logprob"] - want["logprob"]) <= tolerance:
                hint = ("a logprob of -inf: use torch.log_softmax" if entry["logprob"] == -math.inf else
                        "these are probabilities; return logprobs" if abs(entry["logprob"] - math.exp(want["logprob"])) < 1e-4
                        else "the alternatives are the top_n entries of log_softmax(logits[t - 1])")
                raise Mismatch(call, f"record {index}, alternative {rank}: logprob {entry['logprob']:.6g}, "
                                     f"expected {want['logprob']:.6g}", hint)
            # Near-ties may come out in either order: accept any token tied with the expected one.
            tied = {(alt["token"], tuple(alt["bytes"])) for alt in more["top_logprobs"]
                    if abs(alt["logprob"] - want["logprob"]) <= tolerance}
            if (entry["token"], tuple(entry["bytes"])) not in tied:
                raise Mismatch(call, f"record {index}, alternative {rank}: token {describe(entry['token'])} "
                                     f"(bytes {describe(entry['bytes'])}), expected {want['token']!r} (bytes {want['bytes']})",
                               _bytes_hint(entry, want))


@pytest.mark.logprobs
@pytest.mark.points(2)
# 200: more than the 20 alternatives an OpenAI-style API allows (the contract has no such cap),
# and deep enough that a selection never sorted shows: numpy's argpartition leaves a top block of
# up to about 64 of the tiny model's logprobs in order by luck, and none of 200.
@pytest.mark.parametrize("top_n", [5, 200])
def test_top_logprobs_are_the_most_probable_alternatives(learner, backend, top_n):
    tolerance = _tolerance(backend.model)
    # 200 alternatives for each record of three sequences cost a submission 0.6 s of grading;
    # the first sequence alone shows an unsorted selection as well.
    for label, sequence, prompt_length in _sequences(backend)[:3 if top_n < 100 else 1]:
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
        call = f"{call}  # {label}"
        got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
        expected = ref.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
        wide = ref.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=top_n + TIE_MARGIN)
        _check_records_shape(got, len(expected), sequence, prompt_length, top_n, call)
        _check_top(got, expected, wide, tolerance, top_n, call)
    # Three ids with one text: a toy model whose most likely next tokens are always <unk>, <s> and
    # </s> (all '', no bytes). Alternatives gathered by text (as a {text: logprob} dict) lose two.
    model = _specials_first_toy_model()
    sequence, prompt_length = torch.tensor([[1, 415, 349, 28, 300]]), 3
    call = call_text(learner.completion_logprobs, "<toy model: <unk> <s> </s> likeliest>",
                     backend.tokenizer, sequence, prompt_length, top_n=top_n)
    got = learner.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    expected = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    wide = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n + TIE_MARGIN)
    for index, (record, theirs) in enumerate(zip(got if isinstance(got, list) else [], expected)):
        blank_expected = [alternative["logprob"] for alternative in theirs["top_logprobs"] if alternative["token"] == ""]
        alternatives = record.get("top_logprobs") if isinstance(record, dict) else None
        alternatives = [alternative for alternative in (alternatives if isinstance(alternatives, list) else [])
                        if isinstance(alternative, dict)]
        blank = sum(alternative.get("token") == "" for alternative in alternatives)
        # Merged only if one of the three is missing: a wrong text for one of them also lowers the count.
        listed = [alternative.get("logprob") for alternative in alternatives]
        missing = any(not any(isinstance(value, float) and abs(value - want) <= _tolerance(model) for value in listed)
                      for want in blank_expected)
        if 0 < blank < len(blank_expected) and missing:
            raise Mismatch(call, f"record {index} has {blank} alternative(s) with the text '', expected {len(blank_expected)} "
                                 "(<unk>, <s> and </s> are this model's most likely tokens)",
                           "<unk>, <s> and </s> are three tokens that share one text: each is an alternative of its own")
    _check_records_shape(got, len(expected), sequence, prompt_length, top_n, call)
    _check_top(got, expected, wide, _tolerance(model), top_n, call)
    # Exact ties, one pair inside the list and a group of five across its last place: "tokens
    # with equal logprobs may come in either order", and any of the group may be the one listed.
    model = _tied_toy_model(top_n)
    call = call_text(learner.completion_logprobs, f"<toy model: exact ties at the {top_n}th place>",
                     backend.tokenizer, sequence, prompt_length, top_n=top_n)
    got = learner.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    expected = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n)
    wide = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt_length, top_n=top_n + TIE_MARGIN)
    _check_records_shape(got, len(expected), sequence, prompt_length, top_n, call)
    _check_top(got, expected, wide, _tolerance(model), top_n, call)


def _tied_toy_model(top_n: int) -> BigramModel:
    """A 512-token :class:`BigramModel` whose every row has distinct scores but for two exact
    ties: the 2nd and 3rd most likely tokens, and the five around the ``top_n``-th place (the
    ``top_n - 2``-th to the ``top_n + 2``-th), which a top-``top_n`` list must cut (for a
    short list the two ties meet in one group). The scores are dealt to the ids in a shuffled
    order, so no rule of ids (lower first, higher first) is the only one that passes."""
    ranks = torch.arange(512, dtype=torch.float32)
    ranks[2] = ranks[1]
    cut = max(top_n - 1, 3)  # the 0-based rank of the top_n-th place
    ranks[cut - 2:cut + 3] = ranks[cut - 2]
    scores = -0.05 * ranks
    order = torch.randperm(512, generator=torch.Generator().manual_seed(29))
    row = torch.empty(512).index_copy_(0, order, scores)
    return BigramModel(row.expand(512, 512).contiguous())


def _specials_first_toy_model() -> BigramModel:
    """A 512-token :class:`BigramModel` (Mistral's first 512 ids) whose next token is, after any
    token, most likely ``<unk>`` (id 0), then ``<s>`` (1), then ``</s>`` (2): three tokens that
    stand for no text. The rest of each row is small noise."""
    table = torch.rand(512, 512, generator=torch.Generator().manual_seed(13))
    table[:, :3] = torch.tensor([9.0, 8.0, 7.0])
    return BigramModel(table)


def _check_token_entries(learner, backend, sequence: torch.Tensor, prompt_length: int, label: str) -> tuple[str, list]:
    """Each record's ``token`` and ``bytes`` against the reference's; returns (call text, the records)."""
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    call = f"{call}  # {label}"
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    expected = ref.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    _check_records_shape(got, len(expected), sequence, prompt_length, 3, call)
    for index, (mine, want) in enumerate(zip(got, expected)):
        if (mine["token"], mine["bytes"]) != (want["token"], want["bytes"]):
            piece = backend.tokenizer.convert_ids_to_tokens(int(sequence[0, prompt_length + index]))
            raise Mismatch(call, f"record {index} (piece {piece!r}): token {describe(mine['token'])} bytes {describe(mine['bytes'])}, "
                                 f"expected token {want['token']!r} bytes {want['bytes']}", _bytes_hint(mine, want))
    return call, got


@pytest.mark.logprobs
@pytest.mark.points(2)
def test_token_text_and_bytes(learner, backend):
    for label, sequence, prompt_length in _sequences(backend):
        call, got = _check_token_entries(learner, backend, sequence, prompt_length, label)
        special = set(backend.tokenizer.all_special_ids)
        completion = sequence[0, prompt_length:].tolist()
        joined = bytes(b for record, token_id in zip(got, completion) if token_id not in special for b in record["bytes"])
        text = backend.tokenizer.decode(completion, skip_special_tokens=True)
        check_true(joined.decode("utf-8", errors="replace").strip() == text.strip(), call=call,
                   problem=f"the records' bytes join to {joined!r:.80}, which is not the completion {text!r:.60}",
                   hint="the bytes of all records, joined, must spell the generated text")
    # Lone bytes on both sides of 0x80: a byte below 0x80 is a character of its own ('<0x7F>'),
    # from 0x80 on ('<0x80>', '<0xFF>') it is only part of a character and is written \xNN.
    prompt = backend.encode("The capital of Japan is")
    # And pieces that only look like tags ('<>', '<?>') are text, not special tokens.
    pieces = ["<0x7F>", "<0x80>", "<0xFF>", "<>", "<?>"]
    completion = torch.tensor([backend.tokenizer.convert_tokens_to_ids(pieces)], device=prompt.device)
    sequence, prompt_length = torch.cat([prompt, completion], dim=1), prompt.shape[1]
    _check_token_entries(learner, backend, sequence, prompt_length, f"the pieces {', '.join(pieces)} after the prompt")


def _confident_toy_model(vocab: int = 512, spread: float = 300.0) -> BigramModel:
    """A toy model more confident than any real one: after each token its logits lie evenly over
    ``[0, spread]``, so the least likely next token has a logprob near ``-spread`` — and exp of
    that rounds to 0 in float32. Its token ids are the first ``vocab`` of Mistral's vocabulary,
    so the backend's tokenizer names them. (A test edits no backend's weights: the learner's
    process has its own copy, docs/grading.md.)"""
    return BigramModel(torch.rand(vocab, vocab, generator=torch.Generator().manual_seed(11)) * spread)


@pytest.mark.logprobs
@pytest.mark.points(1)
def test_a_very_unlikely_token_keeps_a_finite_logprob(learner, backend):
    """A token the model finds almost impossible (sampled at a high temperature, say) must get a
    finite logprob: exp(-200) is 0 in float32, so log(softmax(x)) gives -inf; log_softmax does not.
    And a half-precision model's logprobs are computed in float32."""
    model = _confident_toy_model()
    prompt = torch.tensor([[1, 415, 349]])  # "<s> The ... is": ids below the toy's 512
    with torch.no_grad():
        unlikely = int(model(input_ids=prompt).logits[0, -1].argmin())
    sequence = torch.cat([prompt, torch.tensor([[unlikely]])], dim=1)
    expected = ref.completion_logprobs(model, backend.tokenizer, sequence, prompt.shape[1], top_n=2)
    assert math.isfinite(expected[0]["logprob"]) and expected[0]["logprob"] < -200, (
        f"the toy model should give the unlikely token a logprob below -200, the reference gave {expected[0]['logprob']}")
    call = call_text(learner.completion_logprobs, "<a toy model whose logits spread over 300>", backend.tokenizer,
                     sequence, prompt.shape[1], top_n=2)
    got = learner.completion_logprobs(model, backend.tokenizer, sequence, prompt.shape[1], top_n=2)
    _check_records_shape(got, 1, sequence, prompt.shape[1], 2, call)
    value, want = got[0]["logprob"], expected[0]["logprob"]
    # -inf for the likeliest alternatives too is no underflow: exp() of the large logits overflowed.
    likeliest = [a.get("logprob") for a in got[0]["top_logprobs"] if isinstance(a, dict)]
    overflowed = bool(likeliest) and not any(isinstance(a, float) and math.isfinite(a) for a in likeliest)
    hint = lambda: _logprob_hint([value], [want], _all_logprobs(model, sequence), sequence, prompt.shape[1],  # noqa: E731
                                 fallback=_floor_hint(value) or "use torch.log_softmax of the logits at t - 1")
    if value == -math.inf:
        hint = ("every logprob here is -inf, the likeliest tokens' too: exp() of a logit above about 88 overflows "
                "float32; subtract the row's largest logit before exp (torch.log_softmax does)" if overflowed else
                "exp(-200) rounds to 0 in float32, so log(softmax(x)) gives -inf: use torch.log_softmax")
    check_true(math.isfinite(value) and abs(value - want) <= max(_tolerance(model), 1e-4 * abs(want)), call=call,
               problem=f"the logprob of a very unlikely token is {describe(value)}, expected {want:.6g}", hint=hint)
    # The alternatives are logprobs too: three likely tokens, two ordinary ones 200 below them and
    # the rest 400 below, so the 4th and 5th most probable have probability exp(-201), 0 in
    # float32. Only finiteness is checked here: which alternatives and their values are the
    # top_logprobs test's.
    table = torch.full((512, 512), -400.0)
    table[:, 72:75] = torch.tensor([0.0, -0.5, -1.0])  # no ties: how ties are listed is another test's
    table[:, 300:302] = torch.tensor([-200.0, -200.5])
    spread = BigramModel(table)
    sequence = torch.tensor([[1, 72, 73]])
    call = call_text(learner.completion_logprobs, "<a toy model: 3 likely tokens, 2 more 200 below, the rest 400 below>",
                     backend.tokenizer, sequence, 2, top_n=5)
    got = learner.completion_logprobs(spread, backend.tokenizer, sequence, 2, top_n=5)
    _check_records_shape(got, 1, sequence, 2, 5, call)
    values = [alternative["logprob"] for alternative in got[0]["top_logprobs"]]
    check_true(all(math.isfinite(value) for value in values), call=call,
               problem=f"the top_logprobs hold {[describe(value) for value in values]}; every alternative here has "
                       "a finite logprob (the 4th and 5th about -200.7 and -201.2)",
               hint="a logprob of -inf for an alternative is the log of a probability that rounded to 0: take the "
                    "alternatives' logprobs from the same log_softmax row as the token's")
    # A half-precision model (the 4-bit Mistral-7B computes in float16): its logits are exact
    # here (a table lookup), so logprobs computed in float32, as the docstring asks, agree to
    # ~1e-6; a log_softmax taken in bfloat16 keeps about 3 significant digits (errors ~1e-2).
    half = BigramModel(torch.randn(512, 512, generator=torch.Generator().manual_seed(12)) * 4,
                       logits_dtype=torch.bfloat16)
    sequence = torch.tensor([[1, 415, 349, 28, 300, 77, 5]])
    expected = ref.completion_logprobs(half, backend.tokenizer, sequence, 3, top_n=2)
    call = call_text(learner.completion_logprobs, "<a toy model with bfloat16 logits>", backend.tokenizer, sequence, 3,
                     top_n=2)
    got = learner.completion_logprobs(half, backend.tokenizer, sequence, 3, top_n=2)
    _check_records_shape(got, len(expected), sequence, 3, 2, call)
    # A nan counts as the largest error: max() keeps the first of a list and skips a later nan.
    errors = [abs(record["logprob"] - want["logprob"]) for record, want in zip(got, expected)]
    worst = max(error if math.isfinite(error) else math.inf for error in errors)
    check_true(worst <= 1e-4, call=call,
               problem=f"logprobs differ from float32 ones by up to {worst:.3g} (tolerance 1e-4; a nan counts as inf)",
               hint=lambda: _half_precision_hint(got, expected, half, sequence, 3))


def _floor_hint(value: float) -> str | None:
    """Named when ``value`` is the log of float32's smallest normal number: a clamped probability."""
    if math.isfinite(value) and abs(value - math.log(torch.finfo(torch.float32).tiny)) <= 1e-4:
        return ("your logprob is log(1.18e-38), the log of float32's smallest normal number: a probability clamped "
                "before the log hides its underflow; take torch.log_softmax of the logits instead")
    return None


def _half_precision_hint(got: list[dict], expected: list[dict], model: BigramModel, sequence: torch.Tensor,
                         prompt_length: int) -> str:
    """bfloat16 named only when a log_softmax taken in the logits' bfloat16 gives the learner's values."""
    values = [record["logprob"] for record in got]
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0]
    rows = torch.log_softmax(logits[prompt_length - 1 : -1], dim=-1)
    replay = rows.gather(1, sequence[0, prompt_length:].unsqueeze(1))[:, 0].float().tolist()
    if all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(values, replay)):
        return ("your logprobs are those of a log_softmax taken in bfloat16, the logits' dtype: convert the logits "
                "to float32 before log_softmax (bfloat16 keeps ~3 significant digits)")
    return _logprob_hint(values, [record["logprob"] for record in expected], _all_logprobs(model, sequence),
                         sequence, prompt_length)


@pytest.mark.logprobs
@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["nothing generated", "top_n=0", "prompt_length=0", "prompt_length>T", "top_n<0",
                                  "top_n<0, nothing generated", "prompt_length=1", "default top_n",
                                  "a sequence of one token"])
def test_edge_cases(learner, backend, case):
    sequence = backend.encode("Hello world, hello moon")
    length = sequence.shape[1]
    if case in ("prompt_length=0", "prompt_length>T", "top_n<0", "top_n<0, nothing generated"):
        expect_accepted(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, 2, top_n=1,
                        hint="prompt_length 2 and top_n 1 are valid here: return the records; refuse only bad values")
    if case == "nothing generated":
        # [] is also what a function that does nothing returns: the case counts beside one real record.
        _check_logprob_values(learner, backend, backend.model, backend.model, sequence, length - 1,
                              "one generated token, before the case of none")
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, length)
        got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, length)
        check_equal(got, [], call=call, hint="with prompt_length == T nothing was generated: return []")
    elif case == "top_n=0":
        # Records with no alternatives, whose logprobs are still the model's.
        _check_logprob_values(learner, backend, backend.model, backend.model, sequence, 2, "no alternatives", top_n=0)
    elif case == "prompt_length=0":
        expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, 0,
                     hint="the first token has no position before it, so prompt_length must be at least 1")
    elif case == "prompt_length>T":
        expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, length + 1,
                     hint="a prompt longer than the sequence is a caller's mistake: check 1 <= prompt_length <= T")
    elif case == "top_n<0":
        expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, 2, top_n=-1,
                     hint="check top_n >= 0 before anything else: a negative slice silently keeps almost everything")
    elif case == "top_n<0, nothing generated":
        # "A negative top_n raises ValueError, also when nothing was generated": check before returning [].
        expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, length,
                     top_n=-1, hint="check top_n >= 0 before anything else, even before returning [] for an empty "
                                    "completion")
    elif case == "prompt_length=1":
        # The smallest valid prompt: every token after the first gets a record.
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, 1, top_n=2)
        try:
            got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, 1, top_n=2)
        except ValueError as error:
            raise Mismatch(call, f"raised ValueError({str(error)!r}) for a valid prompt_length",
                           "prompt_length may be anything from 1 to T: only the very first token has no logprob") from None
        _check_records_shape(got, length - 1, sequence, 1, 2, call)
    elif case == "a sequence of one token":
        # (1, 1): both axes of size one. T = 1, so prompt_length 1 generated nothing, and 2 is past T.
        single = sequence[:, :1]
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, single, 1)
        got = learner.completion_logprobs(backend.model, backend.tokenizer, single, 1)
        check_equal(got, [], call=call, hint="T is sequence.shape[1] (here 1): with prompt_length == T return []")
        expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, single, 2,
                     hint="T is sequence.shape[1] (here 1): prompt_length 2 is past it, so raise ValueError")
    else:
        # No top_n given: the signature's default, 5 alternatives per record.
        call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, 2)
        got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, 2)
        try:
            _check_records_shape(got, length - 2, sequence, 2, 5, call)
        except Mismatch as mismatch:
            hint = mismatch.hint
            if not hint and _same_wrong_top_count(got, 5):
                hint = "called without top_n, the default of the signature applies: top_n = 5"
            raise Mismatch(mismatch.call, mismatch.problem, hint) from None


def _same_wrong_top_count(got: Any, top_n: int) -> bool:
    """Every record lists the same number of alternatives, and not ``top_n`` (a wrong default, not a lost one)."""
    counts = {len(record["top_logprobs"]) if isinstance(record, dict) and isinstance(record.get("top_logprobs"), list)
              else None for record in (got if isinstance(got, list) else [])}
    return len(counts) == 1 and None not in counts and top_n not in counts


class _LogitsOnly(torch.nn.Module):
    """A stand-in model that returns recorded logits: ``last`` at the prompt's final position."""

    def __init__(self, last: torch.Tensor, length: int):
        super().__init__()
        self.last = last.float()
        self.length = length
        self.dtype = torch.float32

    def forward(self, input_ids: torch.Tensor, **_: Any):
        from transformers.modeling_outputs import CausalLMOutput

        logits = torch.zeros(1, input_ids.shape[1], self.last.shape[-1])
        logits[0, self.length - 1] = self.last
        return CausalLMOutput(logits=logits)

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")


@pytest.mark.logprobs
def test_logprobs_on_recorded_mistral_logits(learner, capture):
    """Real Mistral-7B numbers (ungraded: only runs with a capture file)."""
    from reference.tokenizer import load_mistral_tokenizer

    tokenizer = load_mistral_tokenizer()
    for prompt in capture.prompts[:3]:
        ids = list(prompt["input_ids"]) + [int(prompt["greedy_ids"][0])]
        sequence = torch.tensor([ids])
        model = _LogitsOnly(torch.as_tensor(prompt["last_logits"]), len(prompt["input_ids"]))
        call = call_text(learner.completion_logprobs, "<Mistral-7B's recorded logits>", tokenizer,
                         sequence, len(prompt["input_ids"]), top_n=5)
        got = learner.completion_logprobs(model, tokenizer, sequence, len(prompt["input_ids"]), top_n=5)
        expected = ref.completion_logprobs(model, tokenizer, sequence, len(prompt["input_ids"]), top_n=5)
        wide = ref.completion_logprobs(model, tokenizer, sequence, len(prompt["input_ids"]), top_n=5 + TIE_MARGIN)
        _check_records_shape(got, 1, sequence, len(prompt["input_ids"]), 5, call)
        check_true(abs(got[0]["logprob"] - expected[0]["logprob"]) <= 1e-4, call=call,
                   problem=f"logprob {got[0]['logprob']:.6g}, expected {expected[0]['logprob']:.6g}",
                   hint="log_softmax of the logits at the position before the token")
        _check_top(got, expected, wide, 1e-4, 5, call)
