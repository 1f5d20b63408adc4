"""Hidden suite: greedy_generate (exercise 10).

Ground truth: :func:`reference.decoding.greedy_with_logits`, which is ``model.generate(
do_sample=False)`` with the library's default generation settings (no repetition penalty or
other processor taken from the checkpoint) and the logits of every step.

Token ids are compared exactly, with one exception. Where the reference's two best logits at
some step are closer than a tolerance, a correct loop can pick the other one — the learner's
forward passes (with or without the KV cache, other kernel shapes) round differently from
``generate``'s — and everything after that step may differ. :func:`first_near_tie` finds the
first such step; the comparison covers the prompt and the new tokens before it. The
tolerance depends on the logits' dtype (:data:`NEAR_TIE_TOLERANCE`): float32 on the CPU
differs between cached and uncached passes by ~1e-6, so 1e-4 almost never cuts a comparison
short on the tiny model; float16 / bfloat16 logits of Mistral-7B are ~10-30 in size with
rounding steps of ~0.01 / ~0.1, and 4-bit weights add their own kernel differences.

The last point is the bonus of the issue: a loop that reuses the KV cache (feeds one new
token per step). It is one of the exercise's 10 points, so a correct loop without the cache
scores 9/10.
"""
from __future__ import annotations

import pytest
import torch

from grading.harness.compare import (
    Mismatch, call_text, check_passes_without_gradients, check_tensor, check_true, describe, type_name,
)
from grading.grader.expected import remembered
from reference import decoding as _ref
from reference.bigram import BigramModel

ref = remembered(_ref)

PROMPTS = ["The capital of Japan is", "Once upon a time,", "日本の首都は", "Hello world"]
MAX_NEW = 12

# Largest gap between the two best logits of a step that still counts as a near-tie.
NEAR_TIE_TOLERANCE = {torch.float64: 1e-8, torch.float32: 1e-4, torch.float16: 0.1, torch.bfloat16: 0.25}
QUANTIZED_TOLERANCE = 0.15  # 4-bit weights: at least this, whatever the compute dtype


def near_tie_tolerance(backend, step_logits: torch.Tensor) -> float:
    tolerance = NEAR_TIE_TOLERANCE.get(step_logits.dtype, 0.25)
    return max(tolerance, QUANTIZED_TOLERANCE) if backend.quantized else tolerance


def first_near_tie(step_logits: torch.Tensor, tolerance: float) -> int | None:
    """The first step whose top-2 logit gap is below ``tolerance`` (``None`` if there is none)."""
    if step_logits.shape[0] == 0:
        return None
    close = (ref.top2_margins(step_logits) < tolerance).nonzero()
    return int(close[0]) if close.numel() else None


def _length_hint(n_got: int, n_expected: int, max_new_tokens: int, eos_token_id, expected: torch.Tensor) -> str:
    ends_with_eos = eos_token_id is not None and n_expected > 0 and int(expected[0, -1]) == eos_token_id
    if ends_with_eos and n_got == n_expected - 1:
        return "you stop BEFORE the eos token: append it to the output, then stop"
    if ends_with_eos and n_got > n_expected:
        return (f"the output should end at the eos token (id {eos_token_id}): after appending each new token, "
                "stop if it equals eos_token_id")
    if n_got == n_expected + 1 and n_expected == max_new_tokens:
        return "one token too many: add exactly max_new_tokens new tokens (range(max_new_tokens))"
    if n_got == n_expected - 1 and n_expected == max_new_tokens:
        return "one token short: add exactly max_new_tokens new tokens"
    if n_got < n_expected and eos_token_id is None:
        return ("fewer than max_new_tokens new tokens, with no eos to stop at: only max_new_tokens ends the loop "
                "then (generate() does not stop at the model's context length either)")
    if n_got < n_expected and eos_token_id is not None:
        return ("your output ends before the reference's: stop only right after appending a NEW token equal to "
                "eos_token_id, or after max_new_tokens new tokens")
    return "add one token per step, at most max_new_tokens, and stop right after an eos token"


def _token_hint(step: int) -> str:
    if step == 0:
        return ("the first new token is wrong: it is the argmax over the vocabulary (last axis) of the logits "
                "at the LAST position of the prompt, logits[:, -1, :]")
    return (f"the new tokens before token {step} are right, token {step} is not: at every step the next token is the argmax "
            "over the vocabulary of the raw logits at the last position, for the whole sequence so far (the prompt "
            "and every new token, fed in full or as the newest token on top of cache=out.cache)")


