"""Emailing a rendered plan to the parent: consent first, no health details in the message, encrypted, once.

:mod:`.send` holds the rules (consent, the ledger claim, the message, retries) and the two entry points,
:func:`~careplan.mail.send.email_intakes` and :func:`~careplan.mail.send.send_plans`; :mod:`.transport` makes one
delivery attempt; :mod:`.ledger` remembers what was sent. Mail never renders a plan: it is given the PDF, or a
function that makes it.
"""
