"""The interview: the questions of a plan type's form, asked in a terminal, into a validated intake JSON.

:mod:`.form` reads the form and checks it against the intake model; :mod:`.partial` saves and resumes the answers;
:mod:`.session` runs the questions with questionary.
"""