def _replayed_loop(model, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None,
                   next_token) -> torch.Tensor:
    """A greedy loop with one slip: ``next_token(logits)`` picks each token (shape (1, 1))."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = next_token(model(input_ids=ids).logits).to(ids.dtype)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


_LOOP_SLIPS = (
    (lambda logits: logits.softmax(dim=1)[:, -1].argmax(-1, keepdim=True),
     "your tokens are those of a loop that takes the softmax over dim=1, the positions, before the argmax: "
     "each position's probabilities are spread over the vocabulary (the last axis); the argmax of the raw "
     "last-position logits needs no softmax at all"),
    (lambda logits: logits[:, 0].argmax(-1, keepdim=True),
     "your tokens are those of a loop that reads logits[:, 0], the prediction after the first token: the next "
     "token is predicted at the LAST position"),
)
# No replay of the cache slips: feeding the newest token without its cache and feeding the whole
# sequence on top of the cache give the same tokens on some prompts, so neither could be named.


def _loop_hint(learner, model, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None,
               got: torch.Tensor, expected: torch.Tensor, step: int, tie: int | None) -> str:
    """Name a slip when replaying it alone reproduces the learner's tokens; else see whether the
    learner's own loop repeats itself; else restate the rule for the step that differs."""
    for index, (next_token, diagnosis) in enumerate(_LOOP_SLIPS):
        if index == 1 and input_ids.shape[1] == 1:
            continue  # on a one-token prompt position 0 is the last one: reading it is no slip yet
        replay = _replayed_loop(model, input_ids, max_new_tokens, eos_token_id, next_token)
        if torch.equal(replay.cpu(), got.cpu()) and not torch.equal(replay.cpu(), expected.cpu()):
            return diagnosis
    # Run again on the same input: greedy decoding gives the same tokens every time, so a second
    # call that differs kept something from an earlier call or drew at random. Up to a near-tie
    # only, where correct loops may part ways. The global generator is put back afterwards, so that
    # a loop that samples draws in later tests what it drew before this hint existed (in-process;
    # a sandboxed learner's process keeps its own generator).
    try:
        with torch.random.fork_rng():
            again = learner.greedy_generate(model, input_ids, max_new_tokens, eos_token_id)
    except Exception:  # noqa: BLE001 (a second call that fails says nothing more: the first's mismatch stands)
        again = None
    end = got.shape[1] if tie is None else input_ids.shape[1] + tie
    if isinstance(again, torch.Tensor) and not torch.equal(again[..., :end].cpu(), got[..., :end].cpu()):
        shown = again[0].tolist() if again.dim() == 2 else again.tolist()
        return (f"two identical calls gave different tokens ({got[0, input_ids.shape[1]:].tolist()}, then "
                f"{shown[input_ids.shape[1]:]}): greedy decoding gives the same tokens for the same input every "
                "time, so nothing may carry over from one call to the next (a cache or an output kept outside the "
                "call) and nothing may be drawn at random")
    return _token_hint(step)


def _shape_hint(got: torch.Tensor) -> str:
    if got.dim() == 1:
        return ("your result is 1-D: keep the batch axis (no [0], and no bare squeeze(), which also drops it for "
                "a one-token prompt); return shape (1, T + n)")
    if got.dim() == 2:
        return "keep the batch axis: concatenate along dim=-1, not dim=0"
    return "return one row, the prompt followed by the new tokens: shape (1, T + n)"


def _dtype_hint(got: torch.Tensor, T: int) -> str:
    if got.is_floating_point() and got.shape[1] == T:
        return ("with no new token your result is a float tensor: torch.tensor of an empty Python list is float32 "
                "unless given a dtype; token ids stay int64, the dtype of input_ids")
    return "argmax gives int64 ids: concatenate them to input_ids without converting"


def _prefix_hint(got: torch.Tensor, prompt: torch.Tensor) -> str:
    T = prompt.shape[1]
    for extra in range(1, got.shape[1] - T + 1):
        if torch.equal(got[:, extra : extra + T], prompt):
            return (f"your result has {extra} token(s), {got[0, :extra].tolist()}, before the prompt: return "
                    "input_ids unchanged in front, with nothing added before it (not even <s>)")
    return "return the prompt followed by the new tokens, not the new tokens alone"


