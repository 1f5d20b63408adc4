"""nbgrader, driven by decodelab's hidden suites.

- :mod:`grading.grader.nbgrader.export` writes an nbgrader course source: one notebook per exercise
  module, each exercise a solution cell (the solution between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``) followed by an autograder test cell worth the exercise's points.
- :mod:`grading.grader.nbgrader.bridge` is what those test cells call. It turns the notebook's code
  into a submission module, grades it with the hidden suite in processes of its own (the
  learner's code never shares a process with the hidden tests) and hands nbgrader the score
  as the cell's value, which is how nbgrader 0.9 takes partial credit.

Only :func:`grade_exercise` is imported here: the test cells import this package inside the
learner's kernel, so it must stay light (no torch, no nbgrader).
"""
from grading.grader.nbgrader.bridge import grade_exercise

__all__ = ["grade_exercise"]
