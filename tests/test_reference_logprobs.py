"""reference.logprobs against transformers' generate scores and independent float64 math.

The model is a small random Mistral with Mistral-7B-v0.1's 32000-token vocabulary, built in
the test (no dependency on the bundled weights), so the real tokenizer's pieces — ``▁`` words,
byte-fallback ``<0xNN>`` — come out of it. Its final norm is scaled up so that its
distributions are peaked like a trained model's.
"""
from __future__ import annotations

import math

import pytest
import torch
from transformers import MistralConfig, MistralForCausalLM

from reference import logprobs as ref
from reference.tokenizer import load_mistral_tokenizer

WEATHER_PROMPT = "ますます蒸し暑くなりそうです。明日の天気は"
WEATHER_COMPLETION = "曇りのち雨の予報です。"


def random_mistral(seed: int = 0, norm_scale: float = 20.0) -> MistralForCausalLM:
    torch.manual_seed(seed)
    config = MistralConfig(vocab_size=32000, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                           bos_token_id=1, eos_token_id=2, pad_token_id=2)
    model = MistralForCausalLM(config).eval()
    with torch.no_grad():
        model.model.norm.weight.mul_(norm_scale)
    return model


@pytest.fixture(scope="module")
def model() -> MistralForCausalLM:
    return random_mistral()


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


def encode(tokenizer, text: str) -> torch.Tensor:
    return tokenizer(text, return_tensors="pt").input_ids


def forced(tokenizer, prompt: str, completion: str) -> tuple[torch.Tensor, int]:
    sequence = encode(tokenizer, prompt + completion)
    prompt_length = encode(tokenizer, prompt).shape[1]
    assert torch.equal(sequence[:, :prompt_length], encode(tokenizer, prompt))
    return sequence, prompt_length


def test_logprobs_equal_generate_transition_scores(model, tokenizer):
    prompt = encode(tokenizer, "The capital of Japan is")
    with torch.no_grad():
        out = model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=False, max_new_tokens=8,
                             output_logits=True, return_dict_in_generate=True, pad_token_id=2, eos_token_id=None)
    scores = model.compute_transition_scores(out.sequences, out.logits, normalize_logits=True)[0]
    records = ref.completion_logprobs(model, tokenizer, out.sequences, prompt.shape[1], top_n=5)
    got = torch.tensor([r["logprob"] for r in records])
    assert len(records) == len(scores) == 8, f"completion_logprobs gave {len(records)} records, generate {len(scores)} steps"
    # compute_transition_scores takes log_softmax along a strided axis (vocab stacked with steps),
    # which on the CPU lands ~1.4e-4 off the float64 value here; ours is ~1e-5 off (see the
    # float64 test below, the tight check). 5e-4 covers the difference, an off-by-one is ~1.
    assert torch.allclose(got, scores.float(), atol=5e-4), (
        f"completion_logprobs(...) logprobs {got.tolist()[:4]}..., expected generate's transition scores "
        f"{scores.tolist()[:4]}..."
    )
    for step, (record, step_logits) in enumerate(zip(records, out.logits)):
        best = torch.log_softmax(step_logits[0].float(), -1).topk(5)
        want = best.values.tolist()
        have = [entry["logprob"] for entry in record["top_logprobs"]]
        assert all(abs(a - b) <= 1e-4 for a, b in zip(have, want)), (
            f"step {step}: top_logprobs {have}, expected generate's top-5 {want}"
        )
        # Greedy: the chosen token is the best alternative.
        assert record["top_logprobs"][0]["token"] == record["token"], f"step {step}: greedy token is not the top alternative"


