"""Stage 2 of the pipeline: an intake and a strategy library in, a plan out. Pure: no files, no network.

:mod:`.engine` evaluates the library's entries against the intake (:func:`build_plan`), :mod:`.expressions` types
and compiles the entries' conditions with rule-engine, and :mod:`.computed` holds the parts of a plan that are
worked out rather than chosen (the milk-removal schedule, the feeding amounts, the timeline).
"""

from careplan.rules.engine import build_plan

__all__ = ["build_plan"]
