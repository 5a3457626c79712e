"""Growth accounting of the simulated economy: yearly firm snapshots, the decompositions, ``xinhui-sim explain``."""
