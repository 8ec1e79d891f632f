"""Rendering many intakes at once, on any executor (worker processes here, or a Dask cluster).

:mod:`.run` triages the inputs, names the outputs and folds the workers' journals into a :class:`BatchReport`;
:mod:`.worker` renders one plan in a worker process; :mod:`.executors` makes the pools; :mod:`.progress` shows
how far it got.
"""
