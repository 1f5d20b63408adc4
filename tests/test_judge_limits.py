"""The judge has limits of its own: no answer, however crafted, exhausts it (issue 10, item 3).

Two levels. :func:`grading.sandbox.wire.loads` refuses messages that would expand past its budget
(shared references, stride-0 tensors, nested shared lists) quickly and with a message. And
through :func:`grading.grader.driver.grade_class`: submissions that send such replies on their own
socket (``tests/hostile/judge_bomb``; one, a dict whose 100 000 keys are one 8 MB int, makes
unpickling itself run for minutes, past ``DECODE_SECONDS``) lose their tests with a message, and an honest
submission graded after them on the same judge scores exactly as alone. Source the parser
gives up on (a 70 000-term expression) is not a grader error either.
"""
from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from grading.sandbox import wire
from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits
from grading.harness.submission import parse_module, untouched_stub
from tests.test_hostile import _copy_solutions

ROOT = Path(__file__).resolve().parent.parent
BOMBS = ("stride0", "shared_bytes", "nested", "frame", "hash")
TAG = wire.TAG


def _refused_quickly(plain, words: str) -> None:
    data = pickle.dumps(plain, protocol=5)
    started = time.monotonic()
    with pytest.raises(wire.WireError) as raised:
        wire.loads(data)
    seconds = time.monotonic() - started
    assert words in str(raised.value), f"wire.loads(<{len(data)} bytes>) raised {raised.value!r}, expected it to mention {words!r}"
    assert seconds < 10, f"wire.loads took {seconds:.1f} s to refuse a {len(data)}-byte message, expected a quick refusal"


def test_a_stride_zero_tensor_is_refused():
    tag = {TAG: "tensor", "dtype": "float32", "shape": [2**18, 2**18], "stride": [0, 0], "offset": 0,
           "data": b"\0" * 4, "requires_grad": False, "device": "cpu"}
    _refused_quickly(tag, "elements")


def test_shared_references_to_a_large_string_are_refused():
    _refused_quickly([b"x" * 2**20] * 1000, "bytes of data")


def test_nested_shared_lists_are_refused():
    inner = [0] * 1000
    _refused_quickly([[inner] * 1000] * 1000, "values")


def test_shared_references_to_a_tensor_are_refused():
    one = wire.tensor_to_plain(__import__("torch").zeros(2**18))  # 1 MB
    _refused_quickly([one] * 200, "bytes of data")


def test_an_honest_message_still_decodes():
    import torch

    value = {"logits": torch.randn(4, 1000), "ids": list(range(5000)), "text": "Tokyo" * 100}
    back = wire.loads(wire.dumps(value))
    assert torch.equal(back["logits"], value["logits"]) and back["ids"] == value["ids"] and back["text"] == value["text"], (
        "wire.loads(wire.dumps(value)) did not give value back for an ordinary answer")


def test_source_the_parser_gives_up_on_is_read_as_started_not_a_crash():
    long_sum = "def softmax_with_temperature(logits, temperature):\n    return " + "+".join(["1"] * 70000) + "\n"
    assert parse_module(long_sum) is None, "expected ast.parse to give up on a 70 000-term sum (RecursionError)"
    assert untouched_stub(long_sum.encode(), "softmax_with_temperature") is False, (
        "untouched_stub(<70 000-term sum>) should be False (started: its tests report the problem), not raise")




@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("judge-limits")
    template = (ROOT / "tests" / "hostile" / "judge_bomb" / "distributions.py.in").read_text()
    folders = []
    for bomb in BOMBS:
        folder = base / "class" / f"a_bomb_{bomb}"
        _copy_solutions(folder)
        module = folder / "distributions.py"
        module.write_text(module.read_text() + template.replace("@BOMB@", bomb))
        folders.append(folder)
    honest = base / "class" / "z_honest"
    _copy_solutions(honest)
    options = GradeOptions(backend="tiny", exercises=("temperature",),
                           limits=Limits(call_seconds=10, submission_seconds=120))
    alone = grade_class([honest], base / "alone", options, workers=1)
    together = grade_class([*folders, honest], base / "together", options, workers=1)
    return {"alone": alone, "together": together}


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_bomb_costs_the_bomber_its_tests_with_a_message(graded, bomb):
    name = f"a_bomb_{bomb}"
    results = graded["together"].results[name]
    assert not results["extra_data"].get("grader_error"), (
        f"{name}: results.json reports a grader error ({results['extra_data']['grader_error']}); expected the "
        "judge to refuse the reply and fail the submission's own tests")
    assert results["score"] < results["max_score"], f"{name} scored {results['score']}/{results['max_score']}, expected less"
    messages = " ".join(t["output"] for t in results["tests"] if t["score"] < t["max_score"])
    assert any(words in messages for words in ("cannot read", "over the limit", "took the grader more than")), (
        f"{name}: no failing test says its reply could not be read; first messages: {messages[:600]}")


JUDGE_MEMORY_TARGET_MB = 1536  # issue 10: "the judge's peak memory grading any submission stays under 1.5 GB"


@pytest.mark.parametrize("name", [*(f"a_bomb_{bomb}" for bomb in BOMBS), "z_honest"])
def test_the_judges_peak_memory_is_recorded_and_under_the_target(graded, name):
    # results.json's judge_peak_rss_mb: the forked judge's ru_maxrss when it is reaped, shared
    # pages included; benchmarks/judge_memory.py measures it over the whole hostile set.
    peak = graded["together"].results[name]["extra_data"].get("judge_peak_rss_mb", "<missing>")
    assert isinstance(peak, (int, float)) and not isinstance(peak, bool) and peak > 0, (
        f"{name}: results.json has extra_data.judge_peak_rss_mb = {peak!r}, expected a positive number of MB")
    assert peak < JUDGE_MEMORY_TARGET_MB, (
        f"{name}: the judge's peak resident memory was {peak} MB, expected under {JUDGE_MEMORY_TARGET_MB} MB")


def test_the_honest_submission_after_the_bombs_scores_as_alone(graded):
    alone = graded["alone"].results["z_honest"]
    together = graded["together"].results["z_honest"]
    assert alone["score"] == alone["max_score"] > 0, f"z_honest alone scored {alone['score']}/{alone['max_score']}"
    assert together["score"] == alone["score"], (
        f"z_honest graded after the bombs on the same judge scored {together['score']}, alone {alone['score']}; "
        f"first messages: {[t['output'][:300] for t in together['tests'] if t['score'] < t['max_score']][:2]}")
    assert not graded["together"].failed, f"grade_class reports grader failures on {graded['together'].failed}"
