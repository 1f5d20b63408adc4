"""Submissions as the grader sees them: a name and the source of each exercise module.

A submission is a folder or a ``.zip`` holding the learner's copies of the exercise modules,
under ``exercises/`` or at its top level (a zip that wraps everything in one folder is fine).
Only the catalogue's module files are read, at most :data:`MAX_MODULE_BYTES` each; a symbolic
link is never followed (it could point at ``solutions/``). The grader reads the files and sends
their text to the sandbox: the sandbox itself never sees the submission's folder.

A *class* is a folder whose entries are submissions (``decodelab grade submissions/``), or the
shell's expansion of one (``decodelab grade submissions/*``).
"""
from __future__ import annotations

import ast
import os
import re
import stat
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grading.harness.catalogue import modules
from grading.harness.target import TargetError, find_module_file

MAX_MODULE_BYTES = 1_000_000


@dataclass
class Submission:
    """What the grader needs of one submission."""

    name: str
    path: Path
    sources: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# Letters that draw nothing (the Hangul fillers, the braille blank): a name of them reads as blank.
BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800"


def one_width(text: str) -> str:
    """``text`` in NFC with its full- and half-width forms made plain (``Ｃｈｅｎ`` is ``Chen``,
    ``ｱｲｺ`` is ``アイコ``, the ideographic space a space): what a Japanese keyboard types in either
    width, so that a name in two widths is one name, not two rows that read alike."""
    plain = "".join(unicodedata.normalize("NFKC", ch) if unicodedata.decomposition(ch).startswith(("<wide>", "<narrow>"))
                    else ch for ch in text)
    return unicodedata.normalize("NFC", plain)  # ﾊﾟ: two half-width forms, one letter パ


def printable(text: str, limit: int = 200) -> str:
    """``text`` (a name the learner chose: a folder, a zip member) safe to show on one line:
    control, format and separator characters (a newline, a right-to-left override) escaped."""
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _raw_name(path: Path) -> str:
    """The folder name, or the zip's name without ``.zip``, as the class has it."""
    return path.stem if path.is_file() else Path(os.path.abspath(path)).name  # a link keeps its own name


def submission_name(path: Path) -> str:
    """The folder name, or the zip's name without ``.zip``; safe as a folder name."""
    return _safe_name(one_width(_raw_name(path)))


def _safe_name(raw: str) -> str:
    # \w keeps letters of every script; letters that draw nothing (a name of them reads as blank
    # in a gradebook) go too.
    name = re.sub(rf"[^\w.\-@+]|[{BLANK_LETTERS}]", "_", raw).lstrip(".") or "submission"
    if name[0] in "+-@" or name.lower() == "grades.csv":  # a spreadsheet formula; the gradebook's name
        name = "_" + name
    return name[:120]


def _module_files(folder: Path) -> dict[str, Path]:
    found = {}
    for module in modules():
        path = find_module_file(folder, module)
        if path is not None:
            found[module] = path
    return found


def _read_folder(path: Path, submission: Submission) -> None:
    folder = path
    files = _module_files(folder)
    if not files:  # one wrapping folder, as unzipped archives often have
        entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
            folder = entries[0]
            files = _module_files(folder)
    root = path.resolve()
    for module, file in files.items():
        relative = file.relative_to(folder)
        if file.is_symlink() or (file.parent != folder and file.parent.is_symlink()):
            submission.notes.append(f"{relative} is a symbolic link: ignored (submit the file itself)")
            continue
        real = file.resolve()
        if root not in real.parents:
            submission.notes.append(f"{relative} lies outside the submission: ignored")
            continue
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            submission.notes.append(f"{relative} is not a regular file: ignored")
            continue
        if info.st_size > MAX_MODULE_BYTES:
            submission.notes.append(f"{relative} is larger than {MAX_MODULE_BYTES:,} bytes: ignored")
            continue
        submission.sources[module] = file.read_bytes()
        _note_the_other_copy(folder / f"{module}.py", relative, submission)


def _note_the_other_copy(other: Path, graded: Path, submission: Submission) -> None:
    """Say so when a second, different ``<module>.py`` beside ``exercises/`` was not graded: a
    learner who finished the top-level copy and left the stub in ``exercises/`` must not read a
    zero without knowing which file it is for."""
    if graded.parent == Path("exercises") and other.is_file() and not other.is_symlink():
        try:
            differs = other.stat().st_size > MAX_MODULE_BYTES or other.read_bytes() != submission.sources[other.stem]
        except OSError:
            return
        if differs:
            submission.notes.append(_both_copies_note(str(graded), other.name))


def _both_copies_note(graded: str, other: str) -> str:
    """The note for a module in ``exercises/`` (graded) and beside it (not), the two different."""
    return (f"{graded} and {other} are both here and differ: {graded} was graded (exercises/ comes first); "
            "remove the one you do not mean")


