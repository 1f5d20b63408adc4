"""Hidden suite: sample_generate (exercise 13, the sampling loop).

Ground truth: :func:`reference.sampling.sample_generate`, the loop ``generate(do_sample=True)``
runs (float32 logits, transformers' temperature -> top-k -> top-p warpers, softmax,
``torch.multinomial``), which ``tests/test_reference_sampling.py`` proves draws the very tokens
``model.generate`` draws under the same seed.

Three kinds of checks:
- exact: the learner's loop and the reference, each with a generator seeded alike, must give
  the same ids. On the CPU (float32) the learner's logits equal ours to ~1e-6 whether or not
  they use the KV cache, which changes a draw with negligible probability. On a GPU backend
  (half precision, 4-bit) cached and uncached logits differ in the last bits, so only the
  first new token — computed from the same prompt either way — is compared there.
- deterministic behaviour on a toy model (:class:`reference.sampling.BigramModel`): an end
  of sequence that comes for sure, the generator deciding the draw.
- statistical: thousands of one-token draws on the toy model against the exact distribution;
  a loop that samples correctly in its own way earns these points. False-failure rate at most
  1e-7 per check and 1e-6 per run (:mod:`grading.harness.statistics`).
"""
from __future__ import annotations

import math

import pytest
import torch

from grading.harness.compare import (
    Mismatch, call_text, check_equal, check_passes_without_gradients, check_true, describe, type_name, expect_error,
)
from grading.grader.expected import remembered
from grading.harness.statistics import CHECK_ALPHA, check_sampler_fit, fit_report, left_out_crossing_hint
from reference import nucleus as _ref_nucleus
from reference import sampling as _ref

ref_nucleus = remembered(_ref_nucleus)
ref = remembered(_ref)

PROMPT = "Once upon a time,"
SETTINGS = [
    pytest.param(dict(temperature=1.0, top_k=None, top_p=1.0), id="plain"),
    pytest.param(dict(temperature=0.7, top_k=20, top_p=0.9), id="T0.7-k20-p0.9"),
    pytest.param(dict(temperature=1.4, top_k=None, top_p=0.9), id="T1.4-p0.9"),
    # Nothing but the generator: the defaults (temperature 1.0, no top-k, top_p 1.0) are plain sampling.
    pytest.param(dict(), id="defaults"),
]
DEFAULTS = dict(temperature=1.0, top_k=None, top_p=1.0)
EOS = 2
DRAWS = 500  # one-token generations per statistical check


def _generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


def _settings_text(settings: dict) -> str:
    if not settings:
        return "the default settings: " + _settings_text(DEFAULTS)
    return ", ".join(f"{key}={value}" for key, value in settings.items())


# ---------------------------------------------------------------- diagnosing a wrong sequence

