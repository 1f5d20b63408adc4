"""The learner's feedback page (grading/grader/reports.py, grading/grader/templates/feedback.html.j2).

The page is read as a browser would read it (html.parser), not as bytes: no value taken from a
submission becomes markup, each exercise state shows its own parts, and the page needs nothing
from outside itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from grading.grader import reports
from grading.harness.catalogue import EXERCISES

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=1>'
HOSTILE = f"{SCRIPT} {IMAGE}"
BY_KEY = {exercise.key: exercise for exercise in EXERCISES}
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "section", "div", "span",
             "ul", "ol", "li", "pre", "details", "summary"}
"""Every tag the page itself writes: any other start tag was made from a value."""
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    """One element of a parsed page: its tag, attributes, and children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text inside, entities decoded, as a reader sees it."""
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find_all(self, tag: str, css: str | None = None) -> list[Element]:
        """Every element below this one with ``tag`` (and the class ``css``), in page order."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and (css is None or css in child.classes):
                    found.append(child)
                found += child.find_all(tag, css)
        return found


class _PageParser(HTMLParser):
    """A page as a tree of :class:`Element`, plus every start tag seen (with its attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.starts: list[tuple[str, dict[str, str]]] = []
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.starts.append((tag, element.attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(page: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(page)
    parser.close()
    return parser


def _tests(statuses: list[str], exercise: str, message: str = "expected 0.25, got 0.5") -> list[dict]:
    """Scored test records as the grader hands them to ``results_document``."""
    return [{"name": f"test_{number}", "exercise": exercise, "score": 1.0 if status == "passed" else 0.0,
             "max_score": 1.0, "status": status, "message": "" if status == "passed" else message, "duration": 0.1}
            for number, status in enumerate(statuses)]


def _class_results(**context) -> dict:
    """One submission: temperature failed (one of two), top_p not started, greedy passed."""
    tests = (_tests(["passed", "wrong"], "temperature") + _tests(["not_started", "not_started"], "top_p",
             "not started: top_p_mask still raises NotImplementedError") + _tests(["passed", "passed"], "greedy"))
    return reports.results_document("alice", tests, {"backend": "tiny", "suites": ["hidden"], **context})


def _section(page: str, key: str) -> Element:
    """The page's section of exercise ``key`` (its heading names the function)."""
    function = BY_KEY[key].function
    sections = [s for s in _parse(page).root.find_all("section")
                if s.find_all("h2") and s.find_all("h2")[0].text().startswith(f"{function}()")]
    assert len(sections) == 1, (
        f"feedback_page(...) has {len(sections)} section(s) headed {function}(); expected exactly one")
    return sections[0]


def _hostile_name(results: dict) -> None:
    results["extra_data"]["submission"] = HOSTILE


def _hostile_path(results: dict) -> None:
    results["extra_data"]["exercises"]["temperature"]["path"] = HOSTILE


def _hostile_function(results: dict) -> None:
    results["extra_data"]["exercises"]["temperature"]["function"] = HOSTILE


def _hostile_state(results: dict) -> None:
    results["extra_data"]["exercises"]["temperature"]["state"] = HOSTILE


def _hostile_test_name(results: dict) -> None:
    results["tests"][0]["name"] = f"softmax_with_temperature: {HOSTILE}"


def _hostile_test_output(results: dict) -> None:
    results["tests"][1]["output"] = HOSTILE


def _hostile_reason(results: dict) -> None:
    for test in results["tests"]:
        if test["extra_data"]["exercise"] == "top_p":
            test["output"] = HOSTILE


def _hostile_note(results: dict) -> None:
    results["extra_data"]["notes"] = ["a first note", HOSTILE]


def _hostile_grader_error(results: dict) -> None:
    results["extra_data"]["grader_error"] = HOSTILE


def _hostile_printed(results: dict) -> None:
    results["output"] += f"\n{reports.PRINTED_MARKER}\n  {HOSTILE}"


def _hostile_backend_and_sandbox(results: dict) -> None:
    results["extra_data"]["backend"] = HOSTILE
    results["extra_data"]["sandbox"] = HOSTILE


HOSTILE_FIELDS = {
    "submission name": _hostile_name,
    "exercise path": _hostile_path,
    "exercise function": _hostile_function,
    "exercise state": _hostile_state,
    "test name": _hostile_test_name,
    "test output": _hostile_test_output,
    "not-started reason": _hostile_reason,
    "note": _hostile_note,
    "grader_error": _hostile_grader_error,
    "printed output": _hostile_printed,
    "backend and sandbox": _hostile_backend_and_sandbox,
}


