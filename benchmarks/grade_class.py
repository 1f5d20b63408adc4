"""Benchmark: grade a class of 50 varied submissions with ``decodelab grade`` and with nbgrader.

The class (written fresh each run, deterministic for a seed):

- ``correct``      the complete ``solutions/`` modules;
- ``partly``       solutions with one to three functions swapped for realistic wrong versions
                   from ``tests/wrong_implementations/``;
- ``progress``     the first few modules solved, one left as the stub, the rest not handed in;
- ``notstarted``   the untouched ``exercises/`` stubs;
- ``hostile``      the hostile submissions of ``tests/hostile/`` (one per threat, each a correct
                   submission with the threat's code added); the three that read or write the
                   machine's files only where bubblewrap sandboxes them.

Layouts vary as learners' do: modules at the top level, under ``exercises/``, or zipped.

The same submissions are graded twice, in one run:

1. ``decodelab grade CLASS/* --out DIR --workers N``: the whole class, timed end to end (the
   command's start-up, the model loaded once per worker, every submission); then the honest
   submissions alone, for the seconds per honest submission.
2. nbgrader (the named peer): ``decodelab nbgrader export``, ``nbgrader generate_assignment``,
   each submission turned into the released notebooks with its code in them, then
   ``nbgrader autograde`` — honest students first, then hostile ones. nbgrader has no
   parallel autograde and starts a kernel per notebook; every notebook's first test cell runs
   the hidden suite of its module in a grading process of its own
   (:mod:`grading.grader.nbgrader.bridge`). Only autograde is timed. With ``--nbgrader-sample K``
   nbgrader grades a stratified sample of K submissions and its time for the class is
   extrapolated (said so in the report); scores are compared on the sample.

Scores of the two graders are compared submission by submission (nbgrader's through its
gradebook API). Run: ``python benchmarks/grade_class.py [--workers 2] [--nbgrader-sample K]
[--json FILE] [--keep DIR]``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from grading.harness.catalogue import EXERCISES, modules  # noqa: E402
from reference.cache import cache_with_tokenizers_only  # noqa: E402
from tests.catalogue import with_wrong, wrong_versions  # noqa: E402

HOSTILE = ROOT / "tests" / "hostile"
ASSIGNMENT = "decodelab"
KINDS = ("correct", "partly", "progress", "notstarted", "hostile")
SHARES = {"correct": 0.3, "partly": 0.4, "progress": 0.2, "notstarted": 0.1}


# ---------------------------------------------------------------------------------------------
# Submissions


@dataclass
class Planned:
    """One submission of the class."""

    name: str
    kind: str
    sources: dict[str, str] = field(default_factory=dict)  # module -> source (honest ones)
    layout: str = "top"                                     # top | exercises | zip
    origin: str = ""                                        # the hostile submission copied
    detail: str = ""

    @property
    def honest(self) -> bool:
        return self.kind != "hostile"


# These really read and write the machine's files when nothing stops them (tests/hostile/README.md):
# bubblewrap or Landlock stops them.
CONFINED_ONLY = {"read_solutions", "write_outside"}


def hostile_threats() -> list[str]:
    """The threats of ``tests/hostile/`` that are safe to grade on this machine."""
    if not HOSTILE.is_dir():
        return []
    from grading.sandbox.file_access import confinement_works
    from grading.sandbox.plan import sandbox_plan

    sandboxed = sandbox_plan().kind == "bwrap"
    confined = sandboxed or confinement_works()[0]
    return sorted(p.name for p in HOSTILE.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")) and (confined or p.name not in CONFINED_ONLY))


def write_hostile(threat: str, target: Path) -> Path:
    """A complete correct submission with the threat's code appended, as tests/hostile/README.md says."""
    target.mkdir(parents=True)
    for module in modules():
        shutil.copyfile(ROOT / "solutions" / f"{module}.py", target / f"{module}.py")
    for part in sorted((HOSTILE / threat).iterdir()):
        if part.name.endswith(".py.in"):
            module = target / part.name[: -len(".in")]
            module.write_text(module.read_text() + "\n" + part.read_text())
        elif part.name.endswith(".py.symlink"):
            module = target / part.name[: -len(".symlink")]
            module.unlink()
            module.symlink_to(ROOT / part.read_text().strip())
    return target