def _variant(model, ids: torch.Tensor, n: int, seed: int, step) -> torch.Tensor:
    """A loop like the reference's whose per-step distribution is ``step(float32 logits)``; None = argmax."""
    generator = _generator(seed, ids.device)
    with torch.no_grad():
        for _ in range(n):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            probs = step(logits)
            if probs is None:
                token = logits.argmax(-1, keepdim=True)
            else:
                token = torch.multinomial(probs, 1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
    return ids


def _without(logits: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    return logits.masked_fill(~keep, -math.inf)


def _wrong_orders(settings: dict) -> list[tuple[str, object]]:
    """(hint, per-step distribution) of the classic mistakes that differ for these settings."""
    T, k, p = (dict(DEFAULTS, **settings)[key] for key in ("temperature", "top_k", "top_p"))
    variants = []
    if T != 1.0:
        variants.append(("your tokens match a loop that MULTIPLIES the logits by the temperature: divide instead",
                         lambda z: ref.next_token_probs(z * T, 1.0, k, p)))
        if p < 1.0:
            # the nucleus decided at temperature 1, the temperature applied afterwards
            variants.append(("your tokens match a loop that applies top-p before the temperature: "
                             "divide by the temperature first, then top-k, then top-p",
                             lambda z: ref.next_token_probs(
                                 _without(z, ref_nucleus.top_p_mask(ref.next_token_probs(z, 1.0, k, 1.0), p)), T, k, 1.0)))
    if k is not None and p < 1.0:
        # the nucleus decided on the whole tempered distribution, top-k applied afterwards
        variants.append(("your tokens match a loop that decides top-p on the distribution before top-k: "
                         "apply top-k first, take the softmax of what is left, then top-p",
                         lambda z: ref.next_token_probs(
                             _without(z, ref_nucleus.top_p_mask(ref.next_token_probs(z, T, None, 1.0), p)), T, k, 1.0)))
    return variants


def _loop_hint(model, ids: torch.Tensor, n: int, seed: int, settings: dict, got: torch.Tensor, expected: torch.Tensor,
               spelled_defaults=None) -> str:
    T = ids.shape[1]
    if not torch.equal(got[:, :T].cpu(), ids.cpu()):
        return "the output must start with the prompt: append each new token to input_ids and return the whole sequence"
    shared = min(got.shape[1], expected.shape[1])
    same = (got[0, T:shared].cpu() == expected[0, T:shared].cpu()).tolist()
    first_wrong = same.index(False) if False in same else len(same)
    # The greedy path is said as what it is, not as a cause: a peaked distribution can draw it too.
    replays = [("these are the greedy tokens (the most probable at every step), which this generator does not "
                "draw: either no draw is made, or it is not one torch.multinomial from the generator you are given "
                "over the whole distribution in vocabulary order (a sorted or shortened row drawn this way takes the "
                "top token)", _variant(model, ids, n, seed, lambda z: None))]
    replays += [(hint, _variant(model, ids, n, seed, step)) for hint, step in _wrong_orders(settings)]
    # A mistake is named only when its replay, and no other, gives the learner's tokens (and the
    # replay differs from the right ones): on a short run two mistakes can draw the same tokens.
    matching = [hint for hint, tokens in replays
                if torch.equal(got.cpu(), tokens.cpu()) and not torch.equal(tokens.cpu(), expected.cpu())]
    if len(matching) == 1:
        return matching[0]
    if first_wrong == len(same) and got.shape[1] < expected.shape[1]:
        return (f"your loop stopped after {got.shape[1] - T} new token(s) where the reference went on to "
                f"{expected.shape[1] - T}: make max_new_tokens new tokens, stopping earlier only right after appending "
                "the eos_token_id you are given (with eos_token_id=None never, whatever model.config or "
                "model.generation_config names)")
    if not settings and not _same_tokens(spelled_defaults, got):
        return ("called with no temperature, top_k or top_p, the loop must sample with their defaults from the "
                "signature (temperature 1.0, no top-k, top_p 1.0): plain sampling from the softmax of the logits")
    if first_wrong > 0:
        # A peaked first step matches by chance: this says where they part, and every place to look.
        return (f"the first {first_wrong} new token(s) match, then yours differ: each step must take the LAST "
                "position's logits of the whole sequence so far (or of the new token with the KV cache), divide by "
                "the temperature, filter, and make one draw from the generator you are given")
    return ("cast the last logits to float32; divide by the temperature; set logits below the k-th largest to -inf; "
            "softmax; drop the tokens outside the nucleus; draw with torch.multinomial(probs, 1, generator=generator)")


def _same_tokens(call, got: torch.Tensor) -> bool:
    """Whether ``call()`` (the learner's loop with the defaults spelt out) gives ``got``, the tokens
    of the call that left them out: then the defaults are not what differs. False when it fails."""
    if call is None:
        return False
    try:
        spelled = call()
    except Exception:  # noqa: BLE001 (the learner's failure: the defaults' hint stands)
        return False
    return isinstance(spelled, torch.Tensor) and torch.equal(spelled[:, :got.shape[1]].cpu(), got.cpu())


def _check_sequence(learner, model, ids, n, seed, settings, *, compare_steps: int | None = None, what="the result"):
    call = call_text(learner.sample_generate, model, ids, n, **settings, generator=_generator(seed))
    got = learner.sample_generate(model, ids, n, **settings, generator=_generator(seed, ids.device))
    expected = ref.sample_generate(model, ids, n, **settings, generator=_generator(seed, ids.device))
    if not isinstance(got, torch.Tensor):
        raise Mismatch(call, f"{what} should be a torch.Tensor of ids, got {type_name(got)} {describe(got)}",
                       "return the (1, T + n) tensor of ids: the prompt followed by the new tokens")
    if got.dtype != torch.int64 or got.dim() != 2 or got.shape[0] != 1:
        raise Mismatch(call, f"{what} is {describe(got)}, expected int64 ids of shape {tuple(expected.shape)}",
                       "keep the (1, T) shape: torch.cat([ids, next_token], dim=-1) with next_token of shape (1, 1)")
    if compare_steps is not None:
        length = ids.shape[1] + compare_steps
        got, expected = got[:, :length], expected[:, :length]
    if not torch.equal(got.cpu(), expected.cpu()):
        # Up to the first difference only: the later draws follow from it, and a whole reference
        # sequence in the feedback is an answer to memorise for the next submission.
        T = ids.shape[1]
        mine, theirs = got[0, T:].tolist(), expected[0, T:].tolist()
        first = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
        if first < min(len(mine), len(theirs)):
            problem = (f"{what}: new token {first + 1} is {mine[first]}, where the reference drew {theirs[first]} "
                       f"(same seed, {_settings_text(settings)}; the {first} before it agree)")
        else:
            problem = (f"{what} has {len(mine)} new tokens, the reference {len(theirs)} (same seed, "
                       f"{_settings_text(settings)}; the first {first} agree)")
        spelled = (lambda: learner.sample_generate(model, ids, n, **DEFAULTS, generator=_generator(seed, ids.device))
                   ) if not settings else None
        raise Mismatch(call, problem, _loop_hint(model, ids, n, seed, settings, got, expected, spelled))


# ---------------------------------------------------------------- on the backend's model

@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_returns_the_prompt_and_new_tokens(learner, backend):
    prompt = backend.encode(PROMPT)
    # A prompt of one token is (1, 1): both axes of size one, and the result is still (1, 1 + n).
    for ids, n in ((prompt, 5), (prompt, 0), (prompt[:, :1], 3)):
        T = ids.shape[1]
        with learner.observing_forward_passes(backend.model) as passes:
            got = learner.sample_generate(backend.model, ids, n, generator=_generator(0, backend.device))
        call = call_text(learner.sample_generate, backend.model, ids, n, generator=_generator(0))
        if n:  # no new token asked for: running the model is not needed
            check_passes_without_gradients(
                passes, call=call, hint="run the loop under `with torch.no_grad():` — sampling never needs a backward pass")
        check_true(isinstance(got, torch.Tensor) and got.dtype == torch.int64 and tuple(got.shape) == (1, T + n),
                   call=call, problem=f"the result is {describe(got)}, expected int64 ids of shape {(1, T + n)}",
                   hint="return the prompt followed by max_new_tokens new tokens, shape (1, T + n) (no eos_token_id given)")
        check_true(torch.equal(got[:, :T].cpu(), ids.cpu()), call=call,
                   problem=f"the result starts with {got[0, :T].tolist()}, not with the prompt {ids[0].tolist()}",
                   hint="append each new token to the prompt and return the whole sequence")
        check_true(got.device == ids.device, call=call, problem=f"the result is on {got.device}, the prompt on {ids.device}",
                   hint="keep the ids on the model's device")


@pytest.mark.sampling_loop
@pytest.mark.points(1)  # 2 until its second point went to reading no setting from the generation_config
@pytest.mark.parametrize("settings", SETTINGS)
def test_sample_generate_draws_the_references_tokens(learner, backend, settings):
    on_cpu = backend.device.type == "cpu"
    # A story opener, and a prompt after which the tiny model hesitates for many tokens (where
    # a wrong temperature or filter order changes the draws in nearly every seed).
    for prompt in (PROMPT, "The weather today is"):
        _check_sequence(learner, backend.model, backend.encode(prompt), 8, 1234, settings,
                        compare_steps=None if on_cpu else 1)


@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_casts_half_precision_logits_to_float32(learner):
    # A toy model whose logits come back in bfloat16, as a GPU model's come in float16. They lie
    # near 1000, where bfloat16 values are 4 apart: dividing by 0.7 in bfloat16 rounds each
    # logit by up to 4 more (a factor e^4 in probability), while in float32 the division is
    # exact to 1e-7. Without the cast to float32 the draws differ in nearly every sequence.
    table = 1000.0 + torch.randn(16, 16, generator=torch.Generator().manual_seed(5)) * 2.0
    model = ref.BigramModel(table, logits_dtype=torch.bfloat16)
    ids = torch.tensor([[1, 3]])
    settings = dict(temperature=0.7, top_k=None, top_p=1.0)  # bfloat16 logits tie often: no cut here
    for seed in (0, 1):
        try:
            _check_sequence(learner, model, ids, 8, seed, settings)
        except Mismatch as mismatch:
            raise Mismatch(mismatch.call, mismatch.problem + " — this model returns bfloat16 logits",
                           "if your loop divides the bfloat16 logits as they come, cast the last position's logits to "
                           f"float32 before the temperature (logits.to(torch.float32)); if it does cast: "
                           f"{mismatch.hint or 'the tokens differ for another reason (the other tests say which)'}"
                           ) from None


# ---------------------------------------------------------------- on a toy model

def _toy_with_sure_eos(config_eos_token_id: int | None = None) -> ref.BigramModel:
    """After token 5 come tokens 6-9 at random; after any of those, end of sequence for sure."""
    vocab = 16
    table = torch.full((vocab, vocab), -math.inf)
    table[:, 10] = 0.0  # a default continuation for every other token
    table[5] = -math.inf
    table[5, 6:10] = torch.tensor([0.5, 0.0, -0.5, 1.0])
    for token in range(6, 10):
        table[token] = -math.inf
        table[token, EOS] = 0.0
    table[EOS] = torch.linspace(0.0, 1.0, vocab)  # after eos the toy would go on, if asked to
    return ref.BigramModel(table, config_eos_token_id=config_eos_token_id)


@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_stops_after_eos_and_keeps_it(learner):
    model = _toy_with_sure_eos()
    ids = torch.tensor([[1, 5]])
    cases = [  # (max_new_tokens, eos_token_id, expected length, what must be last)
        (10, EOS, 4, EOS),
        (1, EOS, 3, None),
        (5, None, 7, None),
    ]
    for n, eos, length, last in cases:
        got = learner.sample_generate(model, ids, n, generator=_generator(3), eos_token_id=eos)
        call = call_text(learner.sample_generate, model, ids, n, generator=_generator(3), eos_token_id=eos)
        hint = ("stop right after appending eos_token_id, and keep it in the output"
                if eos is not None and n > 2 else "generate exactly max_new_tokens tokens when no eos comes (or none is given)")
        # The prompt and the first new token first: a loop that drops the prompt, or draws from
        # the first position (never reaching eos), has the wrong length too, but not for eos.
        row = isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == 1
        if row and got.shape[1] >= 2:
            check_equal(got[0, :2].tolist(), ids[0].tolist(), call=call, what="the start of the result",
                        hint="return the prompt followed by the new tokens")
        if row and got.shape[1] >= 3:
            check_true(int(got[0, 2]) in range(6, 10), call=call,
                       problem=f"the first new token is {int(got[0, 2])}, but after token 5 this model only allows "
                               "6, 7, 8 or 9", hint="draw from the LAST position's distribution")
        check_true(row and tuple(got.shape) == (1, length), call=call,
                   problem=f"the result is {describe(got)}, expected shape {(1, length)} (this toy model's step after "
                           f"the first new token is eos = {EOS} for sure)", hint=hint)
        if last is not None:
            check_equal(int(got[0, -1]), last, call=call, what="the last token", hint=hint)
    # Only a NEW token stops the loop: a prompt that already ends with eos still gets its tokens.
    ended = torch.tensor([[1, 5, 7, EOS]])
    got = learner.sample_generate(model, ended, 3, generator=_generator(3), eos_token_id=EOS)
    expected = ref.sample_generate(model, ended, 3, generator=_generator(3), eos_token_id=EOS)
    call = call_text(learner.sample_generate, model, ended, 3, generator=_generator(3), eos_token_id=EOS)
    check_equal(got.tolist() if isinstance(got, torch.Tensor) else got, expected.tolist(), call=call,
                hint="compare each NEW token with eos_token_id after appending it; the prompt's own last token "
                     "does not end the loop")
    # Token 0 is a token like any other: eos_token_id=0 stops the loop too ("if eos_token_id:"
    # would skip the check). After token 5 of this toy come only 6-9, after those only token 0.
    zero_table = torch.full((16, 16), -math.inf)
    zero_table[:, 10] = 0.0
    zero_table[5] = -math.inf
    zero_table[5, 6:10] = 0.0
    zero_table[6:10] = -math.inf
    zero_table[6:10, 0] = 0.0
    zero = ref.BigramModel(zero_table)
    got = learner.sample_generate(zero, ids, 5, generator=_generator(3), eos_token_id=0)
    call = call_text(learner.sample_generate, "<a toy model whose third token is 0 for sure>", ids, 5,
                     generator=_generator(3), eos_token_id=0)
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, 4) and int(got[0, -1]) == 0, call=call,
               problem=f"the result is {describe(got)}, expected shape (1, 4) ending with the eos token 0",
               hint="compare with `eos_token_id is not None`: the id 0 is falsy, yet a real token")
    # eos_token_id=None means no early stop, whatever the model's configuration says.
    configured = _toy_with_sure_eos(config_eos_token_id=EOS)
    got = learner.sample_generate(configured, ids, 5, generator=_generator(3), eos_token_id=None)
    call = call_text(learner.sample_generate, f"<the toy model, its config saying eos_token_id={EOS}>", ids, 5,
                     generator=_generator(3), eos_token_id=None)
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, 7), call=call,
               problem=f"the result is {describe(got)}, expected shape (1, 7): five new tokens, no early stop",
               hint="eos_token_id=None means never stop early: do not fall back to model.config or "
                    "model.generation_config")


