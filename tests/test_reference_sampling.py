"""reference.sampling against model.generate(do_sample=True), and the goodness-of-fit helper.

The models here are small random Mistrals built in the test (no download, no dependency on
the bundled weights): the equivalence with ``generate`` is a property of the loop, not of
what the model knows. Their final norm is scaled up so that the next-token distributions are
peaked like a trained model's, so top-k and top-p really cut.
"""
from __future__ import annotations

import math

import pytest
import torch
from transformers import MistralConfig, MistralForCausalLM

import grading.harness.statistics as statistics
from grading.harness.compare import Mismatch
from reference import sampling as ref
from reference.nucleus import top_p_mask

PROMPT = torch.tensor([[1, 415, 1526, 302, 349, 1012]])  # any six ids inside the test models' vocabulary


def random_mistral(vocab: int = 2000, seed: int = 0) -> MistralForCausalLM:
    torch.manual_seed(seed)
    config = MistralConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                           initializer_range=0.2, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    model = MistralForCausalLM(config).eval()
    with torch.no_grad():
        model.model.norm.weight.mul_(3.0)
    return model


@pytest.fixture(scope="module")
def model() -> MistralForCausalLM:
    return random_mistral()


def generate_sampled(model, seed: int, n: int, **settings) -> torch.Tensor:
    torch.manual_seed(seed)
    with torch.no_grad():
        return model.generate(PROMPT, attention_mask=torch.ones_like(PROMPT), do_sample=True, max_new_tokens=n,
                              pad_token_id=2, **settings)


# (reference settings, the generate() keywords that mean the same)
EQUIVALENT = [
    (dict(temperature=1.0, top_k=None, top_p=1.0), dict(top_k=None)),
    (dict(temperature=0.7, top_k=50, top_p=0.9), dict(temperature=0.7, top_p=0.9)),  # generate's default top_k=50
    (dict(temperature=1.4, top_k=None, top_p=0.8), dict(temperature=1.4, top_k=None, top_p=0.8)),
    (dict(temperature=0.5, top_k=5, top_p=1.0), dict(temperature=0.5, top_k=5)),
    (dict(temperature=1.2, top_k=20, top_p=0.3), dict(temperature=1.2, top_k=20, top_p=0.3)),
]


@pytest.mark.parametrize("settings,generate_kwargs", EQUIVALENT, ids=[str(s) for s, _ in EQUIVALENT])
def test_reference_draws_the_tokens_generate_draws(model, settings, generate_kwargs):
    for seed in range(4):
        expected = generate_sampled(model, seed, 10, **generate_kwargs)
        torch.manual_seed(seed)
        with_global = ref.sample_generate(model, PROMPT, 10, **settings)
        torch.manual_seed(seed + 1000)  # the global state must not matter when a generator is given
        with_generator = ref.sample_generate(model, PROMPT, 10, **settings, generator=torch.Generator().manual_seed(seed))
        assert torch.equal(with_global, expected), (
            f"seed {seed}, {settings}: reference with the global RNG drew {with_global[0, 6:].tolist()}, "
            f"generate({generate_kwargs}) drew {expected[0, 6:].tolist()}"
        )
        assert torch.equal(with_generator, expected), (
            f"seed {seed}, {settings}: reference with a seeded generator drew {with_generator[0, 6:].tolist()}, "
            f"generate drew {expected[0, 6:].tolist()}"
        )


def test_generate_applies_top_k_50_unless_told_otherwise(model):
    # At a high temperature the nucleus is wide, so top-k 50 changes some draws.
    differs = 0
    for seed in range(6):
        plain = generate_sampled(model, seed, 10, temperature=2.0)
        assert torch.equal(plain, ref.sample_generate(model, PROMPT, 10, temperature=2.0, top_k=50,
                                                      generator=torch.Generator().manual_seed(seed))), (
            f"seed {seed}: generate(do_sample=True, temperature=2.0) should equal the reference with top_k=50"
        )
        no_top_k = ref.sample_generate(model, PROMPT, 10, temperature=2.0, generator=torch.Generator().manual_seed(seed))
        differs += not torch.equal(plain, no_top_k)
    assert differs, "top_k=50 never changed a draw at temperature 2: the test model is too peaked to show the default"


def test_reference_casts_half_precision_logits_to_float32_as_generate_does():
    model = random_mistral(seed=1).to(torch.bfloat16)
    for seed in range(3):
        expected = generate_sampled(model, seed, 8, temperature=0.8, top_k=None)
        got = ref.sample_generate(model, PROMPT, 8, temperature=0.8, generator=torch.Generator().manual_seed(seed))
        assert torch.equal(got, expected), (
            f"bfloat16 model, seed {seed}: reference drew {got[0, 6:].tolist()}, generate drew {expected[0, 6:].tolist()}"
        )


