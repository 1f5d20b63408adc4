"""A learner's function that writes into its arguments gains nothing (issue 10's first attack).

The learner works on private copies of a call's tensors and lists (``grading/sandbox/arguments.py``);
the test's own data never changes, and a change is reported to the test. Proved three ways:

- the mechanism itself, on :class:`grading.sandbox.arguments.PrivateCall` and a target;
- every pair of ``tests/in_place/`` (a version that writes into the caller's data so that the
  expected value would agree with it, and its twin that gives the same answer untouched),
  graded with :func:`grading.grader.driver.grade_class` — the sandboxed path ``decodelab grade`` runs —
  and in-process: the writer never scores more than its twin, on any exercise;
- a test that must hold "do not change X" still catches the change.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grading.sandbox.arguments import PrivateCall, private_copy
from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits
from grading.harness.runner import run_suites_in_turn
from grading.harness.target import load_target
from tests.catalogue import entries, write_submission

ROOT = Path(__file__).resolve().parent.parent
IN_PLACE = ROOT / "tests" / "in_place"
PAIRS = [(writer, next(e for e in entries(IN_PLACE) if e.name == writer.name.split("__")[0] + "__same_answer_untouched"))
         for writer in entries(IN_PLACE) if "__writes_into_" in writer.name]
KEYS = tuple(dict.fromkeys(writer.exercise.key for writer, _ in PAIRS))


def _probs_changer(probs, p):
    probs.zero_()
    return probs


def test_the_learner_works_on_a_private_copy_and_the_change_is_named():
    probs = torch.tensor([[0.1, 0.9]])
    call = PrivateCall(_probs_changer, (probs,), {"p": 0.5})
    returned = _probs_changer(*call.args, **call.kwargs)
    assert torch.equal(probs, torch.tensor([[0.1, 0.9]])), f"the caller's probs became {probs}, expected it unchanged"
    assert returned is call.args[0] and returned is not probs, "expected the learner to get a copy, not probs itself"
    assert call.changed() == ["probs (argument 1)"], f"PrivateCall.changed() gave {call.changed()}, expected ['probs (argument 1)']"


def test_a_call_that_changes_nothing_reports_nothing():
    values = torch.tensor([float("nan"), 1.0])
    call = PrivateCall(lambda x, *, scale: x * scale, (values,), {"scale": torch.tensor(2.0)})
    call.args[0].mul_(1.0)  # in place, but the values (nan included) stay as they were
    assert call.changed() == [], f"PrivateCall.changed() gave {call.changed()} for an unchanged tensor, expected []"
    call.kwargs["scale"].add_(1)
    assert call.changed() == ["scale"], f"PrivateCall.changed() gave {call.changed()}, expected ['scale']"


def test_lists_and_tuples_are_copied_and_parameters_are_passed_as_they_are():
    weight = torch.nn.Parameter(torch.ones(2))
    texts = ["a b", "c"]
    copied = private_copy([texts, (torch.zeros(1),), weight])
    assert copied[0] == texts and copied[0] is not texts, "expected a list argument to reach the learner as a copy"
    assert copied[2] is weight, "expected an nn.Parameter to reach the learner as it is (it is the model's weight)"
    call = PrivateCall(lambda w: w, (weight,), {})
    with torch.no_grad():
        call.args[0].add_(1)
    assert call.changed() == ["w (argument 1)"], f"a parameter changed in place gave {call.changed()}, expected ['w (argument 1)']"


def test_a_target_never_changes_the_tests_tensor():
    target = load_target("solutions+tests.in_place.distributions:softmax_with_temperature__writes_into_logits")
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    target.function("softmax_with_temperature")(logits, 1.0)
    assert torch.equal(logits, torch.tensor([[1.0, 2.0, 3.0]])), f"the test's logits became {logits}, expected them unchanged"
    assert target.changed_by_last_call == ["logits (argument 1)"], (
        f"changed_by_last_call is {target.changed_by_last_call}, expected ['logits (argument 1)']")


# A red team's attack: the learner's process writes its own reply, so it can say it changed a
# weight to any values it likes. Its own copy of the model is zeroed first, so its answer is the
# one for the zeroed matrix; the grader must count a change, never take the values.
FORGED_WEIGHT_CHANGE = '''

def _forge_a_change_to_the_weights():
    import sys
    Learner = getattr(sys.modules.get("__main__"), "Learner", None)
    if Learner is None:
        return
    plain = Learner.call

    def call(self, request, *rest):
        for backend in self.server.backends.values():
            with torch.no_grad():
                backend.model.get_input_embeddings().weight.zero_()
        reply = plain(self, request, *rest)
        if reply.get("op") == "return":
            for backend in self.server.backends.values():
                zeros = torch.zeros_like(backend.model.get_input_embeddings().weight.detach())
                reply["mutated"] = [["args", 2, zeros], ["kwargs", "embedding_matrix", zeros]]
        return reply

    Learner.call = call


_forge_a_change_to_the_weights()
'''


def test_a_forged_change_to_a_weight_never_reaches_the_graders_model(tmp_path):
    from reference.backends import load_backend, tiny_status

    if not tiny_status()[0]:
        pytest.skip("the bundled tiny model is not built yet")
    backend = load_backend("tiny")  # held here: the weight crosses as a handle, as in a judge
    weight = backend.model.get_input_embeddings().weight
    before = weight.detach().clone()
    folder = tmp_path / "forger"
    folder.mkdir()
    (folder / "embeddings.py").write_text((ROOT / "solutions" / "embeddings.py").read_text() + FORGED_WEIGHT_CHANGE)
    target = load_target(f"isolated:{folder}")
    try:
        got = target.function("subword_averaged_embedding")("king", backend.tokenizer, weight)
        changed = target.changed_by_last_call
    finally:
        target.close()
    assert torch.equal(got, torch.zeros_like(got)), f"expected the forger's answer from its zeroed copy, got {got[:4]}"
    assert torch.equal(weight.detach(), before), (
        "a reply that said the learner had zeroed the embedding matrix changed the grader's own weight: "
        f"{int((weight.detach() != before).sum())} values differ; expected the grader's model untouched")
    assert changed == [], (
        f"changed_by_last_call is {changed}, expected []: the grader reads the arguments it sent, and it sent no "
        "weight (the learner's process has its own), so a reply's claims are not taken")


# The second red team's attack (2026-12-04): a sample_top_p that zeroes its probs, and a process
# that leaves that change out of its reply. The grader no longer asks: the arguments are in memory
# both processes map (grading/sandbox/shared.py), and it reads them itself after the call.
CHANGE_KEPT_OUT_OF_THE_REPLY = """