def _toy_for_statistics(vocab: int = 16, ties: bool | str = False) -> ref.BigramModel:
    generator = torch.Generator().manual_seed(2024)
    table = torch.randn(vocab, vocab, generator=generator) * 2.0
    if ties == "top":  # after token 3: two logits tied at 3.0 above all the others
        table[3] = torch.linspace(-2.0, 0.0, vocab)
        table[3, [13, 6]] = 3.0
    elif ties:  # after token 3: one logit 2.0, then four tied at 1.0, so a top-3 cut lies inside the tie
        table[3] = torch.linspace(-2.0, 0.0, vocab)
        table[3, [9, 2, 14, 5]] = 1.0
        table[3, 11] = 2.0
    return ref.BigramModel(table)


def _one_token_draws(learner, model, ids: torch.Tensor, call: str, **settings) -> torch.Tensor:
    """The new token of :data:`DRAWS` one-token generations after the ``(1, 2)`` prompt ``ids``,
    in one batch (``call_repeatedly``: the same generator advances from call to call, and a
    sandboxed submission answers in one round trip)."""
    draws = []
    for got in learner.call_repeatedly("sample_generate", DRAWS, model, ids, 1, **settings):
        if not (isinstance(got, torch.Tensor) and tuple(got.shape) == (1, 3) and not got.is_floating_point()):
            raise Mismatch(call, f"the result is {describe(got)}, expected integer ids of shape (1, 3)",
                           "return the prompt followed by the one new token")
        draws.append(int(got[0, -1]))
    return torch.tensor(draws)