def test_reference_stops_after_eos_like_generate(model):
    # Take a token the reference draws at step 3 as the end-of-sequence token: both must stop there.
    first = ref.sample_generate(model, PROMPT, 8, temperature=1.3, generator=torch.Generator().manual_seed(5))
    eos = int(first[0, 6 + 2])
    stop = 6 + first[0, 6:].tolist().index(eos) + 1
    got = ref.sample_generate(model, PROMPT, 8, temperature=1.3, eos_token_id=eos,
                              generator=torch.Generator().manual_seed(5))
    expected = generate_sampled(model, 5, 8, temperature=1.3, top_k=None, eos_token_id=eos)
    assert got.shape[1] == stop and int(got[0, -1]) == eos, f"reference with eos {eos} gave {got[0, 6:].tolist()}"
    assert torch.equal(got, expected), f"reference {got[0, 6:].tolist()} vs generate {expected[0, 6:].tolist()}"


class _NoCache(torch.nn.Module):
    """A toy that never gives a cache back (some remote or exported models do not)."""

    def __init__(self, toy):
        super().__init__()
        self.toy = toy

    def forward(self, input_ids=None, **passed):
        passed.pop("cache", None)
        return self.toy(input_ids=input_ids, use_cache=False)


def test_reference_without_a_cache_reruns_the_whole_sequence():
    # A model that gives no cache back: the loop must then feed it the whole sequence.
    table = torch.full((6, 6), -math.inf)
    for token in range(6):
        table[token, (token + 1) % 6] = 0.0  # a cycle: 0 -> 1 -> 2 -> ... -> 5 -> 0
    got = ref.sample_generate(_NoCache(ref.BigramModel(table)), torch.tensor([[3]]), 7,
                              generator=torch.Generator().manual_seed(0))
    assert got.tolist() == [[3, 4, 5, 0, 1, 2, 3, 4]], f"sample_generate on a cycle gave {got.tolist()}"


def test_next_token_probs_is_temperature_then_top_k_then_top_p_by_hand():
    logits = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0, 3.0]])
    T, k, p = 0.5, 4, 0.9
    # By hand, float64: divide by T; keep the 4 largest; softmax; keep the nucleus; renormalise.
    scaled = logits.double() / T
    kth = scaled.sort(descending=True).values[0, k - 1]
    scaled = scaled.masked_fill(scaled < kth, -math.inf)
    probs = torch.softmax(scaled, -1)
    keep = top_p_mask(probs, p)
    expected = probs.masked_fill(~keep, 0.0)
    expected = expected / expected.sum()
    got = ref.next_token_probs(logits, T, k, p)
    assert got.dtype == torch.float32, f"next_token_probs gave {got.dtype}, expected float32 (generate's dtype)"
    assert torch.allclose(got.double(), expected, atol=1e-6), f"next_token_probs = {got.tolist()}, by hand {expected.tolist()}"


def test_bigram_model_answers_like_a_causal_lm():
    table = torch.randn(5, 5, generator=torch.Generator().manual_seed(0))
    model = ref.BigramModel(table)
    ids = torch.tensor([[1, 4, 2]])
    assert torch.equal(model(ids).logits, table[ids]), "BigramModel logits must be table[ids]"
    kept = model(input_ids=ids, logits_to_keep=2).logits
    assert torch.equal(kept, table[ids[:, -2:]]), f"logits_to_keep=2 gave shape {tuple(kept.shape)}, expected the last 2 positions"
    assert torch.equal(model(input_ids=ids, logits_to_keep=0).logits, table[ids]), "logits_to_keep=0 must keep every position"
    half = ref.BigramModel(table, logits_dtype=torch.bfloat16)
    assert half(input_ids=ids).logits.dtype == torch.bfloat16 and half.config.vocab_size == 5