@pytest.mark.parametrize("where", HOSTILE_FIELDS)
def test_no_value_is_injected_as_html(where):
    results = _class_results()
    HOSTILE_FIELDS[where](results)
    page = reports.feedback_page(results)
    parsed = _parse(page)
    injected = [(tag, attrs) for tag, attrs in parsed.starts
                if tag in ("script", "img") or tag not in PAGE_TAGS or "onerror" in attrs]
    assert not injected, (
        f"feedback_page(<results with {HOSTILE!r} as the {where}>) has the start tags {injected}; "
        "expected the value shown as text, never as markup")
    shown = parsed.root.text() + " ".join(value for _, attrs in parsed.starts for value in attrs.values())
    assert HOSTILE in shown, (
        f"feedback_page(<results with {HOSTILE!r} as the {where}>) does not show that text; expected it "
        "escaped on the page")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=1&gt;" in page, (
        f"feedback_page(<results with {HOSTILE!r} as the {where}>) lacks its escaped form "
        "'&lt;script&gt;alert(1)&lt;/script&gt;' / '&lt;img src=x onerror=1&gt;'")


def test_a_passed_exercise_lists_each_test_with_a_check_mark():
    section = _section(reports.feedback_page(_class_results()), "greedy")
    items = section.find_all("li")
    assert [item.classes for item in items] == [{"ok"}, {"ok"}], (
        f"feedback_page(...)'s greedy section (2 passed tests) has list items of classes "
        f"{[item.classes for item in items]}; expected two of class 'ok'")
    assert [item.text().split(" (")[0] for item in items] == ["test_0", "test_1"], (
        f"greedy's list items read {[item.text() for item in items]}; expected test_0 and test_1 with their scores")
    state = section.find_all("span", "state")
    assert [s.classes for s in state] == [{"state", "passed"}] and state[0].text() == "passed · 2/2", (
        f"greedy's state label is {[(s.classes, s.text()) for s in state]}; expected class 'state passed', "
        "'passed · 2/2'")
    assert not section.find_all("pre") and not section.find_all("div", "hints"), (
        "greedy (passed) shows a <pre> or hints; expected neither")


def test_a_failed_exercise_shows_the_failing_output_and_the_hints():
    section = _section(reports.feedback_page(_class_results()), "temperature")
    items = section.find_all("ul")[0].find_all("li") if section.find_all("ul") else []
    assert [item.classes for item in items] == [{"ok"}, {"ko"}], (
        f"feedback_page(...)'s temperature section (passed, wrong) lists {[item.classes for item in items]}; "
        "expected an 'ok' then a 'ko' item")
    failing = [pre.text() for pre in items[1].find_all("pre")]
    assert failing == ["expected 0.25, got 0.5"], (
        f"temperature's failing test shows {failing} in <pre>; expected ['expected 0.25, got 0.5']")
    assert not items[0].find_all("pre"), f"temperature's passing test shows a <pre>: {items[0].text()!r}"
    hints = [item.text() for box in section.find_all("div", "hints") for item in box.find_all("li")]
    assert hints == list(BY_KEY["temperature"].hints), (
        f"temperature (failed) shows the hints {hints}; expected the catalogue's {list(BY_KEY['temperature'].hints)}")
    state = section.find_all("span", "state")
    assert [s.classes for s in state] == [{"state", "failed"}] and state[0].text() == "failed · 1/2", (
        f"temperature's state label is {[(s.classes, s.text()) for s in state]}; expected class 'state failed', "
        "'failed · 1/2'")


def test_a_not_started_exercise_shows_its_reason_and_no_test_list():
    section = _section(reports.feedback_page(_class_results()), "top_p")
    reasons = [pre.text() for pre in section.find_all("pre")]
    assert reasons == ["not started: top_p_mask still raises NotImplementedError"], (
        f"feedback_page(...)'s top_p section (not started) shows {reasons} in <pre>; expected the one reason")
    assert not section.find_all("ul") and not section.find_all("li", "ok") and not section.find_all("li", "ko"), (
        "top_p (not started) lists its tests; expected only the reason")
    state = section.find_all("span", "state")
    assert [s.classes for s in state] == [{"state", "not-started"}] and state[0].text() == "not started · 0/2", (
        f"top_p's state label is {[(s.classes, s.text()) for s in state]}; expected class 'state not-started', "
        "'not started · 0/2'")
    hints = [item.text() for box in section.find_all("div", "hints") for item in box.find_all("li")]
    assert hints == list(BY_KEY["top_p"].hints), f"top_p (not started) shows the hints {hints}; expected its three"


def test_the_sections_follow_the_results_and_carry_each_path():
    page = reports.feedback_page(_class_results())
    headings = [h2.text() for h2 in _parse(page).root.find_all("h2")]
    expected = [f"{BY_KEY[key].function}() {BY_KEY[key].path}" for key in ("temperature", "greedy", "top_p")]
    assert headings == expected, f"feedback_page(...) has the headings {headings}; expected {expected} (course order)"