@pytest.mark.sampling_loop
@pytest.mark.points(2)
@pytest.mark.parametrize("temperature,top_k,top_p,ties", [
    (0.7, 6, 0.8, False), (1.5, None, 0.6, False),
    (1.0, 3, 1.0, True),  # tokens tied with the 3rd largest logit all stay: five tokens
    (1.0, 50, 1.0, False),  # top_k beyond the 16-token vocabulary changes nothing
    # A positive temperature however small still samples (only 0 is greedy): the two tokens
    # tied at the top come half and half. An argmax below some epsilon (vLLM's 1e-5) never does.
    (1e-6, None, 1.0, "top"),
    # top_k = 1 keeps both tokens tied for the top too, and draws between them (an argmax
    # shortcut for top_k = 1, a forty-first examiner's learner, always took the lower id).
    (1.0, 1, 1.0, "top"),
], ids=["T0.7-k6-p0.8", "T1.5-p0.6", "k3-inside-a-tie", "k50-beyond-the-vocabulary", "T1e-6-tie-at-the-top",
        "k1-tie-at-the-top"])
def test_sample_generate_draws_from_the_filtered_distribution(learner, temperature, top_k, top_p, ties):
    # Statistical check: 500 one-token generations against the exact distribution of the first
    # step. False-failure rate at most 1e-7 for this check, 1e-6 for the whole run. 500 keeps
    # the grading time down and still catches a shifted nucleus: a token of probability 0.1
    # that a wrong loop never draws shows up ~50 times in correct draws (absent by chance:
    # 0.9**500 ~ 1e-23). The draws are one batch (call_repeatedly): the same generator
    # advances from call to call, and a sandboxed submission answers in one round trip.
    model = _toy_for_statistics(ties=ties)
    ids = torch.tensor([[1, 3]])
    logits = model(input_ids=ids).logits[:, -1, :]
    # Move top_p away from the float-rounding boundaries of the distribution it cuts.
    before = ref.next_token_probs(logits, temperature, top_k, 1.0)
    top_p = ref_nucleus.away_from_boundaries(before, top_p)
    expected = ref.next_token_probs(logits, temperature, top_k, top_p)[0]
    settings = dict(temperature=temperature, top_k=top_k, top_p=top_p)
    generator = _generator(77)
    call = call_text(learner.sample_generate, model, ids, 1, **settings, generator=generator)
    draws = _one_token_draws(learner, model, ids, call, generator=generator, **settings)
    rule = ("a positive temperature however small still samples (only temperature 0 is greedy): divide by it "
            "and draw" if temperature < 1e-3 else
            "top_k keeps every token tied with the k-th largest logit: with top_k = 1 and two logits tied for the "
            "top, both stay and the draw picks between them" if top_k == 1 else
            "divide by the temperature, keep the top_k largest logits, softmax, keep the nucleus "
            "(decided on that distribution), then draw")

    def hint() -> str:
        if ties != "top":
            return left_out_crossing_hint(draws, expected, before[0], top_p, name="top_p",
                                          cut_from="the distribution after the temperature and top-k") or rule
        drawn = set(draws.tolist())
        if len(drawn) != 1:
            return rule
        # One of the two tokens tied at the top, every time: three mistakes draw that.
        shortcut = ("an argmax below some small temperature (any positive temperature samples; only 0 is greedy)"
                    if temperature < 1e-3 else "a top-k cut that keeps one of them (top_k keeps every token tied with "
                    "the k-th largest logit)")
        return (f"all {len(draws)} draws were token {drawn.pop()}, where the two tokens tied at the top should come "
                f"about half and half; mistakes that draw so include {shortcut}; a nucleus that leaves out the token whose "
                "running total passes top_p (the nucleus keeps it); a generator that does not move on from call to "
                "call (a copy, a fresh seed)")

    check_sampler_fit(draws, expected, call=call, hint=hint)