def check_greedy(
    learner, backend, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None = None
) -> torch.Tensor:
    """Run the learner's greedy_generate and compare it with the reference; returns its output."""
    expected, step_logits = ref.greedy_with_logits(backend.model, input_ids, max_new_tokens, eos_token_id)
    prompt = input_ids.clone()
    got = learner.greedy_generate(backend.model, input_ids, max_new_tokens, eos_token_id)
    changed = learner.arguments_changed_by_last_call()
    call = call_text(learner.greedy_generate, backend.model, input_ids, max_new_tokens, eos_token_id)
    T = prompt.shape[1]
    if not isinstance(got, torch.Tensor):
        raise Mismatch(call, f"the result should be a torch.Tensor, got {type_name(got)} {describe(got)}",
                       "return torch.cat([input_ids, new_tokens], dim=-1), a (1, T + n) tensor")
    if got.dim() != 2 or got.shape[0] != 1:
        raise Mismatch(call, f"the result has shape {tuple(got.shape)}, expected (1, T + n) with T = {T}",
                       _shape_hint(got))
    if got.dtype != torch.long:
        raise Mismatch(call, f"the result has dtype {got.dtype}, expected torch.int64 token ids",
                       _dtype_hint(got, T))
    if got.device != prompt.device:
        raise Mismatch(call, f"the result is on {got.device}, expected {prompt.device} (where input_ids is)",
                       "keep the ids on the model's device; do not call .cpu()")
    if changed:
        raise Mismatch(call, f"the call changed {', '.join(changed)} in place", "build a new tensor with torch.cat; leave input_ids as it is")
    if got.shape[1] < T or not torch.equal(got[:, :T], prompt):
        raise Mismatch(call, f"the result {describe(got)} does not start with the {T} prompt tokens",
                       _prefix_hint(got, prompt))
    tie = first_near_tie(step_logits, near_tie_tolerance(backend, step_logits))
    whole, reference = got, expected  # before a near-tie cuts them short
    n_got, n_expected = got.shape[1] - T, expected.shape[1] - T
    if tie is not None:
        # Backends may legitimately diverge from this step on: compare only what comes before.
        check_true(tie <= n_got <= max_new_tokens, call=call,
                   problem=f"added {n_got} tokens, expected between {tie} and {max_new_tokens}",
                   hint=_length_hint(n_got, n_expected, max_new_tokens, eos_token_id, expected))
        got, expected = got[:, : T + tie], expected[:, : T + tie]
        n_got = n_expected = tie
    common = min(n_got, n_expected)
    differ = (got[0, T : T + common] != expected[0, T : T + common]).nonzero()
    if differ.numel():
        step = int(differ[0])
        raise Mismatch(call, f"new token {step} is {int(got[0, T + step])}, expected {int(expected[0, T + step])} "
                             f"({int(differ.numel())} of {common} new tokens differ)",
                       lambda: _loop_hint(learner, backend.model, prompt, max_new_tokens, eos_token_id, whole, reference,
                                          step, tie))
    if n_got != n_expected:
        raise Mismatch(call, f"added {n_got} new tokens, expected {n_expected} (shape {tuple(got.shape)}, "
                             f"expected {tuple(expected.shape)})",
                       _length_hint(n_got, n_expected, max_new_tokens, eos_token_id, expected))
    check_tensor(got, expected, call=call)
    return got


