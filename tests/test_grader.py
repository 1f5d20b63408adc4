"""The grader: wire format, submissions, reports, the isolated target, and ``decodelab grade``.

The hostile submissions have their own file (test_hostile.py); this one checks that honest
code is graded exactly as it would be in-process — generator states, in-place changes, a test
that edits the model's weights or watches its forward passes — and the command's contract.
"""
from __future__ import annotations

import csv
import io
import json
import os
import pickle
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from grading.grader import reports
from grading.sandbox import wire
from grading.harness.catalogue import EXERCISES
from grading.harness.submission import class_names, expand, read_submission, submission_name, untouched_stub
from grading.harness.target import FolderTarget, TargetError, load_target
from reference.cache import cache_with_tokenizers_only
from tests.stubs import stubs_folder

ROOT = Path(__file__).resolve().parent.parent


def _tiny_available() -> bool:
    from reference.backends import tiny_status

    return tiny_status()[0]


needs_tiny = pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")


# --------------------------------------------------------------------------------------------
# The wire


@pytest.mark.parametrize("value", [
    torch.randn(3, 4), torch.randn(4, 3).T, torch.randn(10)[2:5], torch.arange(6).view(2, 3),
    torch.tensor([True, False]), torch.zeros(0, 5), torch.randn(2, 2).to(torch.bfloat16),
])
def test_tensors_cross_the_wire_with_dtype_shape_and_strides(value):
    back = wire.loads(wire.dumps(value))
    assert isinstance(back, torch.Tensor) and back.dtype == value.dtype and back.shape == value.shape, \
        f"loads(dumps({wire.short_repr(value)})) gave {wire.short_repr(back)}"
    assert torch.equal(back, value), f"values changed: {back} vs {value}"
    assert back.stride() in (value.stride(), value.contiguous().stride()), f"strides {back.stride()} vs {value.stride()}"


def test_plain_values_and_torch_objects_cross_the_wire():
    value = {"a": [1, 2.5, "x", b"y", None, (1, 2), {3, 4}], 7: complex(1, 2), "size": torch.Size([2, 3]),
             "dtype": torch.float16, "device": torch.device("cpu"), "slice": slice(1, None, 2),
             "__decodelab__": "a learner's own key", "topk": torch.topk(torch.tensor([3.0, 1.0, 2.0]), 2)}
    back = wire.loads(wire.dumps(value))
    assert back["a"] == value["a"] and back[7] == value[7] and back["size"] == value["size"]
    assert back["dtype"] is torch.float16 and back["slice"] == value["slice"]
    assert back["__decodelab__"] == "a learner's own key"
    assert type(back["topk"]).__name__ == "topk" and torch.equal(back["topk"].indices, torch.tensor([0, 2]))


def test_a_generator_crosses_the_wire_as_its_state():
    generator = torch.Generator().manual_seed(7)
    generator.manual_seed(7)
    back = wire.loads(wire.dumps(generator))
    assert torch.equal(torch.randn(5, generator=back), torch.randn(5, generator=generator)), \
        "the rebuilt generator draws other numbers than the original"


def test_the_decoder_refuses_to_build_any_object():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    for payload in (pickle.dumps(Evil()), pickle.dumps(io.BytesIO(b"x")), b"not a message", b""):
        with pytest.raises(wire.WireError):
            wire.loads(payload)
    # A tag that names a class, a module or a function builds nothing but a described stand-in.
    for document in ({wire.TAG: "opaque", "type": "os.system", "repr": "echo pwned"}, {wire.TAG: "os.system"}):
        text = json.dumps(document).encode()
        back = wire.loads(wire.HEADER.pack(len(text)) + text)
        assert isinstance(back, wire.Opaque), f"wire.loads({document}) built {back!r}, expected an Opaque stand-in"


def test_an_unknown_object_becomes_an_opaque_description():
    class Odd:
        def __repr__(self):
            return "<an odd result>"

    back = wire.loads(wire.dumps(Odd()))
    assert isinstance(back, wire.Opaque) and repr(back) == "<an odd result>" and type(back).__name__ == "Odd"


# --------------------------------------------------------------------------------------------
# Submissions


def _solution(module: str = "distributions") -> str:
    return (ROOT / "solutions" / f"{module}.py").read_text()


def test_a_folder_submission_is_read_at_top_level_or_under_exercises(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "distributions.py").write_text(_solution())
    (tmp_path / "b" / "exercises").mkdir(parents=True)
    (tmp_path / "b" / "exercises" / "distributions.py").write_text(_solution())
    (tmp_path / "c" / "wrapped" / "exercises").mkdir(parents=True)
    (tmp_path / "c" / "wrapped" / "exercises" / "distributions.py").write_text(_solution())
    for name in "abc":
        submission = read_submission(tmp_path / name)
        assert submission.name == name and set(submission.sources) == {"distributions"}, \
            f"{name}: found {sorted(submission.sources)}"


def test_a_zip_submission_is_read_without_extracting_anything_else(tmp_path):
    path = tmp_path / "alice.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("alice/exercises/distributions.py", _solution())
        archive.writestr("alice/notes.txt", "ignored")
        archive.writestr("../escape.py", "ignored")
    submission = read_submission(path)
    assert submission.name == "alice" and submission.sources["distributions"] == _solution().encode()
    assert not (tmp_path / "escape.py").exists()


def test_a_damaged_zip_member_is_the_submissions_problem_not_the_graders(tmp_path):
    # A member whose checksum is wrong, and one whose compressed data is not deflate: reading
    # them raises BadZipFile and zlib.error. The module counts as not handed in, with a note;
    # the grader does not fail (which would read as its own fault and leave the row ungraded).
    path = tmp_path / "broken.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("distributions.py", _solution(), compress_type=zipfile.ZIP_STORED)
        archive.writestr("tokens.py", _solution("tokens"), compress_type=zipfile.ZIP_DEFLATED)
    blob = bytearray(path.read_bytes())
    stored = blob.index(_solution().encode()[:200])
    blob[stored + 10] ^= 0x20  # the stored text changes, its checksum does not
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("tokens.py")
    deflated = info.header_offset + 30 + len(info.filename.encode())
    blob[deflated:deflated + 8] = b"\xff" * 8  # not a deflate stream
    path.write_bytes(bytes(blob))
    submission = read_submission(path)
    assert {"distributions", "tokens"}.isdisjoint(submission.sources), (
        f"read_submission(<a zip with two damaged members>) read {sorted(submission.sources)}, expected neither")
    unread = [note for note in submission.notes if "could not be read from the zip" in note]
    assert len(unread) == 2, f"read_submission(<a zip with two damaged members>) noted {submission.notes}"