@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_reads_no_setting_from_the_generation_config(learner):
    # An instruct checkpoint ships sampling settings in its generation_config, and generate()
    # fills every argument left at its default from them. This loop must not: called with the
    # defaults it samples from the plain softmax, whatever the model's configuration says.
    # Statistical check, as above (false-failure rate at most 1e-7 for this check).
    table = _toy_for_statistics().table
    model = ref.BigramModel(table, sampling_defaults={"temperature": 0.6, "top_p": 0.9})
    ids = torch.tensor([[1, 3]])
    expected = torch.softmax(table[3], dim=-1)
    generator = _generator(78)
    call = call_text(learner.sample_generate, "<a toy model whose generation_config says temperature=0.6, top_p=0.9>",
                     ids, 1, generator=generator)
    draws = _one_token_draws(learner, model, ids, call, generator=generator)
    configured = ref.next_token_probs(table[3][None], 0.6, None, 0.9)[0]
    check_sampler_fit(draws, expected, call=call, hint=lambda: (
        "your draws fit the generation_config's settings (temperature 0.6, top_p 0.9): the settings are the arguments "
        "alone, here their defaults (temperature 1.0, no top-k, top_p 1.0); nothing comes from "
        "model.generation_config, where generate() would look" if fit_report(draws, configured, CHECK_ALPHA).passed else
        "with the defaults (temperature 1.0, no top-k, top_p 1.0) each token is drawn from the plain softmax of the "
        "last position's logits, one torch.multinomial draw from the generator you are given"))


