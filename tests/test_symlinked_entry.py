"""A class entry that is a symbolic link (to solutions/, say) is refused with a note, not graded
as what it points to (issue 10, item 3)."""
from __future__ import annotations

from pathlib import Path

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits
from tests.test_hostile import _copy_solutions

ROOT = Path(__file__).resolve().parents[1]


def test_a_symlinked_class_entry_is_refused_with_a_note(tmp_path):
    honest = tmp_path / "class" / "honest"
    _copy_solutions(honest)
    (tmp_path / "class" / "linked").symlink_to(ROOT / "solutions", target_is_directory=True)
    options = GradeOptions(backend="tiny", exercises=("temperature",), limits=Limits(submission_seconds=120))
    outcome = grade_class([honest, tmp_path / "class" / "linked"], tmp_path / "out", options, workers=1)
    linked, fair = outcome.results["linked"], outcome.results["honest"]
    assert linked["score"] == 0, f"the symlinked entry scored {linked['score']}/{linked['max_score']}, expected 0 (refused)"
    notes = " ".join(linked["extra_data"]["notes"])
    assert "symbolic link" in notes, f"the symlinked entry's notes are {notes!r}, expected them to say it is a symbolic link"
    assert fair["score"] == fair["max_score"] > 0, f"the honest entry scored {fair['score']}/{fair['max_score']}"
    assert "linked" not in outcome.failed, "a refused entry is the learner's doing, not a grader failure"
