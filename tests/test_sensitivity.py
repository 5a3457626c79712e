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


def test_sobol_with_a_tiny_base_sample_warns_before_running(tmp_path, monkeypatch, caplog):
    import logging

    import pytest

    from sim.validation import sensitivity as module

    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(module, "run_batch", stop)
    with caplog.at_level(logging.WARNING, logger="sim"), pytest.raises(Stop):
        sensitivity(tmp_path, "sobol", n=8, reps=1)
    assert f"use --n {module.SOBOL_MIN_N} or more" in caplog.text and "--n 8" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sim"), pytest.raises(Stop):
        sensitivity(tmp_path, "sobol", n=module.SOBOL_MIN_N, reps=1)
    assert "sampling error" not in caplog.text