@pytest.mark.greedy
@pytest.mark.points(3)
def test_greedy_matches_generate(learner, backend):
    eos = backend.tokenizer.eos_token_id
    for prompt in PROMPTS:
        check_greedy(learner, backend, backend.encode(prompt), MAX_NEW, eos)
    # A prompt of 508 tokens, 8 new ones: past the tiny model's 512 positions. generate() puts
    # no cap there (the rotary positions go on), so neither may the loop.
    long_prompt = backend.encode("Tokyo is the capital of Japan. " * 80)[:, :508]
    check_greedy(learner, backend, long_prompt, 8)


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_matches_generate_without_bos(learner, backend):
    # Without <s> the model reads the prompt as the middle of a text: another continuation.
    for prompt in PROMPTS[:2]:
        check_greedy(learner, backend, backend.encode(prompt, add_bos=False), MAX_NEW)


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_with_zero_and_one_new_tokens(learner, backend):
    ids = backend.encode(PROMPTS[0])
    check_greedy(learner, backend, ids, 0)
    check_greedy(learner, backend, ids, 1)
    check_greedy(learner, backend, ids, 1, backend.tokenizer.eos_token_id)
    # A prompt of one token is (1, 1): both axes of size one, and the result is still (1, 1 + n).
    check_greedy(learner, backend, ids[:, :1], 0)
    check_greedy(learner, backend, ids[:, :1], 3)


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_stops_after_eos(learner, backend):
    for prompt in PROMPTS[:3]:
        ids = backend.encode(prompt)
        path = ref.greedy_generate(backend.model, ids, MAX_NEW)[0, ids.shape[1]:].tolist()
        # Use as "eos" a token the greedy path produces, so the stop is exercised on any model:
        # the first token that is new at step >= 2 (stop in the middle), and the very first token.
        middle = next((t for i, t in enumerate(path) if i >= 2 and t not in path[:i]), None)
        for eos in (middle, path[0]):
            if eos is not None:
                check_greedy(learner, backend, ids, MAX_NEW, eos)
        # A prompt token the path never produces: only NEW tokens may stop the loop.
        in_prompt = next((t for t in ids[0].tolist() if t not in path), None)
        if in_prompt is not None:
            check_greedy(learner, backend, ids, MAX_NEW, in_prompt)
    # A prompt that already ends with </s> still gets its new tokens: only a token the loop
    # appends stops it (a `while ids[0, -1] != eos` guard would return the prompt as it is).
    eos = backend.tokenizer.eos_token_id
    ended = backend.encode(PROMPTS[0])
    check_greedy(learner, backend, torch.cat([ended, torch.full((1, 1), eos, dtype=ended.dtype, device=ended.device)], dim=1),
                 MAX_NEW, eos)
    # The loop is the learner's own: on a toy model that answers only the forward call (no
    # generate(), no generation_config to read), greedy is the chain of each row's argmax.
    table = torch.randn(40, 40, generator=torch.Generator().manual_seed(13)) * 3
    toy, ids = BigramModel(table), torch.tensor([[1, 3]])
    path = ids[0].tolist()
    for _ in range(6):
        path.append(int(table[path[-1]].argmax()))
    # Without eos all six new tokens; with the third new token as eos, the loop stops after it.
    for eos, tokens in ((None, path), (path[4], path[:5])):
        got = learner.greedy_generate(toy, ids, 6, eos)
        check_tensor(got, torch.tensor([tokens]), call=call_text(learner.greedy_generate, "<a toy bigram model>", ids, 6, eos),
                     hint="call the model yourself, one step at a time, and take the argmax of the last position's "
                          "logits; stop after eos_token_id when it is given")
    # Token 0 is a real token: eos_token_id=0 stops the loop too (3 -> 5 -> 0 on this toy).
    table = torch.zeros(8, 8)
    table[3, 5] = table[5, 0] = table[0, 2] = 1.0
    got = learner.greedy_generate(BigramModel(table), ids, 6, 0)
    check_tensor(got, torch.tensor([[1, 3, 5, 0]]), call=call_text(learner.greedy_generate, "<a toy bigram model>", ids, 6, 0),
                 hint="compare with `eos_token_id is not None`: the id 0 is falsy, yet a real token")


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_takes_the_lowest_id_among_tied_logits(learner):
    # The argmax is the lowest of the tied ids (3 -> 4, not 6; a row of zeros -> 0), as
    # torch.argmax returns; torch.topk(logits, 1) promises no order among ties. And over 128
    # tokens: an unstable sort keeps ties in id order on short rows only (torch's argsort put a
    # later id first past 16 entries, where 8 looked stable). Its own test since a thirty-second
    # examiner saw a tie-breaking mistake reported under the eos test, where this used to live.
    ids = torch.tensor([[1, 3]])
    for size, tied in ((8, (4, 6)), (128, (17, 60, 99))):
        table = torch.zeros(size, size)
        table[3, list(tied)] = 1.0
        got = learner.greedy_generate(BigramModel(table), ids, 3)
        expected = torch.tensor([[1, 3, tied[0], 0, 0]])
        check_tensor(got, expected,
                     call=call_text(learner.greedy_generate, f"<a toy bigram model of {size} tokens>", ids, 3),
                     hint=lambda: _tie_hint(table, ids, got, expected))
    # Nearly tied is not tied: 10.003 beats 10.0 in float32, the logits' dtype, but a float16 or
    # bfloat16 copy rounds both to 10.0 and its argmax takes the lower id (a thirty-ninth
    # examiner's learner, saving GPU memory).
    table = torch.zeros(8, 8)
    table[3, 5], table[3, 6] = 10.0, 10.003
    got = learner.greedy_generate(BigramModel(table), ids, 1)
    half = isinstance(got, torch.Tensor) and got.shape == (1, 3) and int(got[0, -1]) == 5
    check_tensor(got, torch.tensor([[1, 3, 6]]),
                 call=call_text(learner.greedy_generate, "<a toy bigram model whose logits 10.0 and 10.003 differ>", ids, 1),
                 hint="take the argmax in the logits' own dtype: a float16 or bfloat16 copy rounds 10.0 and 10.003 "
                      "to the same number and makes them a tie" if half else
                      "the next token is the argmax of the last position's logits")