@pytest.mark.sampling_loop
@pytest.mark.points(1)
@pytest.mark.parametrize("settings", [dict(top_k=1), dict(top_p=0.0), dict(top_p=0.01)],
                         ids=["top_k=1", "top_p=0", "top_p=0.01"])
def test_sample_generate_keeps_the_most_probable_token(learner, settings):
    # top_k = 1 keeps one token per step, and so does a top_p at or below the probability of
    # the most probable token (top_p = 0 included): the most probable token always stays, the
    # second is dropped because the mass above it is not below top_p. Every draw is then the
    # argmax, whatever the seed. Both settings are valid: only top_k < 1 and top_p outside [0, 1] raise.
    # Also a model whose logits all lie far below 0, at temperature 0.001 (-50 / 0.001 = -50,000):
    # a filtered-out logit must stay -inf, below every kept one, not become a finite floor such as
    # -1e4, which would then rank above the token kept.
    far_below = ref.BigramModel(-50.0 - torch.arange(16.0).expand(16, 16).contiguous())
    for model, temperature in ((_toy_for_statistics(), 1.0), (far_below, 0.001)):
        _check_only_the_most_probable(learner, model, temperature, settings)


def _check_only_the_most_probable(learner, model, temperature: float, settings: dict) -> None:
    ids = torch.tensor([[1, 3]])
    n = 8
    greedy = _variant(model, ids, n, 0, lambda z: None)
    settings = dict(settings, temperature=temperature) if temperature != 1.0 else settings
    for seed in (0, 1):
        call = call_text(learner.sample_generate, model, ids, n, **settings, generator=_generator(seed))
        try:
            got = learner.sample_generate(model, ids, n, **settings, generator=_generator(seed))
        except ValueError as error:
            raise Mismatch(call, f"raised ValueError({str(error)!r}) for a valid setting",
                           "top_k = 1 and top_p = 0 are allowed: only top_k < 1 and top_p outside [0, 1] "
                           "are errors") from None
        check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(greedy.shape), call=call,
                   problem=f"the result is {describe(got)}, expected ids of shape {tuple(greedy.shape)}",
                   hint="return the prompt followed by max_new_tokens new tokens")
        check_true(torch.equal(got.cpu(), greedy), call=call,
                   problem=f"the new tokens are {got[0, 2:12].tolist()}, but with {_settings_text(settings)} only "
                           f"the most probable token is left at each step: {greedy[0, 2:].tolist()}",
                   hint="top-k keeps the top_k largest logits; the nucleus keeps a token when the probability "
                        "ranked above it is below top_p, and always keeps the most probable one" if temperature == 1.0
                   else f"here every logit divided by the temperature {temperature:g} is below -10,000: a token the "
                        "filters drop must get -inf, below any logit kept, never a finite stand-in")