def plan_class(size: int = 50, seed: int = 2024, hostile_limit: int = 14) -> list[Planned]:
    """A varied class of ``size`` submissions (honest ones named ``s..``, hostile ones ``h..``)."""
    rng = random.Random(seed)
    solutions = {m: (ROOT / "solutions" / f"{m}.py").read_text(encoding="utf-8") for m in modules()}
    stubs = {m: (ROOT / "exercises" / f"{m}.py").read_text(encoding="utf-8") for m in modules()}
    wrong = wrong_versions()
    hostile = hostile_threats()[:hostile_limit]
    honest = size - len(hostile)
    counts = {kind: int(round(share * honest)) for kind, share in SHARES.items()}
    counts["partly"] += honest - sum(counts.values())
    plan: list[Planned] = []
    layouts = ("top", "exercises", "top", "zip", "exercises")
    number = 0
    for kind in SHARES:
        for _ in range(counts[kind]):
            number += 1
            item = Planned(f"s{number:02d}_{kind}", kind, layout=layouts[number % len(layouts)])
            if kind == "correct":
                item.sources = dict(solutions)
            elif kind == "notstarted":
                item.sources = dict(stubs)
            elif kind == "partly":
                item.sources = dict(solutions)
                chosen = rng.sample([(m, w) for m, names in wrong.items() for w in names], rng.randint(1, 3))
                for module in sorted({m for m, _ in chosen}):
                    item.sources[module] = with_wrong(module, [w for m, w in chosen if m == module])
                item.detail = ", ".join(w for _, w in chosen)
            else:  # progress: solved so far, one module begun, the rest not handed in
                reached = rng.randint(1, len(modules()) - 1)
                item.sources = {m: solutions[m] for m in modules()[:reached]}
                item.sources[modules()[reached]] = stubs[modules()[reached]]
                item.detail = f"solved up to {modules()[reached - 1]}"
            plan.append(item)
    for index, threat in enumerate(hostile, start=1):
        plan.append(Planned(f"h{index:02d}_{threat}", "hostile", origin=threat, detail=threat))
    return plan


def write_submission(item: Planned, folder: Path) -> Path:
    """Write one submission into ``folder``; its path (a folder or a ``.zip``)."""
    if item.kind == "hostile":
        return write_hostile(item.origin, folder / item.name)
    prefix = "exercises/" if item.layout == "exercises" else ""
    if item.layout == "zip":
        target = folder / f"{item.name}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for module, source in item.sources.items():
                archive.writestr(f"{item.name}/{module}.py", source)
        return target
    target = folder / item.name
    for module, source in item.sources.items():
        path = target / prefix / f"{module}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return target


def submission_sources(item: Planned, path: Path) -> dict[str, str]:
    """The module sources the grader sees in a written submission (hostile ones included)."""
    if item.honest:
        return dict(item.sources)
    from grading.harness.submission import read_submission

    submission = read_submission(path)
    return {module: raw.decode("utf-8", errors="replace") for module, raw in submission.sources.items()}


# ---------------------------------------------------------------------------------------------
# Notebooks


def is_solution_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell["cell_type"] == "code" and meta.get("solution") and not meta.get("grade")


def notebook_with_module(release: dict, source: str) -> dict:
    """A released notebook as a learner who wrote ``source`` hands it in.

    The module's whole text goes into the first solution cell, and the other solution cells
    are left with a comment, so the kernel runs exactly that code, top-level statements
    included, and the functions are defined once.
    """
    notebook = json.loads(json.dumps(release))
    solution_cells = [cell for cell in notebook["cells"] if is_solution_cell(cell)]
    for position, cell in enumerate(solution_cells):
        cell["source"] = source if position == 0 else "# (written in the first code cell above)"
    return notebook


