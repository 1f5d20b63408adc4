"""Public tests for the logprobs exercise (exercises/logprobs.py). Run: decodelab check logprobs"""
import math

import pytest
import torch

from grading.harness.compare import call_text, check_equal, check_true, describe, expect_error
from reference.bigram import BigramModel


# A float32 forward pass repeated gives the same logits to ~1e-6; fp16/bf16 (GPU) to ~1e-2.
def _tolerance(model) -> float:
    return 1e-4 if model.dtype == torch.float32 else 5e-2


@pytest.mark.logprobs
def test_one_record_per_generated_token(learner, backend):
    prompt_length = backend.encode("The capital of Japan is").shape[1]
    sequence = backend.encode("The capital of Japan is Tokyo.")  # the prompt, then '▁Tokyo' and '.'
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    check_true(isinstance(got, list) and len(got) == 2, call=call,
               problem=f"returned {type(got).__name__} of length {len(got) if hasattr(got, '__len__') else '?'}, "
                       "expected a list of 2 records (one per token after the prompt)",
               hint="loop over the positions prompt_length .. T-1 only; the prompt gets no records")
    check_equal(sorted(got[0]), ["bytes", "logprob", "token", "top_logprobs"], call=call, what="the keys of a record")
    # '▁Tokyo' is the word Tokyo with a leading space: bytes of " Tokyo" in UTF-8.
    check_equal(got[0]["token"], " Tokyo", call=call, what='record 0 "token"', hint="'▁' stands for a space")
    check_equal(got[0]["bytes"], [32, 84, 111, 107, 121, 111], call=call, what='record 0 "bytes"')


@pytest.mark.logprobs
def test_a_special_token_in_the_completion_stands_for_no_text(learner, backend):
    prompt_length = backend.encode("The capital of Japan is").shape[1]
    text = backend.encode("The capital of Japan is Tokyo.")
    eos = backend.tokenizer.eos_token_id  # '</s>', one of tokenizer.all_special_ids
    sequence = torch.cat([text, torch.tensor([[eos]], device=text.device)], dim=1)
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=2)
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=2)
    check_true(isinstance(got, list) and len(got) == 3 and isinstance(got[-1], dict), call=call,
               problem=f"returned {describe(got)}, expected a list of 3 records ('▁Tokyo', '.', '</s>')")
    last = got[-1]
    check_equal((last.get("token"), last.get("bytes")), ("", []), call=call,
                what='the last record\'s ("token", "bytes") (its token is </s>, id 2)',
                hint="a special token (one of tokenizer.all_special_ids: <s>, </s>, <unk>) stands for no text: "
                     "its bytes are [] and its token is '', not the piece's name")


@pytest.mark.logprobs
def test_logprob_comes_from_the_position_before(learner, backend):
    prompt_length = backend.encode("The capital of Japan is").shape[1]
    sequence = backend.encode("The capital of Japan is Tokyo.")
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    with torch.no_grad():
        logits = backend.model(input_ids=sequence).logits[0].float()
    # By definition: the position before '▁Tokyo' predicts it.
    tokyo = int(sequence[0, prompt_length])
    expected = torch.log_softmax(logits[prompt_length - 1], dim=-1)[tokyo].item()
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=3)
    value = got[0]["logprob"]
    check_true(isinstance(value, float) and abs(value - expected) <= _tolerance(backend.model), call=call,
               problem=f'record 0 "logprob" is {describe(value)}, expected {expected:.5f}',
               hint="use log_softmax of the logits at position t - 1 for the token at position t")


@pytest.mark.logprobs
def test_byte_fallback_tokens_show_their_raw_bytes(learner, backend):
    prompt_length = backend.encode("明日の天気は").shape[1]
    sequence = backend.encode("明日の天気は曇り")  # 曇 is spelt <0xE6> <0x9B> <0x87>, then り
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=2)
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=2)
    # The three UTF-8 bytes of 曇 (E6 9B 87), one per token, then り (E3 82 8A).
    expected = [("\\xe6", [230]), ("\\x9b", [155]), ("\\x87", [135]), ("り", [227, 130, 138])]
    check_equal([(r["token"], r["bytes"]) for r in got], expected, call=call, what="(token, bytes) of the records",
                hint="a byte piece '<0xE6>' is the one byte 0xE6; do not use tokenizer.decode, which gives '�'")


