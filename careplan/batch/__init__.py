"""Rendering many intakes at once, on any executor (worker processes here, or a Dask cluster).

:mod:`.run` is the one entry point, :func:`~careplan.batch.run.run_batch`: it expands the :mod:`.inputs`, locks
the folder and reads its :mod:`.state` (manifest, journals), skips what the :mod:`.fingerprint` says is up to date,
gives outputs their :mod:`.naming`, and hands the rest to the :mod:`.scheduler`, which feeds the :mod:`.worker`
on a pool from :mod:`.executors` and shows :mod:`.progress`. What happened is a :mod:`.report`.
"""
