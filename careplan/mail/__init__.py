"""Emailing a rendered plan to the parent: consent first, no health details in the message, encrypted, once.

:mod:`.send` holds the rules (consent, the check that the PDF is this family's, the ledger claim, retries) and the
one send; :mod:`.outbox` the ways in, :func:`~careplan.mail.outbox.email_intakes` and
:func:`~careplan.mail.outbox.send_plans`;
:mod:`.message` builds the message, :mod:`.credentials` finds the SMTP password and makes the PDF's passphrase,
:mod:`.keys` names a send, :mod:`.result` says what happened, :mod:`.transport` makes one delivery attempt and
:mod:`.ledger` remembers what was sent. Mail never renders a plan: it is given the PDF, or a function that makes it.
"""
