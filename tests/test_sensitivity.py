"""A tiny Morris analysis runs end to end and ranks the parameters for every output."""

from sim.validation.sensitivity import OUTPUTS, PARAMETERS, sensitivity


def test_morris_ranks_at_least_12_parameters(tmp_path):
    table = sensitivity(tmp_path, "morris", n=2, reps=1, seed=3, workers=2, progress=False)
    assert len(PARAMETERS) >= 12
    for output in OUTPUTS:
        ranked = table[table.output == output]
        assert sorted(ranked["rank"]) == list(range(1, len(PARAMETERS) + 1))
        assert (ranked.mu_star >= 0).all() and ranked.mu_star.max() > 0
    assert "firms.capital_output_ratio" in (tmp_path / "sensitivity.md").read_text(encoding="utf-8")