def test_a_zip_members_name_is_shown_on_one_line(tmp_path):
    # The wrapping folder's name is the learner's: a newline or a right-to-left override in it
    # must not write lines of its own into the feedback ("Score: 121 / 121").
    path = tmp_path / "tricky.zip"
    top = "x\nScore: 121 of 121\u202e"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo(f"{top}/distributions.py")
        link.external_attr = (0o120777 << 16)  # a symbolic link: ignored, with a note naming it
        archive.writestr(link, "/etc/passwd")
        archive.writestr(f"{top}/tokens.py", _solution("tokens"))
    notes = read_submission(path).notes
    assert notes and all("\n" not in note and "\u202e" not in note for note in notes), (
        f"read_submission(<a zip whose folder name holds a newline and U+202E>) noted {notes!r}, "
        "expected those characters escaped")


def test_a_symbolic_link_is_never_followed(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "distributions.py").symlink_to(ROOT / "solutions" / "distributions.py")
    submission = read_submission(tmp_path / "s")
    assert "distributions" not in submission.sources
    assert any("symbolic link" in note for note in submission.notes), submission.notes


def test_a_class_folder_expands_and_bad_arguments_say_why(tmp_path):
    for name in ("bob", "alice"):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "distributions.py").write_text(_solution())
    (tmp_path / "class" / "README.txt").write_text("not a submission")
    assert [p.name for p in expand([tmp_path / "class"])] == ["alice", "bob"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "text.zip").write_text("not a zip")
    cases = {str(tmp_path / "missing"): "no such submission", str(tmp_path / "empty"): "empty class",
             str(tmp_path / "text.zip"): "not a readable .zip file", str(tmp_path / "class" / "README.txt"):
             "neither a folder nor a .zip"}
    for argument, says in cases.items():
        with pytest.raises(TargetError, match=says):
            expand([argument])
    # Two entries that become the same name are both graded: one student cannot stop the class
    # by naming an upload after a classmate ('alice smith.zip' next to 'alice_smith/').
    (tmp_path / "other" / "alice").mkdir(parents=True)
    (tmp_path / "other" / "alice" / "distributions.py").write_text(_solution())
    shutil.make_archive(str(tmp_path / "class" / "alice smith"), "zip", tmp_path / "other" / "alice")
    (tmp_path / "class" / "alice_smith").mkdir()
    (tmp_path / "class" / "alice_smith" / "distributions.py").write_text(_solution())
    found = expand([tmp_path / "class"])
    names = class_names(found)
    assert sorted(names.values()) == ["alice", "alice_smith", "alice_smith~2", "bob"], (
        f"class_names(expand([class])) gave {sorted(names.values())}, expected both alice smiths graded, one as ~2")
    keeps = names[next(path for path in found if path.name == "alice_smith")]
    assert keeps == "alice_smith", f"the folder alice_smith/ was named {keeps!r}; the upload renamed to it must not take its row"
    blank = tmp_path / "\u3164"  # a Hangul filler: a letter to \w, nothing to the eye
    assert submission_name(blank) == "_", f"submission_name(<a folder named U+3164>) is {submission_name(blank)!r}"
    twice = expand([tmp_path / "class" / "alice", tmp_path / "other" / "alice"])
    assert sorted(class_names(twice).values()) == ["alice", "alice~2"], (
        f"two folders named alice from different places were named {sorted(class_names(twice).values())}")



def test_a_name_typed_in_full_width_is_the_same_name():
    # "Ｃｈｅｎ" (a Japanese keyboard's full-width letters) beside "Chen" read as two rows of one
    # name in the gradebook. Whichever comes first, the plain spelling keeps its row.
    for order in ([Path("/class/Chen"), Path("/class/Ｃｈｅｎ")], [Path("/class/Ｃｈｅｎ"), Path("/class/Chen")]):
        names = class_names(order)
        assert names == {Path("/class/Chen"): "Chen", Path("/class/Ｃｈｅｎ"): "Chen~2"}, (
            f"class_names({[str(path) for path in order]}) gave {names}, expected Chen and Chen~2")
    for typed, expected in (("ｱｲｺ", "アイコ"), ("ﾊﾟｸ", "パク"), ("Jose\u0301", "Jos\u00e9")):
        assert submission_name(Path(typed)) == expected, (
            f"submission_name({typed!r}) is {submission_name(Path(typed))!r}, expected {expected!r}")
    # Graded under the name the rule gave before (one_width came later): it keeps that row.
    # A folder the instructor renamed, or one outside the rule, is not reused.
    for earlier, expected in (({"Ｃｈｅｎ": "Ｃｈｅｎ"}, "Ｃｈｅｎ"), ({"Mu_ller": "Mu\u0308ller"}, "Mu_ller"),
                              ({"Ｃｈｅｎ~2": "Ｃｈｅｎ"}, "Ｃｈｅｎ~2"), ({"previous": "Ｃｈｅｎ"}, "Chen"),
                              ({"../elsewhere": "Ｃｈｅｎ"}, "Chen")):
        late = Path("/class") / next(iter(earlier.values()))
        got = class_names([late], earlier)[late]
        assert got == expected, f"class_names([{late.name!r}], earlier={earlier}) named it {got!r}, expected {expected!r}"


def test_a_name_an_earlier_run_gave_another_entry_is_taken():
    # What an earlier run wrote into the output folder: name (lower case) -> the entry it was given to.
    late = Path("/class/alice smith")
    cases = {"alice_smith": "alice_smith~2", None: "alice_smith", "alice smith": "alice_smith"}
    for source, expected in cases.items():
        got = class_names([late], {"alice_smith": source})[late]
        assert got == expected, (
            f"class_names([alice smith], earlier={{'alice_smith': {source!r}}}) named it {got!r}, expected {expected!r}")
    got = class_names([late], {"alice_smith": "alice_smith", "alice_smith~2": "alice_smith.zip"})[late]
    assert got == "alice_smith~3", f"with alice_smith and alice_smith~2 both given to others, it was named {got!r}"


