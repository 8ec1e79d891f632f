"""`python -m careplan` runs the command line."""

from careplan.cli import main

main()
