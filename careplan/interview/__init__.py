"""The interview: a plan type's questions, asked in a terminal, into a validated intake JSON.

:mod:`.form` reads the questions and checks them against the intake model; :mod:`.session` runs them
(:func:`~careplan.interview.session.run_interview`), with :mod:`.asking` for one question, :mod:`.flags` for red
flags, :mod:`.review` for the review at the end and :mod:`.drafts` for the PDF drafted meanwhile; :mod:`.partial`
saves and resumes the answers; :mod:`.background` loads what the hooks need off the prompt path; :mod:`.terminal`
and :mod:`.console` are the terminal's side. What the rest of careplan provides (red flags, the plan, the PDF)
comes in through :mod:`.hooks`.
"""