_solution_sample_top_p = sample_top_p


def sample_top_p(probs, p, generator):
    ids = _solution_sample_top_p(probs, p, generator)
    probs.zero_()
    return ids
"""
HIDE_THE_CHANGE = """

def _hide_changes():
    import sys
    Learner = getattr(sys.modules.get("__main__"), "Learner", None)
    if Learner is None:
        return
    plain = Learner.call

    def call(self, *args, **kwargs):
        reply = plain(self, *args, **kwargs)
        reply.pop("mutated", None)
        return reply

    Learner.call = call


_hide_changes()
"""


def test_a_change_the_reply_leaves_out_is_still_seen(tmp_path):
    base = tmp_path / "class"
    writer, hider = base / "writer", base / "hider"
    for folder, extra in ((writer, CHANGE_KEPT_OUT_OF_THE_REPLY), (hider, CHANGE_KEPT_OUT_OF_THE_REPLY + HIDE_THE_CHANGE)):
        folder.mkdir(parents=True)
        (folder / "nucleus.py").write_text((ROOT / "solutions" / "nucleus.py").read_text() + extra)
    options = GradeOptions(backend="tiny", exercises=("sample_top_p",), limits=Limits(call_seconds=10, submission_seconds=300))
    graded = grade_class([writer, hider], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    failed = {label: [t["name"] for t in graded.results[label]["tests"] if t["score"] < t["max_score"]]
              for label in ("writer", "hider")}
    held = "sample_top_p: test_sample_top_p_returns_one_id_per_row_and_leaves_probs_alone"
    assert held in failed["writer"], f"a sample_top_p that zeroes its probs failed {failed['writer']}; expected {held} among them"
    assert failed["hider"] == failed["writer"], (
        f"the same sample_top_p, its change left out of the reply, failed {failed['hider']}; expected what it fails "
        f"with an honest reply, {failed['writer']}: the grader must see the change itself")


def _scores(per_exercise: dict[str, float], key: str) -> float:
    return round(per_exercise.get(key, 0.0), 6)


def _assert_no_gain(path: str, writer: str, twin: str, key: str, got: float, twin_got: float, most: float) -> None:
    assert twin_got < most, (
        f"{path}: {twin} scored {twin_got}/{most} on '{key}'; expected less than full marks, or the pair proves nothing")
    assert got <= twin_got, (
        f"{path}: {writer} scored {got}/{most} on '{key}', its twin {twin} (same answers, arguments untouched) "
        f"{twin_got}; expected no more than the twin: writing into the test's data must not earn points")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("in-place")
    # Each version alone in its module's file, the module's other exercises still stubs: they
    # and the other modules' read "not started" and cost nothing, where solutions/ would only pass again.
    folders = [write_submission(entry, base / "class", alone=True) for pair in PAIRS for entry in pair]
    options = GradeOptions(backend="tiny", exercises=KEYS, limits=Limits(call_seconds=10, submission_seconds=300))
    return grade_class(folders, base / "out", options, workers=2)


@pytest.mark.parametrize("writer,twin", PAIRS, ids=[writer.name for writer, _ in PAIRS])
def test_writing_into_arguments_earns_nothing_through_the_grader(graded, writer, twin):
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    key = writer.exercise.key
    results = {label: {k: v["score"] for k, v in graded.results[label]["extra_data"]["exercises"].items()}
               for label in (writer.label, twin.label)}
    most = graded.results[writer.label]["extra_data"]["exercises"][key]["max_score"]
    _assert_no_gain("decodelab grade (sandboxed)", writer.name, twin.name, key,
                    _scores(results[writer.label], key), _scores(results[twin.label], key), most)


@pytest.fixture(scope="module")
def in_process():
    # Each version on its own exercise: the one the test compares (test_every_pair_is_of_one_exercise).
    chosen = [entry for pair in PAIRS for entry in pair]
    specs = [f"solutions+tests.in_place.{entry.module}:{entry.name}" for entry in chosen]
    runs = run_suites_in_turn(specs, suites=("hidden",), exercises_of=[[entry.exercise.key] for entry in chosen])
    return dict(zip(specs, runs))


@pytest.mark.parametrize("writer,twin", PAIRS, ids=[writer.name for writer, _ in PAIRS])
def test_writing_into_arguments_earns_nothing_in_process(in_process, writer, twin):
    key = writer.exercise.key
    runs = [in_process[f"solutions+tests.in_place.{entry.module}:{entry.name}"] for entry in (writer, twin)]
    got, twin_got = (round(sum(t.score for t in run.tests if t.exercise == key), 6) for run in runs)
    most = round(sum(t.max_score for t in runs[1].tests if t.exercise == key), 6)
    assert most > 0, f"the hidden suite ran no test of '{key}' in-process:\n{runs[1].log[-2000:]}"
    _assert_no_gain("in-process", writer.name, twin.name, key, got, twin_got, most)


def test_every_pair_is_of_one_exercise():
    for writer, twin in PAIRS:
        assert writer.exercise.key == twin.exercise.key, f"{writer.name} and {twin.name} differ"
    assert len(PAIRS) >= 7, f"tests/in_place/ has {len(PAIRS)} pairs, expected at least 7"