@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_is_decided_by_the_generator(learner):
    # Nearly uniform rows over 12 tokens: two different 10-token draws coincide with probability
    # about 12**-10. Tokens 12 to 15 have probability 0: random ids that ignore the model are
    # decided by the generator too, and land on them.
    row = torch.cat([torch.linspace(0.0, 0.5, 12), torch.full((4,), -math.inf)])
    model = ref.BigramModel(row.expand(16, 16).contiguous())
    ids = torch.tensor([[1]])
    call = call_text(learner.sample_generate, model, ids, 10, generator=_generator(7))
    runs = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)
        runs.append(learner.sample_generate(model, ids, 10, generator=_generator(7)))
    other = learner.sample_generate(model, ids, 10, generator=_generator(8))
    if not all(isinstance(run, torch.Tensor) and tuple(run.shape) == (1, 11) for run in (*runs, other)):
        raise Mismatch(call, f"the result is {describe(runs[0])}, expected ids of shape (1, 11)",
                       "return the prompt followed by max_new_tokens new tokens")
    impossible = sorted({int(token) for run in (*runs, other) for token in run[0, 1:] if not 0 <= int(token) < 12})
    check_true(not impossible, call=call,
               problem=f"drew {len(impossible)} token(s) that this model gives probability 0 (its logits are -inf "
                       f"for ids 12 to 15, and every id from 16 on is outside its vocabulary), first {impossible[:5]}",
               hint="draw every token from the softmax of the model's logits for the last position: a token of "
                    "probability 0 is never drawn")
    check_true(torch.equal(runs[0], runs[1]), call=call,
               problem=f"the same seeded generator gave {runs[0][0, 1:].tolist()} after torch.manual_seed(1) "
                       f"but {runs[1][0, 1:].tolist()} after torch.manual_seed(2)",
               hint="pass generator=generator to torch.multinomial: the global random state must not matter")
    check_true(not torch.equal(runs[0], other), call=call,
               problem=f"generators seeded 7 and 8 gave the same tokens {other[0, 1:].tolist()}",
               hint="differently seeded generators must give different draws: draw every token with "
                    "torch.multinomial and the generator you are given")
    # Without a generator the draws come from torch's global one, which moves on with every draw:
    # two calls in a row drawing the same 10 tokens has probability about 16**-10.
    first, second = (learner.sample_generate(model, ids, 10) for _ in range(2))
    check_true(isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and not torch.equal(first, second),
               call=call_text(learner.sample_generate, model, ids, 10),
               problem="two calls without a generator drew the same tokens: they did not come from torch's global "
                       "generator, which moves on with every draw",
               hint="with generator=None, pass generator=None on to torch.multinomial (do not make a new torch.Generator)")


