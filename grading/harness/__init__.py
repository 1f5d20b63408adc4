"""The harness: what runs a suite against a target. It ships to learners in the bundle.

- :mod:`~grading.harness.catalogue`: the exercises, in course order; the one list every part reads.
- :mod:`~grading.harness.compare` and :mod:`~grading.harness.statistics`: checks whose failure
  message says the call, what came back, what was expected and a hint.
- :mod:`~grading.harness.target`: the switch between ``exercises/``, ``solutions/`` and a submission.
- :mod:`~grading.harness.submission`: the one reader of a submission (folder or zip).
- :mod:`~grading.harness.plugin` and :mod:`~grading.harness.results`: the pytest plugins every
  suite runs under (target, backends, markers, points, feedback, outcomes as data).
- :mod:`~grading.harness.runner`: the one way the suites are run, by ``decodelab check``,
  ``decodelab grade`` and the project's tests.
- :mod:`~grading.harness.stack`: the installed packages against the lock.
- :mod:`~grading.harness.scratch`: temporary folders named after their process, so that none
  outlives it (every part makes them).
- :mod:`~grading.harness.processes`: child processes started, waited for and stopped one way
  (the judges, the learner's worker, ``check --watch``'s runs).
- :mod:`~grading.harness.output`: the one cap on the long text a report keeps (printed output,
  logs, traces).

Who may import it: anyone (the CLI, the grader, the sandbox's grader side, the suites).
It imports nothing of :mod:`grading.grader`, and of :mod:`grading.sandbox` only inside
functions, for a submission's target and for the in-process copies of a call's arguments.
"""