def test_a_grader_error_says_it_is_not_a_judgement_of_the_code():
    broken = _parse(reports.feedback_page(_class_results(grader_error="the worker died"))).root
    said = [p.text() for p in broken.find_all("p", "state") if "failed" in p.classes]
    assert said == ["The grader itself failed: the worker died — this is not a judgement of your code."], (
        f"feedback_page(<grader_error 'the worker died'>) says {said}; expected the sentence that it is "
        "not a judgement of the learner's code")
    calm = reports.feedback_page(_class_results())
    assert "not a judgement" not in calm, "feedback_page(<no grader_error>) speaks of a grader failure"


def test_a_public_only_run_says_it_is_not_a_grade():
    for suites, expected in ((["public"], True), (["hidden"], False), (["hidden", "public"], False)):
        root = _parse(reports.feedback_page(_class_results(suites=suites))).root
        said = [p.text() for p in root.find_all("p", "not-started")]
        wanted = ["Only the public tests ran: this is not a grade."] if expected else []
        assert said == wanted, f"feedback_page(<suites {suites}>) says {said}; expected {wanted}"


def test_each_note_has_its_own_paragraph():
    root = _parse(reports.feedback_page(_class_results(notes=["one & two", "three"]))).root
    notes = [p.text() for p in root.find_all("p", "note") if p.text().startswith("Note: ")]
    assert notes == ["Note: one & two", "Note: three"], (
        f"feedback_page(<notes ['one & two', 'three']>) shows {notes}; expected one 'Note: ' paragraph each")


def test_what_the_code_printed_is_folded_away_and_only_when_it_printed():
    root = _parse(reports.feedback_page(_class_results(output="step 1\nstep 2"))).root
    folded = [(d.find_all("summary")[0].text(), d.find_all("pre")[0].text()) for d in root.find_all("details")]
    assert len(folded) == 1 and folded[0][0] == "What your code printed", (
        f"feedback_page(<output 'step 1\\nstep 2'>) has the <details> {folded}; expected one, 'What your code printed'")
    assert folded[0][1].split() == ["step", "1", "step", "2"], (
        f"its <pre> holds {folded[0][1]!r}; expected the lines 'step 1' and 'step 2'")
    quiet = reports.feedback_page(_class_results())
    assert "What your code printed" not in quiet, "feedback_page(<nothing printed>) shows 'What your code printed'"


def test_the_summary_and_details_show_numbers_as_written():
    root = _parse(reports.feedback_page(_class_results(seconds=12.5, sandbox="bubblewrap"))).root
    summary = [p.text() for p in root.find_all("p", "summary")]
    assert summary == ["Score: 3 / 6"], (
        f"feedback_page(<3 of 6 points>) has the summary {summary}; expected 'Score: 3 / 6'")
    details = [p.text() for p in root.find_all("p", "note")][-1]
    assert details == "Graded on backend tiny; in 12.5 s; sandbox: bubblewrap.", (
        f"feedback_page(<tiny, 12.5 s, bubblewrap>) ends with {details!r}; expected "
        "'Graded on backend tiny; in 12.5 s; sandbox: bubblewrap.'")


def test_the_page_is_one_self_contained_document():
    page = reports.feedback_page(_class_results(output="printed"))
    parsed = _parse(page)
    assert [d.lower() for d in parsed.declarations] == ["doctype html"], (
        f"feedback_page(...) declares {parsed.declarations}; expected one 'DOCTYPE html'")
    tags = [tag for tag, _ in parsed.starts]
    for tag in ("html", "head", "body", "title", "style"):
        assert tags.count(tag) == 1, f"feedback_page(...) has {tags.count(tag)} <{tag}>; expected exactly one"
    external = [(tag, attrs) for tag, attrs in parsed.starts
                if tag in ("link", "script", "iframe", "img", "object", "embed") or {"src", "href"} & set(attrs)]
    assert not external, f"feedback_page(...) loads {external}; expected a page that needs nothing from outside"
    assert "@import" not in page and "url(" not in page, "feedback_page(...)'s style loads something from outside"
    assert ("meta", {"charset": "utf-8"}) in parsed.starts, "feedback_page(...) does not declare utf-8"
    assert page.endswith("</body></html>\n"), (
        f"feedback_page(...) ends with {page[-40:]!r}; expected '</body></html>\\n'")


def test_a_results_document_with_nothing_in_it_still_renders():
    page = reports.feedback_page({})
    root = _parse(page).root
    heading = [h1.text() for h1 in root.find_all("h1")]
    assert heading == ["Feedback for submission"] and not root.find_all("section"), (
        f"feedback_page({{}}) has the headings {heading} and {len(root.find_all('section'))} section(s); "
        "expected 'Feedback for submission' and none")
