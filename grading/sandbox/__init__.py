"""The sandbox: the boundary between a learner's code and the grader.

- :mod:`~grading.sandbox.learner_side`: runs inside the sandbox (bubblewrap where the machine
  has it): a pre-loaded fork server, one process per submission, the learner's calls made there.
- :mod:`~grading.sandbox.grader_side`: the grader's end: starts that server, and a target
  whose functions are calls across the boundary, with time limits and feedback for crashes.
- :mod:`~grading.sandbox.plan`: which sandbox this machine gives a grade run, described in one
  sentence, and whether submissions may be graded side by side (light: no torch).
- :mod:`~grading.sandbox.wire`: what may cross, encoded as plain data, with size budgets
  checked before decoding; :mod:`~grading.sandbox.arguments`: a call's private copies of its
  arguments; :mod:`~grading.sandbox.shared`: a call's tensor arguments in memory both sides
  map, so the grader reads what the call changed in them; :mod:`~grading.sandbox.observe`: what
  a test watches of the model, recorded where the model runs.
- :mod:`~grading.sandbox.limits`: what one submission may use (time, memory, processes, output,
  disk); :mod:`~grading.sandbox.cgroups`, :mod:`~grading.sandbox.network`,
  :mod:`~grading.sandbox.disk`, :mod:`~grading.sandbox.file_access`, :mod:`~grading.sandbox.ipc`
  and :mod:`~grading.sandbox.neighbours`: what the kernel bounds, refuses or counts for a
  submission beyond bubblewrap (a control group, no socket to another program, what it writes to
  files, which files it may open, no System V IPC, no limits or priority set for another
  process, no signal to the grader's).
- :mod:`~grading.sandbox.environment`: the few environment variables a submission's process
  keeps (without bubblewrap it would inherit all of the grader's).
- :mod:`~grading.sandbox.kept_toy`: a toy model the judge keeps and runs for the learner's code,
  which gets a handle and the toy's answers, never its numbers.

Who may import it: the harness (inside functions) and the grader. The learner's side imports
only the wire, ``shared``, ``observe``, ``cgroups``, ``network``, ``disk``, ``file_access``, ``ipc``,
``neighbours``, ``environment``, ``kept_toy``,
``reference`` and four small modules of the harness (the output cap, the child-process helpers,
the "not started" rule, the folder remover): those are the files bound into the sandbox
(``grader_side.SANDBOX_FILES``).
"""
