"""`decodelab check` and `decodelab grade` read the same file of a submission, in every layout the
docs allow (issue 10, item 4): one precedence, :func:`grading.harness.target.find_module_file`."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from decodelab.commands.check import module_file, target_folder
from grading.harness.submission import read_submission

MODULE = "nucleus"
TOP, NESTED = b"# the file at the top\n", b"# the file in exercises/\n"


def _folder_top(base: Path) -> Path:
    (base / "s").mkdir(parents=True)
    (base / "s" / f"{MODULE}.py").write_bytes(TOP)
    return base / "s"


def _folder_nested(base: Path) -> Path:
    (base / "s" / "exercises").mkdir(parents=True)
    (base / "s" / "exercises" / f"{MODULE}.py").write_bytes(NESTED)
    return base / "s"


def _folder_both(base: Path) -> Path:
    folder = _folder_nested(base)
    (folder / f"{MODULE}.py").write_bytes(TOP)
    return folder


def _wrapped(base: Path) -> Path:
    (base / "s" / "my-work").mkdir(parents=True)
    (base / "s" / "my-work" / f"{MODULE}.py").write_bytes(TOP)
    return base / "s"


def _zip_of(make) -> callable:
    def build(base: Path) -> Path:
        folder = make(base / "src")
        archive = base / "s.zip"
        with zipfile.ZipFile(archive, "w") as packed:
            for path in sorted(folder.rglob("*.py")):
                packed.write(path, path.relative_to(folder))
        return archive
    return build


LAYOUTS = {
    "module at the top": (_folder_top, TOP),
    "module in exercises/": (_folder_nested, NESTED),
    "both: exercises/ wins": (_folder_both, NESTED),
    "one wrapping folder": (_wrapped, TOP),
    "zip, module at the top": (_zip_of(_folder_top), TOP),
    "zip, both: exercises/ wins": (_zip_of(_folder_both), NESTED),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_check_and_grade_read_the_same_file(tmp_path, layout):
    make, expected = LAYOUTS[layout]
    path = make(tmp_path)
    graded = read_submission(path).sources.get(MODULE)
    folder = target_folder(str(path))
    if layout == "one wrapping folder":
        folder = next(p for p in folder.iterdir() if p.is_dir())  # check is pointed at the folder holding the modules
    found = module_file(folder, MODULE)
    checked = found.read_bytes() if found is not None else None
    assert graded == expected, f"read_submission({layout}) read {graded!r} for {MODULE}.py, expected {expected!r}"
    assert checked == graded, (
        f"{layout}: decodelab check reads {checked!r} ({found}), decodelab grade reads {graded!r}; expected the same file")


@pytest.mark.parametrize("layout", ["both: exercises/ wins", "zip, both: exercises/ wins"])
def test_the_copy_left_ungraded_is_named_in_a_note(tmp_path, layout):
    make, _ = LAYOUTS[layout]
    submission = read_submission(make(tmp_path))
    notes = [note for note in submission.notes if "both here and differ" in note]
    assert len(notes) == 1 and f"exercises/{MODULE}.py was graded" in notes[0], (
        f"read_submission on '{layout}' gave the notes {submission.notes}; expected one saying that "
        f"exercises/{MODULE}.py was graded and {MODULE}.py beside it was not")


@pytest.mark.parametrize("layout", ["module in exercises/", "zip, module at the top"])
def test_no_note_where_there_is_one_copy(tmp_path, layout):
    make, _ = LAYOUTS[layout]
    submission = read_submission(make(tmp_path))
    assert not submission.notes, f"read_submission on '{layout}' gave the notes {submission.notes}, expected none"


def test_no_note_where_both_copies_are_the_same(tmp_path):
    folder = _folder_nested(tmp_path)
    (folder / f"{MODULE}.py").write_bytes(NESTED)
    submission = read_submission(folder)
    assert not submission.notes, f"two identical copies gave the notes {submission.notes}, expected none"
