"""Limits on what input may ask for: every file, string, sweep, argument and run is bounded here, in one place.

Each limit keeps a hostile or careless input (a YAML bomb, a FIFO, a 10^7-point sweep, ``--reps 10**9``) from
hanging the machine or filling its memory; each is far above what a real scenario of a county needs, and is
named in the one-line error that refuses it (``docs/batch.md``, "Refused input"). The values:

Files
    ``MAX_SCENARIO_BYTES`` 1 MiB: the shipped scenarios are at most 3 KB; a sweep with long value lists stays
    under 100 KB. Parsing 1 MiB of YAML takes about a second in pure Python.
    ``MAX_REGION_BYTES`` 4 MiB: the shipped region is 45 KB for 11 towns and 22 named villages; 4 MiB holds a
    region with every one of ~10,000 villages of a prefecture written out.
    ``MAX_YAML_NODES`` 200,000 values after alias expansion: the shipped region has ~4,000; a billion-laughs
    file (9 aliases of 9 aliases ...) or a quadratic blow-up (one long list aliased 10^4 times) stops here in
    well under a second and 100 MB, instead of taking GB.
    ``MAX_NESTING_DEPTH`` 32: the deepest shipped key (a sweep range item) is 4 levels down; Python's recursion
    limit (1,000) would otherwise turn a 3,000-deep ``[[[...]]]`` into a traceback.
    ``MAX_EXTENDS_CHAIN`` 16 files: the shipped variants use 2 (variant -> plan -> baseline).

Strings
    ``MAX_NAME_CHARS`` 100: a variant name labels rows of every table, run ids and report legends.
    ``MAX_PATH_CHARS`` 1,024 for ``extends`` and ``region`` (Linux refuses a file-name component over 255 bytes
    and a path over 4,096; a clear error comes first).
    ``MAX_STRING_CHARS`` 10,000 for any other string (a ``description`` of a page); ``MAX_KEY_CHARS`` 200 for a key.
    No string holds a NUL (it cannot be a file name) or a lone surrogate (it cannot be written as UTF-8).

Numbers
    Every numeric scenario key has a range in the schema (``docs/scenarios.md``) that keeps the model finite;
    ``MAX_WEIGHT`` 10^6 bounds a relative weight (``sector_mix``): weights are normalised, so only ratios matter,
    and 10^6 keeps their sum far from overflow.

Sweeps and batches
    ``MAX_SWEEP_POINTS`` 10,000 points in one sweep file (a Sobol sample of 64 x (2 x 20 + 2) = 2,688); each point
    is validated before the batch starts, about 1 ms each. ``MAX_REPS`` 10,000 replicates; ``MAX_RUNS`` 100,000
    runs in one batch (a run takes ~0.2-1 s; 100,000 is a day on a 2-core machine).
    ``MAX_SEED`` 2^63 - 1: seeds are int64 columns of the tables.
    Workers are capped at the machine's cores (``cores()``) unless a Dask scheduler elsewhere is given.

Work of one run (estimated from the resolved scenario before it runs, as upper bounds: ``sim.scenario.work``)
    ``MAX_PROJECTS_PER_YEAR`` 100,000 signed projects in the busiest year (projects_per_year x scale, grown by
    inflow_growth_per_year): the shipped plan asks for 110, and 55,000 at ``scale: 500``. The 10,000 a year at
    ``scale: 500`` of issue 15 (5 million) took 13 GB and 144 s.
    ``MAX_FIRMS`` 8 million firms at the end (initial firms x scale, grown by entry minus the lowest exit
    hazard, plus landed projects): the estimate is ~1.6 times the firms a run really has (plan at scale 500:
    4.3 million estimated, 2.7 million in the benchmarks), so at the limit a run holds ~5 million firms, about
    3 GB at the measured 0.63 KiB per live firm (benchmarks/README.md).
    ``MAX_FIRM_STEPS`` 1.5 billion estimated firm-steps (firms x steps over the horizon): about 1 billion real
    ones, half a minute at the measured 35 M firm-steps/s; the plan at scale 500 over 2023-2043 with monthly
    steps (1.14 billion estimated) still runs.
    ``MAX_RECORDS`` 1,000 records in a list (pairs, transport projects) and ``MAX_NEW_PARKS`` 100 new parks:
    each project weighs every park when it chooses one, so parks multiply the work of every project.
"""

from __future__ import annotations

import os

MAX_SCENARIO_BYTES = 1 << 20
MAX_REGION_BYTES = 4 << 20
MAX_YAML_NODES = 200_000
MAX_NESTING_DEPTH = 32
MAX_EXTENDS_CHAIN = 16

MAX_NAME_CHARS = 100
MAX_PATH_CHARS = 1024
MAX_STRING_CHARS = 10_000
MAX_KEY_CHARS = 200

MAX_WEIGHT = 1e6

MAX_SWEEP_POINTS = 10_000
MAX_REPS = 10_000
MAX_RUNS = 100_000
MAX_SEED = (1 << 63) - 1

MAX_PROJECTS_PER_YEAR = 100_000
MAX_FIRMS = 8_000_000
MAX_FIRM_STEPS = 1_500_000_000
MAX_RECORDS = 1_000
MAX_NEW_PARKS = 100


def cores() -> int:
    """Cores this process may use (the affinity mask where the OS has one, as a container limits it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