def notebook_with_functions(notebook: dict, replacements: dict[str, str]) -> dict:
    """``notebook`` with the solution cells of some functions (by grade id) replaced."""
    changed = json.loads(json.dumps(notebook))
    for cell in changed["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if is_solution_cell(cell) and grade_id in replacements:
            cell["source"] = replacements[grade_id]
    return changed


def nbgrader_environment() -> dict[str, str]:
    """nbgrader runs ``alembic`` from PATH: put this Python's scripts first."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env.setdefault(key, "1")
    return env


def nbgrader(course: Path, *arguments: str, log: Path | None = None, timeout: float | None = None) -> float:
    """Run ``nbgrader ARGUMENTS`` in ``course``; its wall time. Raises on a non-zero exit."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course, env=nbgrader_environment(),
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    if log is not None:
        with log.open("a") as stream:
            stream.write(f"$ nbgrader {' '.join(arguments)}  ({seconds:.1f} s, exit {done.returncode})\n")
            stream.write(done.stdout + done.stderr + "\n")
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(arguments)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


def bridge_seconds(course: Path) -> tuple[float, int]:
    """Seconds the test cells spent in decodelab's grader (their "graded in N s"), and notebooks run."""
    import re

    total, notebooks = 0.0, 0
    for path in (course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"):
        notebooks += 1
        for cell in json.loads(path.read_text()).get("cells", []):
            for output in cell.get("outputs", []):
                text = output.get("text", "")
                for found in re.findall(r"graded in ([0-9.]+) s", "".join(text) if isinstance(text, list) else text):
                    total += float(found)
    return total, notebooks


def gradebook_scores(course: Path, assignment: str = ASSIGNMENT) -> dict[str, float]:
    """Each student's total for ``assignment``, read through nbgrader's gradebook API."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            try:
                scores[student.id] = float(gradebook.find_submission(assignment, student.id).score)
            except MissingEntry:
                pass
    return scores


# ---------------------------------------------------------------------------------------------
# The two graders


def decodelab_grade(paths: Sequence[Path], out: Path, workers: int, only: Sequence[str] = ()) -> float:
    """``decodelab grade PATHS --out OUT --workers N`` (on ``only``'s exercises); its wall time.

    Each run gets a cache folder of its own, with no expected values kept by an earlier run
    (``grading/grader/expected.py``): every run primes as a first grading of a class would."""
    keys = [e.key for e in EXERCISES if e.module in only]
    own_cache = out.parent / f"{out.name}-cache"
    shutil.rmtree(own_cache, ignore_errors=True)
    cache_with_tokenizers_only(own_cache)  # a tokenizer's conversion is not what is measured here
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "decodelab.cli", "grade", *map(str, paths), "--out", str(out), "--workers", str(workers),
         *(["--exercises", *keys] if keys else [])],
        cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, DECODELAB_CACHE=str(own_cache)),
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"decodelab grade exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


def decodelab_scores(out: Path) -> dict[str, float]:
    scores = {}
    for results in out.glob("*/results.json"):
        scores[results.parent.name] = float(json.loads(results.read_text())["score"])
    return scores


def priming_verdict(out: Path) -> dict[str, Any]:
    """What the grader's results.json files say of priming: one plain sentence and the figures."""
    seen = [json.loads(path.read_text())["extra_data"].get("priming") or {} for path in sorted(out.glob("*/results.json"))]
    # The priming worker's own word first; the others say "from_peer" (taken from its file, or
    # not yet there when they graded a submission).
    priming = next((p for p in seen if p.get("requested") and not p.get("from_peer")),
                   next((p for p in seen if p.get("expected_values")), seen[0] if seen else {}))
    if priming.get("from_disk"):
        sentence = f"read from an earlier run's file ({priming['expected_values']} expected values), not computed"
    elif not priming.get("requested"):
        sentence = "not requested (no worker graded more than one submission)"
    elif priming.get("error") or not priming.get("expected_values"):
        sentence = f"DID NOT take effect: {priming.get('error') or 'no expected value remembered'}"
    else:
        sentence = f"worked: {priming['expected_values']} expected values computed once and reused by every worker"
    return {"verdict": sentence, "worked": bool(priming.get("expected_values")) and not priming.get("error"),
            **priming}


def stratified_sample(plan: list[Planned], size: int, seed: int) -> list[Planned]:
    """``size`` submissions with every kind in proportion (at least one of each kind present)."""
    if size >= len(plan):
        return list(plan)
    rng = random.Random(seed)
    by_kind = {kind: [p for p in plan if p.kind == kind] for kind in KINDS}
    present = [kind for kind in KINDS if by_kind[kind]]
    quota = {kind: max(1, round(size * len(by_kind[kind]) / len(plan))) for kind in present}
    while sum(quota.values()) > size:
        largest = max((k for k in present if quota[k] > 1), key=lambda k: quota[k])
        quota[largest] -= 1
    return [item for kind in present for item in rng.sample(by_kind[kind], quota[kind])]


def prepare_course(course: Path, plan: Sequence[Planned], paths: dict[str, Path], only: Sequence[str] = ()) -> set[str]:
    """Export, release, and hand in each submission's notebooks; the students who hand in none."""
    from grading.grader.nbgrader.export import export_course, notebook_name

    export_course(course, ASSIGNMENT, only)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", log=course / "nbgrader.log")
    release = course / "release" / ASSIGNMENT
    empty = set()
    for item in plan:
        folder = course / "submitted" / item.name / ASSIGNMENT
        folder.mkdir(parents=True)
        for module, source in submission_sources(item, paths[item.name]).items():
            if only and module not in only:
                continue
            name = notebook_name(module)
            notebook = notebook_with_module(json.loads((release / name).read_text()), source)
            (folder / name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
        if not any(folder.iterdir()):
            empty.add(item.name)  # nbgrader then records no submission at all: a 0
    return empty


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu or platform.processor(), "cores": len(os.sched_getaffinity(0)), "python": platform.python_version(),
            "platform": platform.platform(), "load_average": os.getloadavg()}


def run(args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="decodelab-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                              "only": list(args.only or []),
                              "workers": args.workers, "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])}
    plan = plan_class(args.submissions, args.seed, args.hostile)
    klass = scratch / "class"
    shutil.rmtree(klass, ignore_errors=True)
    klass.mkdir()
    paths = {item.name: write_submission(item, klass) for item in plan}
    honest = [item for item in plan if item.honest]
    report["class"] = {kind: sum(item.kind == kind for item in plan) for kind in KINDS}
    report["submissions"] = [asdict(item) | {"sources": sorted(item.sources)} for item in plan]
    print(f"class of {len(plan)}: {report['class']} in {klass}", flush=True)

    # decodelab: the whole class in one command, then the honest submissions alone
    out_all, out_honest = scratch / "grades-all", scratch / "grades-honest"
    for folder in (out_all, out_honest):
        shutil.rmtree(folder, ignore_errors=True)
    only = list(args.only or ())
    loads = {"decodelab_start": os.getloadavg()[0]}
    all_seconds = decodelab_grade([paths[item.name] for item in plan], out_all, args.workers, only)
    print(f"decodelab grade, {len(plan)} submissions: {all_seconds:.1f} s", flush=True)
    honest_seconds = decodelab_grade([paths[item.name] for item in honest], out_honest, args.workers, only)
    print(f"decodelab grade, {len(honest)} honest submissions: {honest_seconds:.1f} s", flush=True)
    loads["decodelab_end"] = os.getloadavg()[0]
    ours = decodelab_scores(out_all)
    alone = decodelab_scores(out_honest)
    priming = priming_verdict(out_all)
    print(f"priming: {priming['verdict']}", flush=True)
    report["decodelab"] = {
        "seconds_all": all_seconds, "seconds_honest": honest_seconds, "priming": priming,
        "seconds_per_honest_submission": honest_seconds / max(1, len(honest)),
        "scores": ours,
        "honest_same_alone": all(abs(alone[i.name] - ours[i.name]) < 1e-6 for i in honest if i.name in alone),
    }

    # nbgrader: the same submissions as notebooks, autograded (honest students, then hostile)
    sample = stratified_sample(plan, args.nbgrader_sample or len(plan), args.seed)
    course = scratch / "course"
    shutil.rmtree(course, ignore_errors=True)
    empty = prepare_course(course, sample, paths, only)
    timings = {}
    loads["nbgrader_start"] = os.getloadavg()[0]
    for group, pattern in (("honest", "s*"), ("hostile", "h*")):
        members = [item for item in sample if item.honest == (group == "honest")]
        if members:
            timings[group] = nbgrader(course, "autograde", ASSIGNMENT, f"--student={pattern}", "--force",
                                      log=course / "nbgrader.log")
            print(f"nbgrader autograde, {len(members)} {group} submissions: {timings[group]:.1f} s", flush=True)
    loads["nbgrader_end"] = os.getloadavg()[0]
    report["load_average_1min"] = loads  # the machine may be shared: say how busy it was in each phase
    theirs = gradebook_scores(course) | {name: 0.0 for name in empty}
    in_grader, notebooks_run = bridge_seconds(course)
    counts = {"honest": len(honest), "hostile": len(plan) - len(honest)}
    sampled = {"honest": sum(i.honest for i in sample), "hostile": sum(not i.honest for i in sample)}
    estimate = sum(timings[g] / sampled[g] * counts[g] for g in timings)
    per_honest = timings.get("honest", 0.0) / max(1, sampled["honest"])
    report["nbgrader"] = {
        "sample": [item.name for item in sample], "seconds": timings, "seconds_class": estimate,
        "extrapolated": len(sample) < len(plan), "seconds_per_honest_submission": per_honest,
        "notebooks_per_submission": len(only or modules()), "notebooks_run": notebooks_run,
        "seconds_in_grader": in_grader, "scores": theirs,
    }
    mismatches = {name: (ours.get(name), theirs.get(name)) for name in (i.name for i in sample)
                  if ours.get(name) is None or theirs.get(name) is None or abs(ours[name] - theirs[name]) > 1e-3}
    report["agreement"] = {"compared": len(sample), "same_score": len(sample) - len(mismatches),
                           "different": {name: {"decodelab": a, "nbgrader": b} for name, (a, b) in mismatches.items()},
                           "kinds": {i.name: i.kind for i in sample}}
    report["ratio"] = estimate / all_seconds
    report["ratio_honest"] = per_honest / report["decodelab"]["seconds_per_honest_submission"]
    report["machine"]["load_average_end"] = os.getloadavg()
    report["scratch"] = str(scratch)
    return report


def summary(report: dict[str, Any]) -> str:
    ours, theirs = report["decodelab"], report["nbgrader"]
    n = sum(report["class"].values())
    extrapolated = " (extrapolated from a sample of %d)" % len(theirs["sample"]) if theirs["extrapolated"] else ""
    lines = [
        f"| grader | {n} submissions | per honest submission |",
        "| --- | ---: | ---: |",
        f"| decodelab grade --workers {report['workers']} | {ours['seconds_all']:.1f} s | "
        f"{ours['seconds_per_honest_submission']:.2f} s |",
        f"| nbgrader autograde{extrapolated} | {theirs['seconds_class']:.1f} s | {theirs['seconds_per_honest_submission']:.2f} s |",
        f"| ratio (nbgrader / decodelab) | {report['ratio']:.1f}× | {report['ratio_honest']:.1f}× |",
        "",
        f"Scores agree on {report['agreement']['same_score']} of {report['agreement']['compared']} submissions graded by both.",
        f"Priming: {ours['priming']['verdict']}.",
        "Load average (1 min): " + ", ".join(f"{phase.replace('_', ' ')} {value:.2f}"
                                            for phase, value in report["load_average_1min"].items())
        + f", on {report['machine']['cores']} cores.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--nbgrader-sample", type=int, default=0,
                        help="autograde only a stratified sample of K submissions with nbgrader (default: all)")
    parser.add_argument("--hostile", type=int, default=14, help="at most this many hostile submissions")
    parser.add_argument("--only", nargs="+", metavar="MODULE", choices=modules(),
                        help="grade only these exercise modules with both graders (a quick check; default: all)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args(argv)
    if 0 < args.nbgrader_sample < len(KINDS):
        parser.error(f"--nbgrader-sample {args.nbgrader_sample} is too small: a stratified sample holds one "
                     f"submission of each of the {len(KINDS)} kinds ({', '.join(KINDS)}); give at least {len(KINDS)}, "
                     "or 0 for the whole class")
    report = run(args)
    if not args.keep:
        shutil.rmtree(report["scratch"], ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
