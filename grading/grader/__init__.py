"""The grader: grading a class of submissions, safely and fast.

- :mod:`~grading.grader.driver`: ``decodelab grade``'s engine: judge servers (one per
  worker), a forked judge per submission, graded again once when the grader itself failed.
- :mod:`~grading.grader.expected`: expected values computed once per judge, and kept on disk
  between runs of the same set-up.
- :mod:`~grading.grader.reports`: ``results.json`` (Gradescope's format), ``feedback.html``
  (from ``templates/``) and the class's ``grades.csv``.
- :mod:`~grading.grader.nbgrader`: the bridge for courses graded by nbgrader.

Who may import it: the CLI (``decodelab grade``, ``gradescope``, ``nbgrader-export``), the
hidden suites (:func:`~grading.grader.expected.remembered`) and the project's tests. Nothing
in the harness or the sandbox imports it.
"""