def test_logprobs_equal_float64_math(model, tokenizer):
    sequence, prompt_length = forced(tokenizer, WEATHER_PROMPT, WEATHER_COMPLETION)
    records = ref.completion_logprobs(model, tokenizer, sequence, prompt_length, top_n=3)
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].double()
    # The reference works in float32: a log-softmax subtracts a logsumexp over 32,000 logits, whose
    # rounding is a few tens of float32 steps (2**-23 relative) of its size, the same for every
    # entry, and which way depends on the CPU's kernels (1.9e-5 off on an AMD EPYC, where the
    # row's logits reach about 20; under 1e-5 on Intel). 64 steps of the logits' size allow
    # that; the mistakes this test is for (an off-by-one position, a missing logsumexp) are off
    # by about 1.
    for index, record in enumerate(records):
        t = prompt_length + index
        row = logits[t - 1]
        scale = max(1.0, row.abs().max().item(), abs(torch.logsumexp(row, 0).item()))

        def close(have: float, want: float) -> bool:
            return abs(have - want) <= 64 * 2**-23 * scale

        expected = (row[sequence[0, t]] - torch.logsumexp(row, 0)).item()
        assert close(record["logprob"], expected), (
            f"record {index}: logprob {record['logprob']}, expected logit - logsumexp = {expected} (float64)"
        )
        top = sorted(((row - torch.logsumexp(row, 0)).tolist()), reverse=True)[:3]
        have = [entry["logprob"] for entry in record["top_logprobs"]]
        assert have == sorted(have, reverse=True) and all(close(a, b) for a, b in zip(have, top)), (
            f"record {index}: top_logprobs {have}, expected the 3 largest float64 logprobs {top}"
        )
        assert sum(math.exp(v) for v in have) <= 1 + 1e-6


def test_byte_fallback_and_space_records(model, tokenizer):
    sequence, prompt_length = forced(tokenizer, "明日の天気は", "曇り")
    records = ref.completion_logprobs(model, tokenizer, sequence, prompt_length, top_n=0)
    got = [(r["token"], r["bytes"], r["top_logprobs"]) for r in records]
    # 曇 is E6 9B 87 in UTF-8 and has no piece of its own in Mistral's vocabulary.
    expected = [("\\xe6", [230], []), ("\\x9b", [155], []), ("\\x87", [135], []), ("り", [227, 130, 138], [])]
    assert got == expected, f"completion_logprobs(明日の天気は + 曇り) gave {got}, expected {expected}"
    sequence, prompt_length = forced(tokenizer, "The capital of Japan is", " Tokyo.\nYes")
    records = ref.completion_logprobs(model, tokenizer, sequence, prompt_length, top_n=1)
    got = [(r["token"], r["bytes"]) for r in records]
    assert got[0] == (" Tokyo", list(b" Tokyo")), f"'▁Tokyo' gave {got[0]}, expected (' Tokyo', {list(b' Tokyo')})"
    assert ("\n", [10]) in got, f"the newline piece <0x0A> should give ('\\n', [10]); records: {got}"


def test_special_tokens_stand_for_no_bytes(model, tokenizer):
    sequence = torch.tensor([[1, 415, 5565, 2]])  # <s> The capital </s>
    records = ref.completion_logprobs(model, tokenizer, sequence, 3, top_n=0)
    assert (records[0]["token"], records[0]["bytes"]) == ("", []), f"'</s>' gave {records[0]}, expected token '' and no bytes"


def test_joined_bytes_spell_the_completion(model, tokenizer):
    completion = " Tokyo. 曇りのち雨、🙂 naïve café\n\tend"
    sequence, prompt_length = forced(tokenizer, "The capital of Japan is", completion)
    records = ref.completion_logprobs(model, tokenizer, sequence, prompt_length, top_n=2)
    joined = b"".join(bytes(r["bytes"]) for r in records)
    assert joined == completion.encode("utf-8"), f"the records' bytes join to {joined!r}, expected {completion.encode()!r}"
    partial = [r["token"] for r in records if len(r["bytes"]) == 1 and r["bytes"][0] >= 0x80]
    assert partial and all(t.startswith("\\x") and len(t) == 4 for t in partial), (
        f"lone bytes >= 0x80 should be written as 4-character '\\xNN' escapes, got {partial}"
    )