def test_bigram_model_gives_a_cache_and_takes_what_a_real_model_takes():
    # An examiner's right greedy loops read out["cache"], unpacked return_dict=False or fed
    # inputs_embeds; the toy used to give no cache and no input embeddings (2 points lost).
    table = torch.randn(5, 5, generator=torch.Generator().manual_seed(0))
    model, ids = ref.BigramModel(table), torch.tensor([[1, 4, 2]])
    out = model(input_ids=ids, use_cache=True)
    assert out["cache"].get_seq_length() == 3, f"out['cache'] holds {out['cache'].get_seq_length()} positions, expected 3"
    step = model(input_ids=ids[:, -1:], cache=out.cache)
    assert step.cache is out.cache and out.cache.get_seq_length() == 4 and torch.equal(step.logits, table[ids[:, -1:]]), (
        "a pass on top of the cache must grow it by one and answer table[id], unsalted")
    assert model(input_ids=ids, use_cache=False).cache is None, "use_cache=False must give no cache back"
    logits, cache = model(input_ids=ids, return_dict=False)
    assert torch.equal(logits, table[ids]) and cache.get_seq_length() == 3, "return_dict=False must give (logits, cache)"
    assert len(model(input_ids=ids, use_cache=False, return_dict=False)) == 1, "with no cache the tuple holds the logits"
    embeds = model.get_input_embeddings()(ids)
    assert embeds.shape == (1, 3, 5) and torch.equal(embeds.argmax(-1), ids), f"the toy's embeddings of {ids} are {embeds}"
    assert torch.equal(model(inputs_embeds=embeds).logits, table[ids]), "inputs_embeds must answer as their ids do"
    with pytest.raises(ValueError, match="exactly one of input_ids or inputs_embeds"):
        model(input_ids=ids, inputs_embeds=embeds)


def test_bigram_model_names_what_a_checkpoint_names_and_computes_transition_scores():
    # An examiner's right logprobs loop took each token's score with the model's own
    # compute_transition_scores, which the toy lacked; tests give a toy an eos token and
    # sampling settings to show that a loop reads neither.
    table = torch.randn(6, 6, generator=torch.Generator().manual_seed(0))
    model = ref.BigramModel(table, sampling_defaults={"temperature": 0.6, "top_p": 0.9}, config_eos_token_id=2)
    assert model.config.eos_token_id == 2 and model.generation_config.eos_token_id == 2, (
        f"config_eos_token_id=2 gave config {model.config.eos_token_id}, generation_config "
        f"{model.generation_config.eos_token_id}")
    assert (model.generation_config.temperature, model.generation_config.top_p) == (0.6, 0.9)
    assert ref.BigramModel(table).config.eos_token_id is None, "a toy given no eos token must name none"
    sequence = torch.tensor([[1, 3, 5, 0]])
    logprobs = torch.log_softmax(table[sequence[0]], dim=-1)
    scores = tuple(logprobs[t - 1:t] for t in (2, 3))
    got = model.compute_transition_scores(sequence, scores)
    by_hand = torch.stack([logprobs[1, 5], logprobs[2, 0]])
    assert torch.allclose(got[0], by_hand), f"compute_transition_scores gave {got.tolist()}, by hand {by_hand.tolist()}"
    with pytest.raises(ValueError, match="config_eos_token_id"):
        ref.BigramModel(table, config_eos_token_id="2")


def test_a_salted_bigram_model_answers_by_its_cache():
    from transformers import DynamicCache

    table = torch.randn(5, 5, generator=torch.Generator().manual_seed(0))
    salt = torch.tensor([0.0, 0.0, 0.0, 7.0, 0.0])
    model = ref.BigramModel(table, cache_salt=salt)
    ids = torch.tensor([[1, 4, 2]])
    first = model(input_ids=ids, use_cache=True)
    assert torch.equal(first.logits, table[ids]), "the prompt's pass (no cache yet) must not be salted"
    assert first.cache.get_seq_length() == 3, f"the cache holds {first.cache.get_seq_length()} positions, expected 3"
    step = model(input_ids=ids[:, -1:], cache=first.cache, use_cache=True)
    assert torch.equal(step.logits, table[ids[:, -1:]] + salt), "a pass on top of a non-empty cache must be salted"
    assert step.cache is first.cache and step.cache.get_seq_length() == 4, "the cache passed must grow by the position fed"
    own = DynamicCache(config=model.config)  # a learner's own cache, filled in place
    model(input_ids=ids, past_key_values=own, use_cache=True)
    old_name = model(input_ids=ids[:, -1:], past_key_values=own).logits
    assert own.get_seq_length() == 4 and torch.equal(old_name, table[ids[:, -1:]] + salt), (
        "a cache passed by the pre-5.24 name must be filled and read as cache= is")
    assert model(input_ids=ids, use_cache=False).cache is None, "use_cache=False must give no cache back"
    assert torch.equal(model(input_ids=ids).logits, table[ids]), "recomputing from scratch must never see the salt"
    with pytest.raises(ValueError, match="cache_salt"):
        ref.BigramModel(table, cache_salt=torch.zeros(4))