def _tie_hint(table: torch.Tensor, prompt: torch.Tensor, got, expected: torch.Tensor) -> str:
    """The tie is named only when the learner's token at the first step that differs is one of the
    ids tied there; a wrong shape, prefix or length is said first."""
    if not isinstance(got, torch.Tensor) or got.dim() != 2 or got.shape[0] != 1:
        return f"return shape (1, T + n), the prompt followed by the new tokens, expected {tuple(expected.shape)}"
    T = prompt.shape[1]
    if got.shape[1] < T or not torch.equal(got[:, :T].cpu(), prompt):
        return _prefix_hint(got.cpu(), prompt)
    if got.shape != expected.shape:
        return f"added {got.shape[1] - T} new tokens, expected {expected.shape[1] - T}: add exactly max_new_tokens"
    tokens = got[0].tolist()
    step = next((i for i in range(T, len(tokens)) if tokens[i] != int(expected[0, i])), None)
    if step is None:
        return f"the tokens are right; return them as int64 token ids, as input_ids is (got {got.dtype})"
    row = table[tokens[step - 1]]
    tied = (row == row.max()).nonzero().flatten().tolist()
    if len(tied) > 1 and tokens[step] in tied:
        return ("where several logits tie for the largest, the next token is the lowest of their ids: "
                "torch.argmax gives it; torch.topk and an unstable sort do not promise which comes first")
    return "the next token is the argmax of the last position's logits"


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_output_is_the_prompt_then_new_ids(learner, backend):
    # Type, shape (1, T + n), int64, on the input's device, the prompt unchanged in front.
    ids = backend.encode("The capital of France is")
    check_greedy(learner, backend, ids, 5)
    check_greedy(learner, backend, backend.encode("日本の首都は", add_bos=False), 3)


@pytest.mark.greedy
@pytest.mark.points(1)
def test_greedy_builds_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    with learner.observing_forward_passes(backend.model) as calls:
        learner.greedy_generate(backend.model, ids, 4)
    call = call_text(learner.greedy_generate, backend.model, ids, 4)
    check_passes_without_gradients(
        calls, call=call, hint="wrap the loop in `with torch.no_grad():` — decoding never needs a backward pass")
    # Of the right tokens: one pass, its result thrown away and the prompt returned, earned this
    # point (a free-points audit).
    try:
        check_greedy(learner, backend, ids, 4)
    except Mismatch as wrong:  # said as what it is: the graph is fine, the tokens are not
        raise Mismatch(wrong.call, f"no graph was built, but the tokens are not right yet: {wrong.problem}",
                       wrong.hint) from None