def _read_zip(path: Path, submission: Submission) -> bool:
    """Read the exercise modules of the zip at ``path`` into ``submission``; False, with a note,
    when it cannot be opened at all."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # noqa: BLE001 (BadZipFile; a member name flagged UTF-8 that is not: UnicodeDecodeError)
        # The upload's fault, graded 0 with a note like a zip cut short, never the grader's failure.
        submission.notes.append(f"{printable(path.name)} is not a readable .zip file ({type(error).__name__}: "
                                f"{printable(str(error))}): nothing in it could be graded; hand it in again")
        return False
    with archive:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.is_absolute() or ".." in name.parts or "__MACOSX" in name.parts:
                continue
            members[str(name)] = info
        tops = {PurePosixPath(n).parts[0] for n in members if len(PurePosixPath(n).parts) > 1}
        for module in modules():
            candidates = [f"exercises/{module}.py", f"{module}.py"]
            candidates += [f"{top}/exercises/{module}.py" for top in sorted(tops)] + [f"{top}/{module}.py" for top in sorted(tops)]
            for candidate in candidates:
                info = members.get(candidate)
                if info is None:
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    submission.notes.append(f"{printable(candidate)} is a symbolic link: ignored")
                    break
                if info.file_size > MAX_MODULE_BYTES:
                    submission.notes.append(f"{printable(candidate)} is larger than {MAX_MODULE_BYTES:,} bytes: ignored")
                    break
                try:
                    with archive.open(info) as handle:
                        submission.sources[module] = handle.read(MAX_MODULE_BYTES + 1)[:MAX_MODULE_BYTES]
                except Exception as error:  # a damaged, encrypted or oddly compressed member: the zip's fault
                    submission.notes.append(f"{printable(candidate)} could not be read from the zip "
                                            f"({type(error).__name__}: {printable(str(error))}): ignored")
                    break
                other = members.get(candidate.removesuffix(f"exercises/{module}.py") + f"{module}.py")
                if candidate.endswith(f"exercises/{module}.py") and other is not None:
                    try:
                        with archive.open(other) as handle:
                            differs = handle.read(MAX_MODULE_BYTES + 1) != submission.sources[module]
                    except Exception:
                        differs = True
                    if differs:
                        submission.notes.append(_both_copies_note(printable(candidate), printable(other.filename)))
                break
    return True


def read_submission(path: Path | str) -> Submission:
    """The submission at ``path``; raises :class:`TargetError` for a path that is not one."""
    path = Path(path)
    if not path.exists():
        raise TargetError(f"no such submission: {path}")
    submission = Submission(submission_name(path), path)
    if path.is_dir():
        _read_folder(path, submission)
    elif zipfile.is_zipfile(path):
        if not _read_zip(path, submission):
            return submission
    elif path.is_file() and path.suffix.lower() == ".zip":
        submission.notes.append(f"{printable(path.name)} is not a readable .zip file (cut short, or not a zip at "
                                "all): nothing in it could be graded; hand it in again")
        return submission
    else:
        raise TargetError(f"{path} is neither a folder nor a .zip file")
    if not submission.sources:
        names = ", ".join(f"{module}.py" for module in modules())
        submission.notes.append(f"no exercise modules found: hand in your copies of {names} (at the top of the "
                                "upload or under exercises/), each under its own name")
    return submission


def _holds_modules(folder: Path) -> bool:
    if _module_files(folder):
        return True
    return any(folder.glob("*.py")) or any((folder / "exercises").glob("*.py"))


def _is_upload(path: Path) -> bool:
    """A learner's upload inside a class folder or among several paths: a folder, or a file named
    ``.zip`` (a damaged one too: it is graded 0 with a note, not dropped from the gradebook)."""
    return path.is_dir() or (path.is_file() and (zipfile.is_zipfile(path) or path.suffix.lower() == ".zip"))


def _left_aside(path: Path) -> bool:
    """What a class folder never grades: hidden entries and ``__MACOSX``-like folders."""
    return path.name.startswith((".", "__"))


def expand(paths: list[str | Path], strays: list[Path] | None = None) -> list[Path]:
    """The submissions named on a command line: each path, or each entry of a class folder.

    Raises :class:`TargetError` for a path that does not exist, a lone file that is not a zip,
    or an empty class. A file that is neither a folder nor a ``.zip`` is skipped and appended to
    ``strays``, and a hidden or ``__``-named entry is left aside, alike in a class folder
    (``class/notes.txt``, ``class/__MACOSX``) and among several paths (the shell's ``class/*``).
    Two entries whose names become the same once made safe (``alice smith.zip`` and
    ``alice_smith/``) are both graded, under the names :func:`class_names` gives them.
    """
    if not paths:
        raise TargetError("name at least one submission (a folder or a .zip), or a class folder")
    strays = [] if strays is None else strays
    several = len(paths) > 1
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if several and _left_aside(path):
            continue
        if not path.exists() and not (several and path.is_symlink()):
            raise TargetError(f"no such submission: {path}")
        if not path.is_dir():
            if (path.is_file() and zipfile.is_zipfile(path)) or (several and _is_upload(path)):  # never open a pipe
                found.append(path)
            elif several:
                strays.append(path)  # a file that is no upload, a link to nothing, a pipe
            elif path.suffix.lower() == ".zip":
                raise TargetError(f"{path} is not a readable .zip file (cut short, or not a zip at all)")
            else:
                raise TargetError(f"{path} is neither a folder nor a .zip file")
            continue
        if _holds_modules(path):
            found.append(path)
            continue
        visible = sorted(p for p in path.iterdir() if not _left_aside(p))
        entries = [p for p in visible if _is_upload(p)]
        if entries:
            strays.extend(p for p in visible if p not in entries)
            found.extend(entries)  # a class folder
        elif several:
            found.append(path)  # an empty submission among others: it scores 0
        else:
            raise TargetError(f"{path} is an empty class: it holds no submissions (folders or .zip files) "
                              "and no exercise modules")
    if not found:
        raise TargetError(f"no submissions among {', '.join(map(str, paths))}: each is neither a folder nor a .zip file")
    unique: dict[Path, Path] = {}
    for path in found:  # the same submission named twice (a class folder and one of its entries)
        unique.setdefault(Path(os.path.abspath(path)), path)
    names = class_names(list(unique.values()))
    return sorted(unique.values(), key=lambda path: names[path])


def entry_name(path: Path) -> str:
    """The submission's own name as the class has it (``alice smith.zip``, ``alice_smith``): what
    ``results.json`` records as its ``source``, so a later run into the same folder knows it."""
    return Path(os.path.abspath(path)).name


def class_names(paths: list[Path], earlier: Mapping[str, str | None] | None = None) -> dict[Path, str]:
    """Each submission's name in the output folder and the gradebook: :func:`submission_name`,
    and where two become the same (``alice smith.zip`` and ``alice_smith/``), ``~2``, ``~3``…
    for the others. An entry whose name needed no change keeps it (a student cannot take a
    classmate's row by naming an upload after them), then the order of the paths decides. Nor
    can a student stop a class from being graded that way.

    ``earlier``: the names an earlier run already gave in the output folder, with the
    :func:`entry_name` each was given to (None where an older grader did not record it). A name
    given to another entry is taken too: a late ``alice smith`` must neither replace the
    ``alice_smith`` graded last week nor, with ``--resume``, be skipped as graded. An entry
    graded before :func:`one_width` under the name the rule gave it then keeps that name
    (``Ｃｈｅｎ``, not ``Chen``): a second row for it would look like two students."""
    earlier = earlier or {}
    held = {name.lower(): source for name, source in earlier.items()}
    given_to = Counter(source for source in earlier.values() if source is not None)
    given = {source: name for name, source in earlier.items() if source is not None and given_to[source] == 1}

    def kept_name(path: Path) -> str | None:
        # Only the name the rule before one_width gave it (or its ~N): any other folder that
        # records this entry (a copy an instructor renamed) is someone else's to keep.
        kept = given.get(entry_name(path))
        if kept is not None and re.sub(r"~\d+$", "", kept) == _safe_name(_raw_name(path)) != submission_name(path):
            return kept
        return None

    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path in sorted(paths, key=lambda path: (kept_name(path) is None, submission_name(path) != _raw_name(path),
                                                str(path))):
        base, own, kept = submission_name(path), entry_name(path), kept_name(path)
        if kept is not None and kept.lower() not in taken:
            names[path] = kept
            taken.add(kept.lower())
            continue
        name, number = base, 1
        # folders differing only in case clash on some file systems
        while name.lower() in taken or held.get(name.lower(), own) not in (None, own):
            number += 1
            name = f"{base[:115]}~{number}"
        taken.add(name.lower())
        names[path] = name
    return names


def parse_module(text: str) -> ast.Module | None:
    """``text`` parsed, or None where the parser gives up: a syntax error, a null byte, or
    nesting so deep that it runs out of stack (a 200 kB expression raises RecursionError).
    Learner code is read this way, never trusted to parse: its tests report what is wrong."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def is_untouched_stub(source: str, function: str) -> bool:
    """Whether ``function`` in ``source`` is still a stub: a docstring, then only ``raise NotImplementedError``."""
    tree = parse_module(source)
    if tree is None:
        return False  # the tests will report why it cannot be read
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            body = list(node.body)
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
                return False
            raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
            return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return False


def untouched_stub(source: bytes, function: str) -> bool:
    """Whether ``function`` is still the stub handed out (only ``raise NotImplementedError``) and
    nothing else at the top of the module rebinds its name — read, never run."""
    text = source.decode("utf-8", "replace")
    if not is_untouched_stub(text, function):
        return False
    tree = parse_module(text)
    if tree is None:
        return False
    bindings = 0
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == function:
            bindings += 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bindings += any((alias.asname or alias.name).split(".")[0] == function or alias.name == "*" for alias in node.names)
        elif not isinstance(node, (ast.Expr, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings += any(isinstance(n, ast.Name) and n.id == function for n in ast.walk(node))
    return bindings == 1

