"""The cache-revealing toy stays with the grader (``grading/sandbox/kept_toy.py``).

A ``BigramModel`` with a ``cache_salt`` decides the KV-cache bonus. Sent by value, its salt and
the records of its passes lived in the learner's process, where a tenth red team read the one
and rewrote the other. Here: the learner's process gets neither the salt nor the table, each
forward pass is run by the grader and recorded there, a toy kept past its call is refused, and
the grader answers a pass only within its limits (a refusal is a ``ValueError`` in the learner's
code, never the grader's failure).
"""
from __future__ import annotations

import re

import pytest
import torch

from grading.sandbox import kept_toy
from reference.bigram import BigramModel

LEARNER = b'''
import torch
from transformers import DynamicCache

KEPT = []

def peek(model):
    found = {name: repr(getattr(model, name)) for name in ("cache_salt", "table") if hasattr(model, name)}
    return {"found": found, "state": sorted(model.state_dict()), "type": type(model).__name__}

def cached_loop(model, ids, steps):
    logits = []
    with torch.no_grad():
        out = model(input_ids=ids, use_cache=True)
        logits.append(out.logits[:, -1])
        for _ in range(steps):
            token = out.logits[:, -1].argmax(dim=-1, keepdim=True)
            out = model(input_ids=token, cache=out.cache, use_cache=True)
            logits.append(out.logits[:, -1])
    return torch.stack(logits)

def own_cache_loop(model, ids):
    cache = DynamicCache(config=model.config)
    first = model(input_ids=ids, past_key_values=cache)
    second = model(input_ids=ids[:, -1:], past_key_values=cache)
    return [first.logits, second.logits, cache.get_seq_length()]

def other_styles(model, ids):
    out = model(input_ids=ids, use_cache=True)
    embeds = model.get_input_embeddings()(ids[:, -1:])
    logits, cache = model(inputs_embeds=embeds, cache=out["cache"], return_dict=False)
    return [logits, cache.get_seq_length()]

def keep(model):
    KEPT.append(model)
    return len(KEPT)

def use_kept(ids, fresh=None):
    return KEPT[-1](input_ids=ids).logits

def empty_pass(model):
    return model._ask({"op": "toy_forward", "number": model._number, "input_ids": torch.empty((0, 2**60), dtype=torch.long),
                       "cached": 1, "logits_to_keep": 0, "grad": False})

def odd_pass(model):
    try:
        model(input_ids=torch.tensor([[1]]))
    except ValueError as error:
        return str(error)
    return "answered"

def many_passes(model, ids, count):
    for _ in range(count):
        model(input_ids=ids)
    return count
'''


def _by_hand(toy: BigramModel, ids: torch.Tensor, cached: int) -> torch.Tensor:
    """The toy's rule, written out here rather than asked of the code under test: each id's table
    row, plus the salt when fed on top of a non-empty cache."""
    return toy.table[ids] + (toy.cache_salt if cached > 0 else 0.0)


def _toy() -> BigramModel:
    table = torch.randn(6, 6, generator=torch.Generator().manual_seed(5))
    salt = torch.zeros(6)
    salt[5] = 40.0
    return BigramModel(table, cache_salt=salt)


@pytest.fixture(scope="module")
def session():
    from grading.sandbox.grader_side import LearnerServer, Session
    from grading.sandbox.limits import Limits

    server = LearnerServer([], limits=Limits(call_seconds=20)).start()
    server.wait_ready()
    session = Session(server, {"decoding": LEARNER}, label="test")
    yield session
    session.close()
    server.close()


def test_the_learners_process_gets_neither_the_salt_nor_the_table(session):
    got = session.call("decoding", "peek", (_toy(),), {})
    assert got == {"found": {}, "state": [], "type": "KeptToy"}, (
        f"peek(a salted toy) in the learner's process saw {got}; expected a KeptToy with no cache_salt, no table "
        "and nothing in its state_dict: whatever is there, learner code can read")