@needs_tiny
def test_a_later_run_into_the_same_folder_replaces_no_classmate_and_drops_no_exercise(tmp_path):
    from grading.grader.driver import GradeOptions, grade_class

    (tmp_path / "week1" / "alice_smith").mkdir(parents=True)
    (tmp_path / "week1" / "alice_smith" / "distributions.py").write_text(_solution())
    (tmp_path / "late" / "alice smith").mkdir(parents=True)
    shutil.copy(stubs_folder() / "distributions.py", tmp_path / "late" / "alice smith" / "distributions.py")
    out, temperature = tmp_path / "out", GradeOptions(backend="tiny", exercises=("temperature",))
    grade_class([tmp_path / "week1"], out, temperature, workers=1)
    kept = (out / "alice_smith" / "results.json").read_bytes()
    for resume in (True, False):
        late = grade_class([tmp_path / "late" / "alice smith"], out, temperature, workers=1, resume=resume)
        assert late.graded == ["alice_smith~2"] and not late.skipped, (
            f"a late 'alice smith' (resume={resume}) was graded as {late.graded} and skipped as {late.skipped}, "
            "expected graded as alice_smith~2: alice_smith is a classmate graded earlier")
        assert (out / "alice_smith" / "results.json").read_bytes() == kept, "the classmate's results were replaced"
    source = json.loads((out / "alice_smith~2" / "results.json").read_text())["extra_data"]["source"]
    assert source == "alice smith", f"results.json's source is {source!r}, expected the entry's own name"
    # Next week's exercise, resumed into the same folder: neither skipped as graded nor graded
    # over last week's results.
    with pytest.raises(TargetError, match="temperature") as refused:
        grade_class([tmp_path / "week1"], out, GradeOptions(backend="tiny", exercises=("pieces",)), workers=1,
                    resume=True)
    assert "another --out" in str(refused.value), str(refused.value)
    assert (out / "alice_smith" / "results.json").read_bytes() == kept
    # A regrade request about one exercise, graded without --resume: the natural command replaced
    # a whole assignment's results with that exercise's alone (a TA's walk-through: 96/111 -> 10/10).
    with pytest.raises(TargetError, match="add them to --exercises") as refused:
        grade_class([tmp_path / "week1" / "alice_smith"], out, GradeOptions(backend="tiny", exercises=("pieces",)),
                    workers=1)
    assert "temperature" in str(refused.value), str(refused.value)
    assert (out / "alice_smith" / "results.json").read_bytes() == kept


@needs_tiny
def test_resume_grades_again_what_changed_since_it_was_graded(tmp_path, monkeypatch):
    # A TA's walk-through: a learner fixed their code after a regrade request was granted, and
    # `--resume` kept the stale grade ("Graded 0, skipped 6"); so it did after a `git pull` of
    # the suites. It keeps results only while the code and the grader are what graded them, and
    # never grades one exercise again in a way that drops another's results.
    from grading.grader import driver
    from grading.grader.driver import GradeOptions, grade_class

    entry = tmp_path / "class" / "carol"
    entry.mkdir(parents=True)
    (entry / "distributions.py").write_text(_solution())
    out = tmp_path / "out"
    both, one = (GradeOptions(backend="tiny", exercises=keys) for keys in (("next_token", "temperature"), ("temperature",)))
    grade_class([entry], out, both, workers=1)
    again = grade_class([entry], out, one, workers=1, resume=True)
    assert again.skipped == ["carol"] and not again.changed, (
        f"--resume on unchanged code: skipped {again.skipped}, changed {again.changed}; expected carol kept")
    # Graded on a GPU (auto: Mistral-7B), resumed on a laptop (auto: the tiny model), or the other
    # way round: the results are from another backend than auto picks here, so they would be
    # graded again, for temperature alone, dropping next_token's.
    from reference.backends import resolve_backend

    results = out / "carol" / "results.json"
    graded_on_a_gpu = json.loads(results.read_text())
    graded_on_a_gpu["extra_data"]["backend"] = "mistral-7b-4bit" if resolve_backend("auto")[0] == "tiny" else "tiny"
    results.write_text(json.dumps(graded_on_a_gpu))
    with pytest.raises(TargetError, match="next_token") as refused:
        grade_class([entry], out, replace(one, backend="auto"), workers=1, resume=True)
    assert "the backend changed" in str(refused.value), str(refused.value)
    grade_class([entry], out, both, workers=1)
    (entry / "distributions.py").write_text(_solution() + "\n# fixed after the regrade request\n")
    with pytest.raises(TargetError, match="next_token") as refused:  # graded again for temperature alone: dropped
        grade_class([entry], out, one, workers=1, resume=True)
    assert "its code, the grader or the backend changed" in str(refused.value), str(refused.value)
    fixed = grade_class([entry], out, both, workers=1, resume=True)
    assert fixed.graded == ["carol"] and "its code" in fixed.changed.get("carol", ""), (
        f"--resume after carol's code changed: graded {fixed.graded}, skipped {fixed.skipped}, changed "
        f"{fixed.changed}; expected carol graded again because her code changed")
    monkeypatch.setattr(driver, "_grading_digest", lambda: "the grader after a git pull")
    pulled = grade_class([entry], out, both, workers=1, resume=True)
    assert pulled.graded == ["carol"] and pulled.changed.get("carol", "").startswith("the grader"), (
        f"--resume after the grader changed: graded {pulled.graded}, changed {pulled.changed}; expected carol graded again")
    recorded = json.loads((out / "carol" / "results.json").read_text())["extra_data"]["graded_from"]
    assert recorded["grading"] == "the grader after a git pull" and recorded["submission"], recorded


def test_what_a_result_was_graded_from_is_read_without_parsing_an_upload(tmp_path):
    from grading.grader.driver import graded_from

    upload = tmp_path / "carol.zip"
    upload.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip: hashed as bytes, never opened here
    link = tmp_path / "link"
    link.symlink_to(ROOT / "solutions")
    folder = tmp_path / "dave"
    folder.mkdir()
    (folder / "distributions.py").write_text(_solution())
    got = {path.name: graded_from(path)["submission"] for path in (upload, link, folder, tmp_path / "gone")}
    assert got["carol.zip"] and got["dave"] and got["link"] is None and got["gone"] is None, (
        f"graded_from gave {got}; expected digests for the zip and the folder, None for a link and a missing entry")
    (folder / "notes.md").write_text("not an exercise module")
    assert graded_from(folder)["submission"] == got["dave"], "a file the grader does not read changed the digest"


