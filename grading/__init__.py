"""Grading: the suites, the harness they run in, the sandbox and the grader, in three rooms.

- :mod:`grading.harness` runs the suites against a target and ships to learners in the bundle:
  the catalogue of exercises, the comparisons that explain a mismatch, the target switch, the
  pytest plugin, the suite runner and the submission reader.
- :mod:`grading.sandbox` is the boundary a learner's code runs behind: the learner's side (a
  fork server inside bubblewrap), the grader's side (a target whose calls cross to it), the
  wire between them, and what one submission may use.
- :mod:`grading.grader` grades a class: the driver, the judges, the expected values kept
  between submissions, the reports (``results.json``, ``feedback.html``, ``grades.csv``) and
  the nbgrader bridge.

The suites are data for the harness: ``public/`` (what ``decodelab check`` runs; shipped) and
``hidden/`` (what a grade runs; never shipped).

Imports point one way: grader -> sandbox -> harness, and never into ``decodelab/`` (the
CLI), which uses all three. The one exception is the target switch in the harness, which
starts the sandbox for a submission folder; it imports it inside a function, when such a
target is asked for. ``tests/test_architecture.py`` holds these rules.
"""