def test_the_toys_passes_are_run_and_recorded_by_the_grader(session):
    toy, ids = _toy(), torch.tensor([[1, 2, 3]])
    records: list[dict] = []
    session.observing = (toy, records)
    try:
        got = session.call("decoding", "cached_loop", (toy, ids, 2), {})
    finally:
        session.observing = None
    tokens = [3]
    expected = [_by_hand(toy, ids, 0)[:, -1]]
    for cached in (3, 4):
        tokens.append(int(expected[-1].argmax()))
        expected.append(_by_hand(toy, torch.tensor([[tokens[-1]]]), cached)[:, -1])
    assert torch.equal(got, torch.stack(expected)), (
        f"cached_loop(toy, {ids.tolist()}, 2) gave {got.tolist()}, expected the toy's own logits {torch.stack(expected).tolist()} "
        "(the salt added on top of a non-empty cache)")
    assert records == [{"positions": 3, "cached": 0, "grad": False, "ids": [[1, 2, 3]]},
                       {"positions": 1, "cached": 3, "grad": False, "ids": [[tokens[1]]]},
                       {"positions": 1, "cached": 4, "grad": False, "ids": [[tokens[2]]]}], (
        f"the grader recorded {records} for the toy; expected the three passes it ran: the 3 prompt ids on no cache, "
        f"then {tokens[1]} on top of 3 and {tokens[2]} on top of 4, with gradients off")


def test_a_learners_own_cache_grows_and_brings_the_salt(session):
    toy, ids = _toy(), torch.tensor([[4, 0]])
    first, second, length = session.call("decoding", "own_cache_loop", (toy, ids), {})
    assert torch.equal(first, _by_hand(toy, ids, 0)), f"the first pass gave {first.tolist()}, expected no salt"
    assert torch.equal(second, _by_hand(toy, ids[:, -1:], 2)), (
        f"a pass on top of the learner's own DynamicCache gave {second.tolist()}, expected the salted row "
        f"{_by_hand(toy, ids[:, -1:], 2).tolist()}")
    assert length == 3, f"the learner's DynamicCache holds {length} positions after feeding 2 and then 1, expected 3"


def test_the_kept_toy_takes_what_the_toy_takes(session):
    # out["cache"], return_dict=False and inputs_embeds, as an examiner's right loops wrote them
    toy, ids = _toy(), torch.tensor([[4, 0, 5]])
    logits, length = session.call("decoding", "other_styles", (toy, ids), {})
    assert torch.equal(logits, _by_hand(toy, ids[:, -1:], 3)) and length == 4, (
        f"embeddings of the last id fed on top of out['cache'] with return_dict=False gave {logits.tolist()} and a "
        f"cache of {length}; expected the salted row {_by_hand(toy, ids[:, -1:], 3).tolist()} and 4")


def test_a_toy_kept_past_its_call_is_refused(session):
    toy, ids = _toy(), torch.tensor([[1]])
    assert session.call("decoding", "keep", (toy,), {}) >= 1
    with pytest.raises(ValueError, match="lent for one call only"):
        session.call("decoding", "use_kept", (ids,), {})
    with pytest.raises(ValueError, match="lent for one call only"):  # also beside a toy lent to this call
        session.call("decoding", "use_kept", (ids, _toy()), {})
    got = session.call("decoding", "cached_loop", (toy, ids, 0), {})
    assert torch.equal(got, _by_hand(toy, ids, 0)[:, -1:].transpose(0, 1)), (
        f"after the refusal the next call gave {got.tolist()}: the session should go on as before")


def test_more_passes_than_the_limit_are_refused_in_the_learners_code(session):
    with pytest.raises(ValueError, match=f"more than {kept_toy.MAX_PASSES} forward passes"):
        session.call("decoding", "many_passes", (_toy(), torch.tensor([[1]]), kept_toy.MAX_PASSES + 1), {})
    assert session.call("decoding", "many_passes", (_toy(), torch.tensor([[1]]), 3), {}) == 3, \
        "three passes after the refused call should be answered"


