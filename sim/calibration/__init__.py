"""Calibration: simulation-based Bayesian calibration (ABC-SMC) of scenario parameters to observed figures.

``config`` reads and validates a calibration file, ``abc`` is the sampler, ``simulate`` runs the model
through the batch executors, ``report`` writes the outputs, ``state`` lets an interrupted run resume and
``posterior`` feeds a posterior to ``batch``. Guide: docs/calibration.md §5.
"""