def test_resume_keeps_only_results_that_hold_every_exercise_of_the_run():
    from grading.grader.driver import _already_graded

    def results(backend="tiny", exercises=("temperature",), error=None) -> dict:
        return {"extra_data": {"backend": backend, "grader_error": error, "exercises": dict.fromkeys(exercises, {})}}

    cases = [(results(), {"temperature"}, True), (results(exercises=("temperature", "pieces")), {"pieces"}, True),
             (results(), {"temperature", "pieces"}, False), (results(), {"pieces"}, False),
             (results(backend="mistral"), {"temperature"}, False), (results(error="crashed"), {"temperature"}, False),
             (None, {"temperature"}, False)]
    for data, exercises, expected in cases:
        got = _already_graded(data, "tiny", exercises)
        assert got == expected, f"_already_graded({data}, 'tiny', {sorted(exercises)}) is {got}, expected {expected}"
    same = {"submission": "a1", "grading": "b2"}
    graded = dict(results(), extra_data={**results()["extra_data"], "graded_from": same})
    for source, expected in ((same, True), ({**same, "submission": "a3"}, False), ({**same, "grading": "b4"}, False),
                             ({**same, "submission": None}, False)):
        got = _already_graded(graded, "tiny", {"temperature"}, source)
        assert got == expected, f"_already_graded(graded from {same}, source={source}) is {got}, expected {expected}"
    got = _already_graded(results(), "tiny", {"temperature"}, same)
    assert not got, "results that do not say what graded them were kept by --resume"


def test_untouched_stubs_are_recognised_without_running_them():
    stub = (stubs_folder() / "distributions.py").read_bytes()
    assert untouched_stub(stub, "softmax_with_temperature")
    assert not untouched_stub(_solution().encode(), "softmax_with_temperature")
    rebound = stub + b"\nsoftmax_with_temperature = lambda logits, temperature: logits\n"
    assert not untouched_stub(rebound, "softmax_with_temperature"), "a later rebinding was missed"


NOT_STARTED_PROBE = """
import pathlib

import pytest


@pytest.mark.top_k
def test_of_top_k():
    pathlib.Path(__file__).with_name("top_k.ran").touch()


@pytest.mark.top_p
@pytest.mark.parametrize("case", [1, 2])
def test_of_top_p(case):
    pathlib.Path(__file__).with_name(f"top_p-{case}.ran").touch()
"""


