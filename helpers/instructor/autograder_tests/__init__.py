"""The hand-written autograder tests of the coding exercises: one module per chapter, ``chNN.py``, each
defining ``CHECKS`` (exercise label -> checks), in the format of :mod:`helpers.instructor.checks`."""
