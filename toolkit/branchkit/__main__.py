"""`python -m branchkit`: the command line, started from a given Python (the launcher scripts
beside a workbook name the Python branchkit was installed in, not whatever PATH finds)."""

from .cli import run

if __name__ == "__main__":  # not when imported (pydoc, a doctest sweep)
    run()