def test_a_not_started_exercises_tests_are_set_aside_unrun_with_the_reason(tmp_path):
    from grading.grader.driver import GradeOptions, Judge, grade_plugin

    (tmp_path / "test_probe.py").write_text(NOT_STARTED_PROBE, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    top_k\n    top_p\n", encoding="utf-8")
    judge = Judge(GradeOptions(backend="tiny"))
    judge.plan = [{"nodeid": "test_probe.py::test_of_top_k", "exercise": "top_k"},
                  *({"nodeid": f"test_probe.py::test_of_top_p[{case}]", "exercise": "top_p"} for case in (1, 2))]
    not_started = {"top_p": lambda: RuntimeError("not started: top_p_mask() still raises NotImplementedError")}
    set_aside = judge.set_aside(not_started)
    expected = {f"test_probe.py::test_of_top_p[{case}]": "not started: top_p_mask() still raises NotImplementedError"
                for case in (1, 2)}
    assert set_aside == expected, f"Judge.set_aside({{'top_p': ...}}) gave {set_aside}, expected {expected}"
    code = pytest.main([str(tmp_path / "test_probe.py"), "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                        "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini")],
                       plugins=[grade_plugin(set_aside)])
    ran = sorted(path.name for path in tmp_path.glob("*.ran"))
    assert int(code) == 0 and ran == ["top_k.ran"], (
        f"with top_p not started, the session exited {int(code)} and ran {ran}; expected 0 and only top_k's test")


def test_a_set_aside_test_is_recorded_not_started_and_a_missing_one_not_graded():
    from grading.grader.driver import GradeOptions, Judge

    judge = Judge(GradeOptions(backend="tiny"))
    planned = [{"nodeid": f"t.py::test_{name}", "name": f"test_{name}", "exercise": "top_p", "points": 2.0,
                "outcome": "not_run", "status": "not_run", "message": "", "duration": 0.0} for name in ("a", "b")]
    judge.plan = planned
    tests = judge._fill([], None, {"t.py::test_a": "not started: top_p_mask() still raises NotImplementedError"})
    found = [(test["name"], str(test["status"]), test["score"], test["max_score"], test["message"]) for test in tests]
    expected = [("test_a", "not_started", 0.0, 2.0, "not started: top_p_mask() still raises NotImplementedError"),
                ("test_b", "error", 0.0, 2.0, "not graded: the test did not run (a grader problem, not yours)")]
    assert found == expected, f"Judge._fill gave {found}, expected {expected}"


def test_a_path_target_is_isolated_unless_marked_trusted(tmp_path):
    from grading.sandbox.grader_side import IsolatedTarget

    (tmp_path / "distributions.py").write_text(_solution())
    assert isinstance(load_target(str(tmp_path)), IsolatedTarget)
    assert isinstance(load_target(f"isolated:{tmp_path}"), IsolatedTarget)
    assert isinstance(load_target(f"trusted:{tmp_path}"), FolderTarget)


# --------------------------------------------------------------------------------------------
# Reports


def _tests(statuses: list[str], exercise: str = "temperature") -> list[dict]:
    return [{"name": f"test_{i}", "exercise": exercise, "score": 1.0 if s == "passed" else 0.0, "max_score": 1.0,
             "status": s, "message": "" if s == "passed" else "<script>alert(1)</script> wrong", "duration": 0.1}
            for i, s in enumerate(statuses)]


def test_results_follow_gradescopes_format_and_record_the_backend():
    results = reports.results_document("alice", _tests(["passed", "wrong"]), {"backend": "tiny", "suites": ["hidden"]})
    assert results["score"] == 1 and results["max_score"] == 2
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
    assert results["extra_data"]["backend"] == "tiny"
    assert [t["status"] for t in results["tests"]] == ["passed", "failed"]
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)


def test_each_tests_share_adds_up_to_the_exercises_points():
    # 12 tests sharing 10 points showed 0.8333 each, 9.9996 in all (Gradescope lists the tests;
    # an instructor's walk-through, session 41, found 110.9995 of 111).
    tests = [{"name": f"test_{i}", "exercise": "top_p", "score": 10 / 12 if i != 3 else 0.0, "max_score": 10 / 12,
              "status": "passed" if i != 3 else "wrong", "message": ""} for i in range(12)]
    results = reports.results_document("alice", tests, {"backend": "tiny", "suites": ["hidden"]})
    shown = [test["max_score"] for test in results["tests"]]
    assert round(sum(shown), 6) == 10, f"the 12 tests' max_score add up to {sum(shown)}, expected 10: {shown}"
    passed = [(test["score"], test["max_score"]) for test in results["tests"] if test["status"] == "passed"]
    assert all(score == share for score, share in passed), (
        f"passed tests showed (score, max_score) {passed}, expected each passed test's score to be its share")


def test_a_summary_never_claims_all_tests_passed_after_public_tests_only():
    public = reports.results_document("a", _tests(["passed", "passed"]), {"backend": "tiny", "suites": ["public"]})
    hidden = reports.results_document("a", _tests(["passed", "passed"]), {"backend": "tiny", "suites": ["hidden"]})
    assert "All" not in public["output"] and "not a grade" in public["output"], public["output"]
    assert "All 2 hidden tests passed" in hidden["output"], hidden["output"]


def test_feedback_is_escaped_and_names_each_exercise_state():
    tests = _tests(["passed", "wrong"]) + _tests(["not_started"], "top_p") + _tests(["passed"], "greedy")
    page = reports.feedback_page(reports.results_document("a", tests, {"backend": "tiny", "suites": ["hidden"]}))
    assert "<script>" not in page and "&lt;script&gt;" in page
    for state in ("failed", "not started", "passed"):
        assert f">{state} ·" in page, f"no exercise shown as {state}"
    assert EXERCISES[[e.key for e in EXERCISES].index("temperature")].hints[0] in page, "the hints are missing"


def test_a_module_that_does_not_import_is_neither_not_started_nor_counted_so():
    broken = [{"name": "test_0", "exercise": "top_p", "score": 0.0, "max_score": 1.0, "status": "not_started",
               "message": "not started: top_p_mask() not found — exercises/nucleus.py fails to import: SyntaxError: "
                          "invalid syntax (line 22)", "duration": 0.1}]
    stub = _tests(["not_started"], "top_p")
    states = []
    for tests in (broken, stub):
        results = reports.results_document("a", tests, {"backend": "tiny", "suites": ["hidden"]})
        states.append(results["extra_data"]["exercises"]["top_p"]["state"])
        page = reports.feedback_page(results)
        assert f">{states[-1]} ·" in page, f"the page does not show the exercise as {states[-1]!r}"
        assert tests is stub or "fails to import: SyntaxError" in page, "the page does not say why the file cannot run"
        summary = next(row for row in reports.class_summary([results]) if row["exercise"] == "top_p")
        counted = (summary["not_started"], summary["not_importing"])
        assert counted == ((0, 1) if tests is broken else (1, 0)), f"class_summary counted {counted} for {states[-1]!r}"
    assert states == ["does not import", "not started"], (
        f"the states of a module failing to import and of a stub were {states}")


def test_marks_and_feedback_are_readable_by_the_grader_alone(tmp_path):
    previous = os.umask(0o022)  # a lab server's usual umask would make them world-readable
    try:
        reports.write_submission(tmp_path, reports.results_document("a", _tests(["passed"]), {"backend": "tiny"}))
        written = [reports.write_gradebook(tmp_path), *sorted((tmp_path / "a").iterdir())]
    finally:
        os.umask(previous)
    modes = {path.name: oct(path.stat().st_mode & 0o777) for path in written}
    assert set(modes.values()) == {"0o600"}, f"modes {modes}, expected 0o600 each (docs/grading.md says so)"


def test_gradebook_has_a_column_per_exercise_in_course_order(tmp_path):
    for name, statuses in (("b", ["passed"]), ("a", ["wrong"])):
        tests = _tests(statuses, "top_p") + _tests(statuses, "temperature")
        reports.write_submission(tmp_path, reports.results_document(name, tests, {"backend": "tiny"}))
    rows = reports.write_gradebook(tmp_path).read_text().splitlines()
    assert rows[0].startswith("submission,temperature,top_p,total"), rows[0]
    assert [row.split(",")[0] for row in rows[1:]] == ["a", "b"]



def test_the_gradebook_names_each_upload_as_text(tmp_path):
    # The handed_in column is the learner's own name for the upload: a spreadsheet must show it, not run it.
    for name, source in (("a", "alice smith.zip"), ("b", '=HYPERLINK("http://x","y")'), ("c", "bob\nsmith")):
        results = reports.results_document(name, _tests(["passed"]), {"backend": "tiny", "source": source})
        reports.write_submission(tmp_path, results)
    rows = {row["submission"]: row["handed_in"] for row in csv.DictReader(io.StringIO(reports.write_gradebook(tmp_path).read_text()))}
    assert rows == {"a": "alice smith.zip", "b": "'=HYPERLINK(\"http://x\",\"y\")", "c": "bob\\nsmith"}, (
        f"grades.csv's handed_in column: {rows}")


# --------------------------------------------------------------------------------------------
# One submission's process, against in-process results


LEARNER = b'''
import torch

def draw(probs, generator):
    return torch.multinomial(probs, 3, replacement=True, generator=generator)

def scale_in_place(values):
    values.mul_(2)
    return None

def forward_twice(model, ids):
    with torch.no_grad():
        first = model(input_ids=ids, use_cache=True)
        second = model(input_ids=ids[:, -1:], cache=first.cache, use_cache=True)
    return second.logits[:, -1, :]

def picky(x):
    class TemperatureError(ValueError):
        pass
    raise TemperatureError("temperature must be > 0")

def leave():
    import sys
    sys.exit(3)

def spin():
    while True:
        pass

def call_back(spy, x):
    return spy(x) + 1

def first_byte(text):
    if text == "bad":
        raise ValueError("cannot take that one")
    return text.encode()[:1]

def one_step(model, ids, generator):
    with torch.no_grad():
        probs = torch.softmax(model(input_ids=ids).logits[:, -1, :].float(), dim=-1)
    return torch.multinomial(probs, 1, generator=generator)

def folder_listing(path):
    import os
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return type(error).__name__
'''


@pytest.fixture(scope="module")
def session():
    from grading.sandbox.grader_side import LearnerServer, Session
    from grading.sandbox.limits import Limits
    from reference.backends import load_backend

    backend = load_backend("tiny")  # held here: its model and tokenizer cross as handles
    server = LearnerServer(["tiny"], limits=Limits(call_seconds=2)).start()
    server.wait_ready()
    session = Session(server, {"distributions": LEARNER}, label="test")
    yield session, backend
    session.close()
    server.close()


@needs_tiny
def test_the_judges_generator_advances_as_if_the_learner_had_used_it(session):
    learner, _ = session
    probs = torch.tensor([[0.2, 0.3, 0.5]])
    mine, theirs = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    expected = torch.multinomial(probs, 3, replacement=True, generator=mine)
    got = learner.call("distributions", "draw", (probs, theirs), {})
    assert torch.equal(got, expected), f"draw gave {got}, expected {expected}"
    assert torch.equal(theirs.get_state(), mine.get_state()), "the grader's generator did not advance"


@needs_tiny
def test_the_expected_values_kept_on_disk_are_out_of_the_learners_sight(session):
    from grading.sandbox.plan import sandbox_plan
    from reference.cache import cache_root

    if sandbox_plan().kind != "bwrap":
        pytest.skip("without bubblewrap the grader keeps no expected values on disk (grading/grader/driver.py _memory_file)")
    learner, _ = session
    folder = cache_root() / "expected"
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f"probe-{os.getpid()}.pt"
    probe.write_bytes(b"answers")
    try:
        seen = learner.call("distributions", "folder_listing", (str(folder),), {})
        beside = learner.call("distributions", "folder_listing", (str(cache_root()),), {})
    finally:
        probe.unlink()
    assert seen == "FileNotFoundError", (
        f"inside the sandbox, listing {folder} gave {seen!r}, expected FileNotFoundError: the file of expected "
        "values decides what a submission must answer, and a learner must not read it")
    assert "expected" not in beside, f"inside the sandbox, {cache_root()} holds {beside!r}; expected no 'expected' folder"


@needs_tiny
def test_an_in_place_change_to_an_argument_is_seen_here(session):
    learner, _ = session
    values = torch.ones(3)
    learner.call("distributions", "scale_in_place", (values,), {})
    assert torch.equal(values, torch.full((3,), 2.0)), f"values are {values} after the learner doubled them"


@needs_tiny
def test_a_watched_models_passes_are_recorded_where_it_runs(session):
    # The model stays the learner's own copy; its passes come back as data (grading.sandbox.observe).
    from reference.bigram import BigramModel

    learner, backend = session
    ids = backend.encode("The capital of Japan is")
    records: list[dict] = []
    learner.observing = (backend.model, records)
    try:
        got = learner.call("distributions", "forward_twice", (backend.model, ids), {})
    finally:
        learner.observing = None
    seen = [(record["positions"], record["cached"], record["grad"]) for record in records]
    expected_passes = [(ids.shape[1], 0, False), (1, ids.shape[1], False)]
    assert seen == expected_passes, f"forward_twice(model, ids) was seen making passes {seen}, expected {expected_passes}"
    with torch.no_grad():
        first = backend.model(input_ids=ids, use_cache=True)
        expected = backend.model(input_ids=ids[:, -1:], cache=first.cache, use_cache=True).logits[:, -1]
    torch.testing.assert_close(got, expected)
    # A toy model the test built and passes as an argument: watched as that argument, there.
    toy, records = BigramModel(torch.zeros(4, 4)), []
    learner.observing = (toy, records)
    try:
        learner.call("distributions", "one_step", (toy, torch.tensor([[1, 2]]), torch.Generator().manual_seed(0)), {})
    finally:
        learner.observing = None
    seen = [(record["positions"], record["grad"]) for record in records]
    assert seen == [(2, False)], f"one_step(toy, ids of 2, generator) was seen making passes {seen}, expected [(2, False)]"


@needs_tiny
def test_an_object_of_the_tests_own_does_not_cross(session):
    # Nothing of the grader's process is handed to the learner's code to call back into: the
    # author of a test that tries is told what may cross, and the learner's process never runs.
    from grading.sandbox.grader_side import CannotCross

    learner, _ = session

    class Spy:
        def __call__(self, x):
            return x * 10

    with pytest.raises(CannotCross) as raised:
        learner.call("distributions", "call_back", (Spy(), 4), {})
    message = str(raised.value)
    for words in ("Spy", "plain data", "observing_forward_passes"):
        assert words in message, f"calling with a Spy raised {message!r}, expected it to mention {words!r}"
    with pytest.raises(CannotCross):
        learner.call("distributions", "call_back", (lambda x: x * 10, 4), {})
    got = learner.call("distributions", "first_byte", ("ok",), {})
    assert got == b"o", f"first_byte('ok') after the refusals gave {got!r}, expected b'o'"


@needs_tiny
def test_a_batch_of_calls_is_one_request_with_the_results_in_order(session):
    learner, _ = session
    texts = [f"word {i}" for i in range(500)] + ["日本"]
    got = learner.call_each("distributions", "first_byte", [(text,) for text in texts])
    expected = [text.encode()[:1] for text in texts]
    assert got == expected, f"call_each gave {got[:3]}... expected {expected[:3]}..."
    learner.begin_test()
    with pytest.raises(ValueError) as raised:
        learner.call_each("distributions", "first_byte", [("ok",), ("bad",), ("never",)])
    assert raised.value.decodelab_feedback.startswith("first_byte('bad'): your code raised ValueError"), \
        f"the feedback should name the input that failed, got {raised.value.decodelab_feedback!r}"


@needs_tiny
def test_repeated_calls_share_one_generator_and_a_toy_model_by_value(session):
    from reference.bigram import BigramModel

    learner, _ = session
    table = torch.randn(6, 6, generator=torch.Generator().manual_seed(1))
    model, ids = BigramModel(table), torch.tensor([[2, 4]])
    mine, theirs = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    probs = torch.softmax(table[4], dim=-1).unsqueeze(0)
    expected = [torch.multinomial(probs, 1, generator=mine) for _ in range(50)]
    got = learner.call("distributions", "one_step", (model, ids, theirs), {}, times=50)
    assert [int(t) for t in got] == [int(t) for t in expected], \
        f"50 draws with one generator gave {[int(t) for t in got][:8]}..., expected {[int(t) for t in expected][:8]}..."
    assert torch.equal(theirs.get_state(), mine.get_state()), "the generator did not come back advanced by 50 draws"


def test_the_toy_model_travels_as_its_table():
    from reference.bigram import BigramModel

    model = BigramModel(torch.arange(16.0).view(4, 4), logits_dtype=torch.bfloat16)
    back = wire.loads(wire.dumps(model))
    assert isinstance(back, BigramModel) and back.dtype == torch.bfloat16 and torch.equal(back.table, model.table), \
        f"loads(dumps(BigramModel)) gave {back!r}"
    assert back.cache_salt is None and back.sampling_defaults == {}, "a plain toy came back with a salt or defaults"
    with_defaults = BigramModel(torch.zeros(3, 3), sampling_defaults={"top_p": 0.9})
    back = wire.loads(wire.dumps(with_defaults))
    assert back.sampling_defaults == {"top_p": 0.9}, f"sampling_defaults came back as {back.sampling_defaults}"
    # The end-of-sequence token its config names crosses too: a test that gives one, to show that a
    # loop reads none, checked nothing in a sandbox while the learner's copy named none.
    back = wire.loads(wire.dumps(BigramModel(torch.zeros(3, 3), config_eos_token_id=2)))
    assert back.config.eos_token_id == 2, f"config_eos_token_id=2 came back as config.eos_token_id={back.config.eos_token_id}"


@needs_tiny
def test_learner_errors_arrive_as_their_builtin_class_with_feedback(session):
    learner, _ = session
    with pytest.raises(ValueError, match="temperature must be > 0") as raised:
        learner.call("distributions", "picky", (1,), {})
    assert "exercises/distributions.py" in raised.value.decodelab_feedback
    from grading.sandbox.grader_side import LearnerFailure

    with pytest.raises(Exception, match=r"sys.exit\(3\)"):
        learner.call("distributions", "leave", (), {})
    learner.begin_test()
    with pytest.raises(LearnerFailure, match="time limit"):
        learner.call("distributions", "spin", (), {})
    learner.begin_test()
    assert learner.call("distributions", "scale_in_place", (torch.ones(1),), {}) is None, \
        "a fresh process should serve calls after a time-out"


# --------------------------------------------------------------------------------------------
# decodelab grade


def _class(base: Path) -> list[Path]:
    (base / "honest").mkdir(parents=True)
    (base / "honest" / "distributions.py").write_text(_solution())
    (base / "stub" / "exercises").mkdir(parents=True)
    shutil.copy(stubs_folder() / "distributions.py", base / "stub" / "exercises" / "distributions.py")
    noisy = _solution() + '''

import sys as _sys
import warnings as _warnings
_quiet_softmax = softmax_with_temperature


def softmax_with_temperature(logits, temperature):
    _warnings.warn("a harmless warning", DeprecationWarning)
    _warnings.warn("another one", UserWarning)
    print("debug output", file=_sys.stderr)
    return _quiet_softmax(logits, temperature)
'''
    with zipfile.ZipFile(base / "noisy.zip", "w") as archive:
        archive.writestr("noisy/distributions.py", noisy)
    return [base / "honest", base / "stub", base / "noisy.zip"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grading.grader.driver import GradeOptions, grade_class

    base = tmp_path_factory.mktemp("grade")
    submissions = _class(base / "class")
    options = GradeOptions(backend="tiny", exercises=("temperature",))
    cache = cache_with_tokenizers_only(base / "cache")  # so the first run computes them
    before = os.environ.get("DECODELAB_CACHE")
    os.environ["DECODELAB_CACHE"] = str(cache)
    try:
        first = grade_class(submissions, base / "out", options, workers=2)
        after_first = {path.name: path.stat().st_ino for path in (cache / "expected").glob("*.pt")}
        stamp = {p: p.stat().st_mtime_ns for p in (base / "out").glob("*/results.json")}
        events: list[str] = []
        resumed = grade_class(submissions, base / "out", options, workers=2, resume=True,
                              progress=lambda event, name: events.append(event))
        again = grade_class(submissions, base / "again", options, workers=1)
    finally:
        if before is None:
            os.environ.pop("DECODELAB_CACHE", None)
        else:
            os.environ["DECODELAB_CACHE"] = before
    return {"first": first, "resumed": resumed, "again": again, "out": base / "out", "stamp": stamp, "cache": cache,
            "after_first": after_first, "resumed_events": events}


@needs_tiny
def test_grade_scores_a_class_and_writes_the_gradebook(graded):
    scores = {name: results["score"] for name, results in graded["first"].results.items()}
    assert scores == {"honest": 10, "stub": 0, "noisy": 10}, scores
    stub = graded["first"].results["stub"]
    assert all("not started" in t["output"] for t in stub["tests"]), stub["tests"][0]["output"]
    rows = (graded["out"] / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("submission,temperature,total") and len(rows) == 4, rows


@needs_tiny
def test_warnings_and_printed_output_of_correct_code_cost_nothing(graded):
    noisy = graded["first"].results["noisy"]
    assert noisy["score"] == noisy["max_score"], [t["output"] for t in noisy["tests"] if t["output"]][:2]


@needs_tiny
def test_resume_skips_what_was_graded_and_keeps_it(graded):
    assert sorted(graded["resumed"].skipped) == ["honest", "noisy", "stub"] and not graded["resumed"].graded
    for path, stamp in graded["stamp"].items():
        assert path.stat().st_mtime_ns == stamp, f"{path} was rewritten by --resume"
    # With nothing left to grade, no judge starts (each took seconds to load the model).
    resumed = graded["resumed"]
    assert resumed.workers == 0 and resumed.startup_seconds == 0, (
        f"--resume with every submission graded started {resumed.workers} judge(s) "
        f"({resumed.startup_seconds:.1f} s to start); progress events: {graded['resumed_events']}")
    scores = {name: results["score"] for name, results in graded["resumed"].results.items()}
    assert scores == {"honest": 10, "stub": 0, "noisy": 10}, f"--resume kept the scores {scores}"
    recorded = {results["extra_data"]["sandbox"] for results in graded["first"].results.values()}
    assert resumed.backend == "tiny" and resumed.sandbox in recorded, (
        f"--resume reported backend {resumed.backend!r} and sandbox {resumed.sandbox!r}, expected the first "
        f"run's tiny and one of the sandboxes its results record: {recorded}")


@needs_tiny
def test_a_second_run_reads_the_expected_values_the_first_computed(graded):
    first, again = graded["first"].priming, graded["again"].priming
    # The cache was empty before the first run (cache_with_tokenizers_only), so whatever it read
    # was computed in that run: its two workers race, and the slower may read the faster's file.
    assert first.get("requested") and not first.get("error") and first.get("expected_values", 0) > 0, (
        f"the first run's priming was {first}, expected values computed (requested, no error, more than 0)")
    kept = list((graded["cache"] / "expected").glob("*.pt"))
    assert len(kept) == 1, f"the cache holds {kept}, expected the one file the first run wrote"
    # The cache was empty before the first run: the file there after it is the first run's, and
    # the later runs read it without writing it again (os.replace would give it a new inode).
    now = {path.name: path.stat().st_ino for path in kept}
    assert graded["after_first"] == now, (
        f"the cache held {graded['after_first']} (name: inode) after the first run and {now} at the end, "
        "expected the one file the first run wrote, unchanged")
    assert again.get("from_disk") and again.get("expected_values") == first["expected_values"] and not again.get("error"), (
        f"the second run's priming was {again}, expected the first run's {first['expected_values']} values read from disk")


@needs_tiny
def test_one_worker_primes_and_the_others_grade_meanwhile(graded):
    # Two workers, a cold cache: slot 0 primes, the other starts grading at once, without
    # waiting for it, and says so in the results.json of what it graded (from_peer).
    class_priming = graded["first"].priming
    assert not class_priming.get("from_peer"), (
        f"the class's priming was {class_priming}; expected the priming worker's own word, not a peer's")
    used = {name: results["extra_data"]["priming"] for name, results in graded["first"].results.items()}
    borrowed = {name: priming for name, priming in used.items() if priming.get("from_peer")}
    assert borrowed, f"no submission was graded by a worker that took its values from the priming one: {used}"
    assert all(priming.get("requested") and not priming.get("error") for priming in borrowed.values()), (
        f"the worker that did not prime reported {borrowed}; expected requested and no error")


def _running_total(values: torch.Tensor) -> torch.Tensor:
    return torch.cumsum(values, 0)


def test_a_worker_takes_the_peers_expected_values_once_their_file_is_there(tmp_path):
    import random

    import numpy

    from grading.grader import expected
    from grading.grader.driver import GradeOptions, Judge

    judge = Judge(GradeOptions(backend="tiny", prime_from_peer=True))
    judge.ready = {"priming": {"requested": True, "expected_values": 0, "from_disk": False, "from_peer": True}}
    judge.awaited_memory = tmp_path / "primed.pt"
    states = (torch.random.get_rng_state(), random.getstate(), numpy.random.get_state())
    try:
        judge._take_peer_priming()
        assert judge.awaited_memory is not None and judge.ready["priming"]["expected_values"] == 0, (
            f"with no file yet the judge server reported {judge.ready['priming']}; expected it still waiting with 0 values")
        expected.forget()
        expected.remember(_running_total)(torch.arange(100.0))  # one remembered answer to write
        expected.save(tmp_path / "primed.pt")
        expected.forget()
        judge._take_peer_priming()
        assert judge.awaited_memory is None and judge.ready["priming"]["expected_values"] == 1, (
            f"once the peer's file was there the judge server reported {judge.ready['priming']}; "
            "expected the file's one answer taken")
    finally:
        expected.forget()
        torch.random.set_rng_state(states[0])
        random.setstate(states[1])
        numpy.random.set_state(states[2])


@needs_tiny
def test_grading_twice_gives_the_same_tests_in_the_same_order(graded):
    for name in ("honest", "stub", "noisy"):
        first = [(t["name"], t["score"]) for t in graded["first"].results[name]["tests"]]
        again = [(t["name"], t["score"]) for t in graded["again"].results[name]["tests"]]
        assert first == again, f"{name}: the second run differs"


def test_grade_rejects_bad_arguments_with_one_sentence(tmp_path, capsys):
    from decodelab.cli import main

    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    for argument in (tmp_path / "missing", tmp_path / "notes.txt", tmp_path / "empty"):
        assert main(["grade", str(argument), "--out", str(tmp_path / "out")]) == 2
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and error[0].startswith("decodelab grade: "), error
    assert main(["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--exercises", "nope"]) == 2


@needs_tiny
def test_results_are_written_even_when_a_grading_worker_dies(tmp_path):
    """Kill the judge server while it grades: that submission's results.json says the grader
    broke (every test there, scored 0 as not graded), and the next submission is graded."""
    import signal
    import threading

    from grading.grader.driver import GradeOptions, grade_class

    for name in ("a_first", "b_second"):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "distributions.py").write_text(_solution())
    killed = []

    def kill_the_judge(event: str, name: str) -> None:
        if event == "start" and name == "a_first":
            def later() -> None:
                for entry in os.listdir("/proc"):
                    try:
                        command = Path(f"/proc/{entry}/cmdline").read_bytes()
                    except OSError:
                        continue
                    if b"grading.grader.driver\x00serve" in command:
                        status = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                        if int(status[1]) == os.getpid():
                            os.kill(int(entry), signal.SIGKILL)
                            killed.append(int(entry))
            threading.Timer(0.2, later).start()

    outcome = grade_class([tmp_path / "class"], tmp_path / "out", GradeOptions(backend="tiny", exercises=("temperature",)),
                          workers=1, progress=kill_the_judge)
    assert killed, "the test could not find the judge server to kill"
    broken = reports.read_results(tmp_path / "out" / "a_first" / "results.json")
    assert broken is not None and broken["extra_data"]["grader_error"], "no results.json saying the grader broke"
    assert broken["tests"] and all(t["score"] == 0 for t in broken["tests"]), "the planned tests are missing"
    assert outcome.failed == ["a_first"] and outcome.results["b_second"]["score"] == 10, \
        f"failed {outcome.failed}; b_second scored {outcome.results['b_second']['score']}"


PRIMING_BREAKS = '''
import pytest
from grading.grader.driver import GradeOptions, Judge

real_main = pytest.main


def main_that_breaks_on_solutions(args, plugins=None):
    if "solutions" in args:  # the priming run: it must not stop the grader
        raise RuntimeError("priming broke")
    return real_main(args, plugins=plugins)


pytest.main = main_that_breaks_on_solutions
judge = Judge(GradeOptions(backend="tiny", prime=True, exercises=("temperature",)))
ready = judge.warm_up()
graded = judge.grade({"path": "solutions"})
print("RESULT", ready["ready"], ready["priming"]["expected_values"], sum(t["score"] for t in graded["tests"]),
      sum(t["max_score"] for t in graded["tests"]))
print("PRIMING_ERROR", ready["priming"]["error"])
judge.close()
'''


@needs_tiny
def test_a_priming_run_that_breaks_only_costs_time(tmp_path):
    # Priming (the suites run once on solutions/ so that expected values are computed once per
    # worker) is an optimisation: if it breaks, the judge still starts and grades in full.
    import subprocess
    import sys

    cache = cache_with_tokenizers_only(tmp_path / "cache")  # else priming may read an earlier run's file
    done = subprocess.run([sys.executable, "-c", PRIMING_BREAKS], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env=dict(os.environ, DECODELAB_CACHE=str(cache)))
    result = next((line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT")), None)
    assert result is not None, f"the judge did not get through:\n{done.stdout[-1500:]}\n{done.stderr[-2500:]}"
    ready, remembered, score, max_score = result
    assert ready == "True" and remembered == "0", f"ready={ready}, remembered values={remembered}"
    assert float(score) == float(max_score) > 0, f"solutions scored {score}/{max_score} after a broken priming"
    assert "priming the expected values stopped (RuntimeError: priming broke)" in done.stderr, \
        f"the judge's log should say priming stopped; it ends: {done.stderr[-800:]}"
    assert "PRIMING_ERROR RuntimeError: priming broke" in done.stdout, (
        f"the judge's ready message should carry why priming fell short; it printed: {done.stdout[-800:]}")