def _type_hint(learner, model, ids, name: str, value: int, got, hint: str) -> str:
    """``hint`` (about the setting's int type) where the learner's loop gives other tokens for the
    same value as a float; where it gives the same, the type is not the cause, and that is said."""
    try:
        as_float = learner.sample_generate(model, ids, 3, **{name: float(value)}, generator=_generator(4))
    except Exception:  # noqa: BLE001 (a learner's failure with the float: the int's hint stands)
        return hint
    if isinstance(got, torch.Tensor) and isinstance(as_float, torch.Tensor) and torch.equal(got, as_float):
        return (f"your loop gives these tokens for {name} = {float(value):g} too, so the int is not the cause: its "
                "tokens differ from the reference's whatever the type (the tests that draw show where)")
    return hint


@pytest.mark.sampling_loop
@pytest.mark.points(1)
def test_sample_generate_rejects_bad_settings(learner):
    model = _toy_for_statistics()
    ids = torch.tensor([[1, 3]])
    for temperature in (0.0, -1.0, float("nan"), "1.0", None):
        expect_error(learner.sample_generate, ValueError, model, ids, 3, temperature=temperature,
                     must_mention=("temperature",),
                     hint="temperature must be a finite number > 0 (0 would be greedy): raise ValueError saying so")
    for top_p in (1.5, -0.1, float("nan"), "0.9", None):
        expect_error(learner.sample_generate, ValueError, model, ids, 3, top_p=top_p,
                     hint="top_p must be a number in [0, 1]: nan fails every comparison (`not 0 <= top_p <= 1` "
                          "catches it, `top_p > 1` does not), and a string or None is no number (comparing "
                          "one raises TypeError): check the type too, and raise ValueError otherwise")
    expect_error(learner.sample_generate, ValueError, model, ids, 3, top_k=0,
                 hint="top_k must be None or at least 1 (top-0 keeps no token at all): raise ValueError otherwise")
    # A bad setting is refused even when no step would use it.
    for setting in ({"temperature": 0.0}, {"top_p": 1.5}, {"top_k": 0}):
        expect_error(learner.sample_generate, ValueError, model, ids, 0, **setting,
                     hint="check the settings before the loop: a call with max_new_tokens=0 must refuse them too")
    # A good one is accepted in any numeric type: the int 2 is a finite number > 0 too, and the
    # ints 1 and 0 are numbers in [0, 1].
    accepted = (
        ("temperature", 2, "a finite number > 0", "divide the logits by the temperature, whatever its numeric type"),
        ("top_p", 1, "a number in [0, 1]", "top_p = 1 keeps every token, whatever the number's type"),
        ("top_p", 0, "a number in [0, 1]", "top_p = 0 keeps only the most probable token, whatever the number's type"),
    )
    for name, value, rule, hint in accepted:
        call = call_text(learner.sample_generate, model, ids, 3, **{name: value}, generator=_generator(4))
        try:
            got = learner.sample_generate(model, ids, 3, **{name: value}, generator=_generator(4))
        except ValueError as error:
            raise Mismatch(call, f"raised ValueError({str(error)[:200]!r}) for {name} = {value}, an int",
                           f"check that {name} is {rule}, not that it is a float") from None
        expected = ref.sample_generate(model, ids, 3, **{name: value}, generator=_generator(4))
        check_equal(got.tolist() if isinstance(got, torch.Tensor) else got, expected.tolist(), call=call,
                    hint=lambda name=name, value=value, hint=hint, got=got: _type_hint(learner, model, ids, name, value,
                                                                                        got, hint))