@pytest.mark.parametrize("bad", [dict(temperature=0.0), dict(temperature=-1.0), dict(temperature=float("nan")),
                                 dict(temperature=float("inf")), dict(top_k=0), dict(top_p=1.5), dict(top_p=-0.1)])
def test_bad_settings_raise_value_error(bad):
    with pytest.raises(ValueError):
        ref.sample_generate(ref.BigramModel(torch.zeros(3, 3)), torch.tensor([[0]]), 2, **bad)


@pytest.mark.gpu
def test_reference_draws_the_tokens_generate_draws_on_cuda():
    model = random_mistral().to("cuda")
    prompt = PROMPT.to("cuda")
    for seed in range(3):
        torch.manual_seed(seed)
        expected = model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=True, max_new_tokens=10,
                                  temperature=0.8, top_p=0.9, pad_token_id=2)
        got = ref.sample_generate(model, prompt, 10, temperature=0.8, top_k=50, top_p=0.9,
                                  generator=torch.Generator(device="cuda").manual_seed(seed))
        assert torch.equal(got, expected), f"cuda seed {seed}: reference {got[0, 6:].tolist()}, generate {expected[0, 6:].tolist()}"


# ---------------------------------------------------------------- grading.harness.statistics

def test_the_false_failure_budget_adds_up():
    assert statistics.CHECK_ALPHA * statistics.MAX_CHECKS_PER_RUN <= 1e-6 + 1e-18


def test_fit_report_passes_correct_draws_and_flags_wrong_ones():
    expected = torch.tensor([0.4, 0.3, 0.2, 0.1, 0.0])
    draws = torch.multinomial(expected.expand(3000, 5), 1, generator=torch.Generator().manual_seed(0)).flatten()
    report = statistics.fit_report(draws, expected)
    assert report.passed and report.outside == 0, f"correct draws failed: {report.describe()}"
    shifted = torch.tensor([0.3, 0.4, 0.2, 0.1, 0.0])  # two tokens' probabilities swapped
    wrong = torch.multinomial(shifted.expand(3000, 5), 1, generator=torch.Generator().manual_seed(1)).flatten()
    report = statistics.fit_report(wrong, expected)
    assert not report.passed and report.worst_token in (0, 1), f"swapped probabilities passed: {report.describe()}"
    outside = torch.cat([draws, torch.tensor([4])])
    report = statistics.fit_report(outside, expected)
    assert not report.passed and report.outside == 1 and "outside" in report.describe()


def test_fit_report_false_failure_rate_is_small_in_practice():
    # 300 checks of correct draws at a level of 1e-3 (far looser than the suites' 1e-7):
    # the exact tails with Bonferroni should reject at most a handful.
    expected = torch.softmax(torch.randn(12, generator=torch.Generator().manual_seed(2)), -1)
    generator = torch.Generator().manual_seed(3)
    failures = sum(
        not statistics.fit_report(torch.multinomial(expected, 500, replacement=True, generator=generator), expected, 1e-3).passed
        for _ in range(300)
    )
    assert failures <= 4, f"{failures} of 300 correct samplers failed at level 1e-3 (expected about 0.3 or fewer)"


def test_check_sampler_fit_raises_a_mismatch_and_enforces_the_budget(monkeypatch):
    monkeypatch.setattr(statistics, "_checks_done", 0)
    expected = torch.tensor([0.5, 0.5, 0.0])
    with pytest.raises(Mismatch, match="outside the nucleus"):
        statistics.check_sampler_fit(torch.tensor([0, 1, 2] * 100), expected, call="f()")
    monkeypatch.setattr(statistics, "_checks_done", statistics.MAX_CHECKS_PER_RUN)
    with pytest.raises(RuntimeError, match="statistical checks"):
        statistics.check_sampler_fit(torch.tensor([0, 1] * 100), expected, call="f()")


def test_every_pytest_session_has_its_own_budget(monkeypatch):
    # The grader's judge server primes (the suites once on solutions/, in its own process) and then
    # forks a judge per submission: a count carried over from priming cost solutions/ a point.
    from grading.harness import plugin

    monkeypatch.setattr(statistics, "_checks_done", statistics.MAX_CHECKS_PER_RUN)
    plugin.pytest_sessionstart(None)
    assert statistics._checks_done == 0, (
        f"after pytest_sessionstart the count of statistical checks was {statistics._checks_done}, expected 0")
    expected = torch.tensor([0.5, 0.5, 0.0])
    report = statistics.check_sampler_fit(torch.tensor([0, 1] * 100), expected, call="f()")
    assert report.passed, f"a fitting sample failed after a new session started: {report.describe()}"
