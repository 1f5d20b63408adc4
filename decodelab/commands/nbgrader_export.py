"""``decodelab nbgrader export DIR``: an nbgrader course whose test cells run the hidden suites.

See :mod:`grading.grader.nbgrader` for what the notebooks hold and how their test cells grade.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from decodelab.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "nbgrader",
        help="export the exercises as an nbgrader course",
        description="Work with nbgrader: export the exercises as an nbgrader course source.",
    )
    actions = parser.add_subparsers(dest="nbgrader_command", metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write DIR/nbgrader_config.py and DIR/source/<assignment>/NN_<module>.ipynb",
        description=(
            "Write an nbgrader course source: one notebook per exercise module (course order), each "
            "exercise a solution cell and an autograder test cell worth its points that runs the hidden "
            "suite. Then: cd DIR && nbgrader generate_assignment ASSIGNMENT."
        ),
    )
    export.add_argument("dir", type=Path, metavar="DIR", help="the course folder (created if needed)")
    export.add_argument("--assignment", default="decodelab", help="the assignment's name (default: decodelab)")
    export.add_argument("--only", nargs="+", metavar="MODULE", default=(),
                        help="export only these exercise modules (default: all)")
    export.add_argument("--replace-config", action="store_true",
                        help="overwrite an existing DIR/nbgrader_config.py")
    export.set_defaults(func=run_export)
    parser.set_defaults(func=lambda arguments: parser.print_help() or 2)


def run_export(arguments: argparse.Namespace) -> int:
    from grading.grader.nbgrader.export import export_course

    if arguments.dir.exists() and not arguments.dir.is_dir():
        raise UserError(f"{arguments.dir} exists and is not a folder")
    try:
        course = export_course(arguments.dir, arguments.assignment, arguments.only,
                               replace_config=arguments.replace_config)
    except (KeyError, ValueError) as error:
        raise UserError(str(error).strip("'\"")) from error
    print(f"wrote {len(course.notebooks)} notebooks to {course.source}")
    if course.kept_config:
        print(f"kept the existing {course.config} (--replace-config writes a fresh one)")
    else:
        print(f"wrote {course.config}")
    print(f"next: cd {course.root} && nbgrader generate_assignment {course.assignment}")
    return 0
