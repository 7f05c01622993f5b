"""Command line: ``python -m helpers.instructor {build,grade} ...`` (see ``--help``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import CHECKS_DIR
from .kit import CHAPTERS_DIR, build, grade


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.instructor",
                                     description="The instructor's kit: autograded coding exercises (otter-grader).")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the student notebooks, answer keys and autograders")
    b.add_argument("--out", type=Path, required=True, help="the kit's folder")
    b.add_argument("--labels", nargs="+", default=None, help="only these exercises (default: every coding exercise)")
    b.add_argument("--chapters", type=Path, default=CHAPTERS_DIR, help="the book's notebooks/ folder")
    b.add_argument("--checks", type=Path, default=CHECKS_DIR, help="the folder of the tests (chNN.py)")
    g = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/*.ipynb; write a CSV of scores")
    g.add_argument("submissions", type=Path)
    g.add_argument("--kit", type=Path, required=True, help="a folder written by `build`")
    g.add_argument("--csv", type=Path, default=Path("grades.csv"), help="where to write the scores")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            manifest = build(args.out, args.labels, args.chapters, args.checks)
            print(f"{len(manifest)} exercise(s) in {args.out}: hand out {args.out / 'student'}, keep "
                  f"{args.out / 'answers'} and {args.out / 'autograder'}")
            return 0
        scores = grade(args.submissions, args.kit)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scores.to_csv(args.csv, index=False)
    print(scores.pivot_table(index="student", columns="exercise", values="score", aggfunc="sum").to_string())
    print(f"\nwritten: {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