@pytest.mark.greedy
@pytest.mark.points(1)
def test_bonus_greedy_reuses_the_kv_cache(learner, backend):
    ids = backend.encode("Once upon a time,")
    T, steps = ids.shape[1], 6
    call = call_text(learner.greedy_generate, backend.model, ids, steps)
    try:
        check_greedy(learner, backend, ids, steps)
    except Mismatch as wrong:
        raise Mismatch(call, "the tokens are not right yet, so the cache is not checked",
                       "get the other greedy tests passing first") from wrong
    with learner.observing_forward_passes(backend.model) as calls:
        learner.greedy_generate(backend.model, ids, steps)
    fed = [c["positions"] for c in calls]
    check_true(len(calls) > 0 and fed[0] == T and calls[0]["cached"] == 0, call=call,
               problem=(f"the first forward pass fed {fed[0]} positions on {calls[0]['cached']} cached, expected the "
                        f"whole prompt ({T}) on none" if calls else
                        "no forward pass of the model was seen"),
               hint=("run the model once on the whole prompt with use_cache=True, then feed only the newest token "
                     "with cache=out.cache" if calls else
                     "run the model you were given by calling it (model(input_ids=...)), and leave its hooks in place"))
    for index, c in enumerate(calls[1:], start=1):
        check_true(
            c["positions"] == 1 and c["cached"] == T + index - 1, call=call,
            problem=f"forward pass {index + 1} fed {c['positions']} positions with {c['cached']} cached; with the "
                    f"KV cache it feeds 1 new token on top of {T + index - 1} cached (passes fed: {fed[:8]})",
            hint="pass cache=out.cache and use_cache=True, and feed only the newest token",
        )
    # The records above come from the learner's own process, which could rewrite them. This
    # toy's tokens cannot be had without its cache: on top of a non-empty cache every position
    # gets a salt that favours the last id, so only a loop that feeds the newest token with the
    # cache it was given goes there (reference/bigram.py). For a submission the grader keeps the
    # toy and runs its passes (grading/sandbox/kept_toy.py): the salt never reaches the learner's
    # process, and the positions in these records are the ones the grader was fed.
    toy, prompt = _cache_revealing_toy(), torch.tensor([[1, 3]])
    with learner.observing_forward_passes(toy) as toy_calls:
        got = learner.greedy_generate(toy, prompt, 5)
    with_cache, recomputed = _toy_greedy(toy, prompt, 5, True), _toy_greedy(toy, prompt, 5, False)
    call = call_text(learner.greedy_generate, toy, prompt, 5)
    if isinstance(got, torch.Tensor) and got.shape == recomputed.shape and torch.equal(got, recomputed):
        raise Mismatch(call, f"the result {got[0].tolist()} is what a loop that runs the model on the whole sequence "
                             f"at every step gets; this toy answers {with_cache[0].tolist()} to a loop that reuses its "
                             "cache (it adds a salt to whatever it is fed on top of a non-empty cache)",
                       "pass cache=out.cache and use_cache=True, and feed only the newest token")
    check_true(isinstance(got, torch.Tensor) and got.shape == with_cache.shape and torch.equal(got.cpu(), with_cache),
               call=call, problem=f"the result is {describe(got)}, expected {with_cache[0].tolist()} from a loop that "
                                  "reuses the toy's cache",
               hint="feed the prompt once with use_cache=True, then only the newest token with cache=out.cache")
    # The passes themselves: the prompt once on no cache, then each new token once, on top of
    # everything before it (a last pass on the last token is harmless). So no pass may probe the
    # toy for rows the loop never needed.
    T0, new = prompt.shape[1], with_cache[0, prompt.shape[1]:].tolist()
    wanted = [([prompt[0].tolist()], 0)] + [([[token]], T0 + step) for step, token in enumerate(new)]
    seen = [(c.get("ids"), c["cached"]) for c in toy_calls]
    if seen not in (wanted[:-1], wanted):
        index = next((i for i, (fed, want) in enumerate(zip(seen, wanted)) if fed != want), min(len(seen), len(wanted)))
        shown = f"pass {index + 1} fed {seen[index][0]} on top of {seen[index][1]} cached" if index < len(seen) else \
            f"it made {len(seen)} passes"
        raise Mismatch(call, f"the toy's forward passes do not follow a loop that reuses the cache: {shown}; such a loop "
                             "feeds the prompt once on no cache, then each new token once on top of all before it",
                       "feed the prompt once with use_cache=True, then only the newest token with cache=out.cache")


def _cache_revealing_toy() -> BigramModel:
    """Eight ids: from id i the next is i + 1 (0 after 6); fed on top of a cache, always id 7."""
    table = torch.full((8, 8), -4.0)
    for i in range(8):
        table[i, (i + 1) % 7] = 4.0
    salt = torch.zeros(8)
    salt[7] = 50.0
    return BigramModel(table, cache_salt=salt)


def _toy_greedy(toy: BigramModel, prompt: torch.Tensor, steps: int, cached: bool) -> torch.Tensor:
    """The toy's greedy tokens, by its rule: the prompt's pass has no cache; with ``cached``
    every later step is fed on top of one (salted), without it none is."""
    ids = prompt[0].tolist()
    for step in range(steps):
        logits = toy.table[ids[-1]] + (toy.cache_salt if cached and step > 0 else 0)
        ids.append(int(logits.argmax()))
    return torch.tensor([ids])
