"""Batches of runs: scenario variants (and sweep points) x replicates with common random numbers,
on a process pool or Dask, streamed to Parquet parts, resumable; and their comparison (docs/batch.md)."""