@pytest.mark.parametrize("request_, why", [
    ({"input_ids": [[1, 2]], "cached": 0, "logits_to_keep": 0}, "tensor of token ids"),
    ({"input_ids": torch.tensor([[1.0, 2.0]]), "cached": 0, "logits_to_keep": 0}, "tensor of token ids"),
    ({"input_ids": torch.zeros(1, 1, 2, dtype=torch.long), "cached": 0, "logits_to_keep": 0}, "1-D or 2-D"),
    ({"input_ids": torch.zeros(2, kept_toy.MAX_POSITIONS, dtype=torch.long), "cached": 0, "logits_to_keep": 0},
     f"at most {kept_toy.MAX_POSITIONS} ids"),
    ({"input_ids": torch.empty(0, 2**60, dtype=torch.long), "cached": 0, "logits_to_keep": 0}, "no token ids"),
    ({"input_ids": torch.empty(1, 0, dtype=torch.long), "cached": 0, "logits_to_keep": 0}, "no token ids"),
    ({"input_ids": torch.tensor([[6]]), "cached": 0, "logits_to_keep": 0}, r"in \[0, 6\)"),
    ({"input_ids": torch.tensor([[-1]]), "cached": 0, "logits_to_keep": 0}, r"in \[0, 6\)"),
    ({"input_ids": torch.tensor([[1]]), "cached": -1, "logits_to_keep": 0}, "cache length"),
    ({"input_ids": torch.tensor([[1]]), "cached": True, "logits_to_keep": 0}, "cache length"),
    ({"input_ids": torch.tensor([[1]]), "cached": 2.0, "logits_to_keep": 0}, "cache length"),
    ({"input_ids": torch.tensor([[1]]), "cached": 0, "logits_to_keep": -2}, "logits_to_keep"),
])
def test_the_grader_refuses_a_pass_it_should_not_run(request_, why):
    reply, record = kept_toy.answer(_toy(), {"op": "toy_forward", **request_}, 0)
    assert reply["op"] == "toy_error" and record is None, f"answer({request_}) gave {reply}, expected a refusal"
    assert re.search(why, reply["why"]), f"the refusal says {reply['why']!r}; expected it to name {why!r}"


def test_the_grader_answers_a_pass_with_the_toys_rule():
    toy, ids = _toy(), torch.tensor([[0, 5, 2]])
    reply, record = kept_toy.answer(toy, {"op": "toy_forward", "input_ids": ids, "cached": 7, "logits_to_keep": 1,
                                          "grad": True}, 0)
    from grading.sandbox import wire

    logits = wire.tensor_from_plain(reply["logits"])
    assert torch.equal(logits, toy.table[[2]].unsqueeze(0) + toy.cache_salt), (
        f"the last position of {ids.tolist()} on top of 7 cached gave {logits.tolist()}, expected table[2] + salt")
    assert record == {"positions": 3, "cached": 7, "grad": True, "ids": [[0, 5, 2]]}, f"recorded {record}"
    reply, _ = kept_toy.answer(None, {"op": "toy_forward", "input_ids": ids, "cached": 0, "logits_to_keep": 0}, 0)
    assert reply["op"] == "toy_error" and "lent for one call only" in reply["why"], f"an unknown toy gave {reply}"


def test_the_grader_refuses_a_pass_whose_logits_would_be_too_many():
    vocab = 2048
    toy = BigramModel(torch.zeros(vocab, vocab), cache_salt=torch.zeros(vocab))
    ids = torch.zeros(1, kept_toy.MAX_LOGITS // vocab + 1, dtype=torch.long)  # within MAX_POSITIONS
    reply, record = kept_toy.answer(toy, {"op": "toy_forward", "input_ids": ids, "cached": 0, "logits_to_keep": 0}, 0)
    assert reply["op"] == "toy_error" and record is None and "at most" in reply["why"], (
        f"a pass of {ids.shape[1]} ids on a {vocab}-token toy ({ids.shape[1] * vocab} logits, above "
        f"{kept_toy.MAX_LOGITS}) gave {reply.get('op')}; expected a refusal")


def test_a_pass_the_grader_cannot_run_is_refused_and_the_session_goes_on(session, monkeypatch):
    # A red team's request (an empty (0, 2**60) tensor) once made the judge raise past the call:
    # the learner's process kept waiting for an answer, and the next request was read as one.
    got = session.call("decoding", "empty_pass", (_toy(),), {})
    assert got == {"op": "toy_error", "why": "input_ids of shape (0, 1152921504606846976) holds no token ids"}, (
        f"a pass of no ids on a (0, 2**60) tensor got {got}; expected a refusal that says it holds no ids")

    def broken(*args, **kwargs):
        raise RuntimeError("Stride calculation overflowed")

    monkeypatch.setattr(kept_toy, "answer", broken)
    said = session.call("decoding", "odd_pass", (_toy(),), {})
    assert "could not run this pass" in said and "Stride calculation overflowed" in said, (
        f"a pass that made the grader's side raise gave the learner's code {said!r}; expected a ValueError saying "
        "the pass could not be run")
    monkeypatch.undo()
    toy, ids = _toy(), torch.tensor([[2]])
    got = session.call("decoding", "cached_loop", (toy, ids, 0), {})
    assert torch.equal(got, _by_hand(toy, ids, 0)[:, -1:].transpose(0, 1)), (
        f"the call after the refusals gave {got.tolist()}: the session should be in step as before")