def test_a_very_unlikely_token_keeps_a_finite_logprob(tokenizer):
    confident = random_mistral(seed=1, norm_scale=2000.0)
    prompt = encode(tokenizer, "The capital of Japan is")
    with torch.no_grad():
        row = confident(input_ids=prompt).logits[0, -1].float()
    unlikely = int(row.argmin())
    sequence = torch.cat([prompt, torch.tensor([[unlikely]])], dim=1)
    record = ref.completion_logprobs(confident, tokenizer, sequence, prompt.shape[1], top_n=1)[0]
    expected = (row.double()[unlikely] - torch.logsumexp(row.double(), 0)).item()
    naive = torch.log(torch.softmax(row, -1))[unlikely].item()
    assert expected < -110 and naive == -math.inf, (
        f"the test model is not confident enough: logprob {expected}, log(softmax) {naive}"
    )
    assert math.isfinite(record["logprob"]) and abs(record["logprob"] - expected) <= 1e-4 * abs(expected), (
        f"logprob of the least likely token is {record['logprob']}, expected {expected} (float64)"
    )


def test_edge_cases_and_errors(model, tokenizer):
    sequence = encode(tokenizer, "Hello world, hello moon")
    length = sequence.shape[1]
    assert ref.completion_logprobs(model, tokenizer, sequence, length) == []
    records = ref.completion_logprobs(model, tokenizer, sequence, 1, top_n=0)
    assert len(records) == length - 1 and all(r["top_logprobs"] == [] for r in records)
    assert len(ref.completion_logprobs(model, tokenizer, sequence, 1, top_n=40000)[0]["top_logprobs"]) == 32000
    for prompt_length in (0, -1, length + 1):
        with pytest.raises(ValueError, match="prompt_length"):
            ref.completion_logprobs(model, tokenizer, sequence, prompt_length)
    with pytest.raises(ValueError, match="top_n"):
        ref.completion_logprobs(model, tokenizer, sequence, 1, top_n=-1)
    with pytest.raises(ValueError, match="shape"):
        ref.completion_logprobs(model, tokenizer, sequence[0], 1)


def test_generate_with_logprobs_greedy_is_generate(model, tokenizer):
    prompt = encode(tokenizer, "Once upon a time,")
    sequence, records = ref.generate_with_logprobs(model, tokenizer, prompt, 6, 0.0, 3)
    with torch.no_grad():
        expected = model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=False, max_new_tokens=6,
                                  pad_token_id=2, eos_token_id=2)
    assert torch.equal(sequence, expected), f"greedy sequence {sequence.tolist()}, generate gave {expected.tolist()}"
    assert len(records) == sequence.shape[1] - prompt.shape[1]
    assert all(r["top_logprobs"][0]["logprob"] == pytest.approx(r["logprob"], abs=1e-6) for r in records)


def test_generate_with_logprobs_sampling_repeats_with_a_seed(model, tokenizer):
    prompt = encode(tokenizer, "Once upon a time,")
    runs = [
        ref.generate_with_logprobs(model, tokenizer, prompt, 8, 1.4, 2, torch.Generator().manual_seed(seed))[0]
        for seed in (5, 5, 6)
    ]
    assert torch.equal(runs[0], runs[1]), "the same seed should give the same sample"
    assert not torch.equal(runs[0], runs[2]), "seeds 5 and 6 gave the same 8 tokens at temperature 1.4"
    torch.manual_seed(5)
    with torch.no_grad():
        expected = model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=True, temperature=1.4,
                                  top_k=None, top_p=1.0, max_new_tokens=8, pad_token_id=2, eos_token_id=2)
    assert torch.equal(runs[0], expected), "generator seeded 5 should draw what generate draws after manual_seed(5)"
    with pytest.raises(ValueError, match="temperature"):
        ref.generate_with_logprobs(model, tokenizer, prompt, 2, -1.0, 2)