@pytest.mark.logprobs
def test_top_logprobs_are_sorted_highest_first(learner, backend):
    prompt_length = backend.encode("Once upon a time,").shape[1]
    sequence = backend.encode("Once upon a time, there was a king.")
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, prompt_length, top_n=5)
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, prompt_length, top_n=5)
    for index, record in enumerate(got):
        values = [entry["logprob"] for entry in record["top_logprobs"]]
        check_true(len(values) == 5 and values == sorted(values, reverse=True), call=call,
                   problem=f"record {index}: top_logprobs has logprobs {[round(v, 3) for v in values]}, "
                           "expected 5 values from highest to lowest",
                   hint="torch.topk(row, top_n) returns them sorted")
        check_true(values[0] >= record["logprob"] - 1e-6, call=call,
                   problem=f"record {index}: the chosen token's logprob {record['logprob']:.4f} is above "
                           f"the best alternative's {values[0]:.4f}",
                   hint="the first alternative is the most probable token of the whole vocabulary")


@pytest.mark.logprobs
def test_the_first_token_has_no_logprob(learner, backend):
    sequence = backend.encode("Hello world")
    expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, 0,
                 hint="prompt_length 0 would ask for a logprob of the first token, which nothing predicts")


@pytest.mark.logprobs
def test_a_very_unlikely_token_keeps_a_finite_logprob(learner, backend):
    # Six tokens; after token 4 every token scores 0 except token 5, which scores -200.
    # So log P(5 | 4) = -200 - log(5 + exp(-200)) = -200 - log(5), worked out by hand.
    table = torch.zeros(6, 6)
    table[4, 5] = -200.0
    model = BigramModel(table)
    sequence = torch.tensor([[1, 4, 5]])
    got = learner.completion_logprobs(model, backend.tokenizer, sequence, 2, top_n=2)
    call = call_text(learner.completion_logprobs, model, backend.tokenizer, sequence, 2, top_n=2)
    check_true(isinstance(got, list) and len(got) == 1 and isinstance(got[0], dict), call=call,
               problem=f"returned {describe(got)}, expected a list of 1 record (one per token after the prompt)")
    value, expected = got[0].get("logprob"), -200.0 - math.log(5.0)
    check_true(isinstance(value, float) and math.isfinite(value) and abs(value - expected) <= 1e-3, call=call,
               problem=f'record 0 "logprob" is {describe(value)}, expected {expected:.4f}',
               hint="exp(-200) rounds to 0 in float32, so log(softmax(x)) gives -inf: use torch.log_softmax"
                    if value == -math.inf else "use log_softmax of the logits at position t - 1")


@pytest.mark.logprobs
def test_nothing_generated_gives_no_records(learner, backend):
    sequence = backend.encode("Hello world")
    T = sequence.shape[1]
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, T)
    check_equal(got, [], call=call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, T),
                hint="prompt_length == T is allowed: nothing was generated, so there is nothing to report")


@pytest.mark.logprobs
def test_a_prompt_longer_than_the_sequence_is_rejected(learner, backend):
    sequence = backend.encode("Hello world")
    T = sequence.shape[1]
    expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, T + 1,
                 hint="prompt_length must lie between 1 and T: the prompt cannot be longer than the whole sequence")


@pytest.mark.logprobs
def test_a_negative_top_n_is_rejected(learner, backend):
    sequence = backend.encode("Hello world")
    expect_error(learner.completion_logprobs, ValueError, backend.model, backend.tokenizer, sequence, 1, top_n=-1,
                 hint="a negative number of alternatives makes no sense: raise ValueError before torch.topk does")


@pytest.mark.logprobs
def test_top_n_zero_gives_no_alternatives(learner, backend):
    sequence = backend.encode("Hello world")
    T = sequence.shape[1]
    got = learner.completion_logprobs(backend.model, backend.tokenizer, sequence, 1, top_n=0)
    call = call_text(learner.completion_logprobs, backend.model, backend.tokenizer, sequence, 1, top_n=0)
    check_true(isinstance(got, list) and len(got) == T - 1, call=call,
               problem=f"returned {describe(got)}, expected a list of {T - 1} records")
    check_equal([record.get("top_logprobs") if isinstance(record, dict) else record for record in got],
                [[]] * (T - 1), call=call, what='the "top_logprobs" of the records',
                hint="top_n = 0 is allowed: every record gets an empty top_logprobs list")
