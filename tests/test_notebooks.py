"""Every analysis notebook (analysis/*.ipynb) runs headless (nbclient) on a small batch made here (2 variants x
3 replicates, shared with tests/test_report.py), so that the notebooks never rot; they are stored without
outputs; each opens with ``sim.results.load(DIR)`` on the batch named in its first code cell, tagged
"parameters" (papermill style: the test injects its own DIR in a cell after it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.test_report import morris_table, small_batch

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
ANALYSIS = ROOT / "analysis"
NOTEBOOKS = sorted(ANALYSIS.glob("*.ipynb"))
KERNEL = "xinhui-sim-test"


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    return small_batch(tmp_path_factory)


@pytest.fixture(scope="module", autouse=True)
def kernel(tmp_path_factory):
    """A kernel spec that runs this interpreter (the project's .venv), whatever kernels the machine has."""
    data = tmp_path_factory.mktemp("jupyter")
    spec = data / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "xinhui-sim (test)", "language": "python"}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(data))
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        yield


def parameters_cell(nb) -> int:
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "a notebook needs exactly one cell tagged 'parameters'"
    return tagged[0]


def execute(path: Path, **parameters):
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    nb.cells.insert(parameters_cell(nb) + 1, nbformat.v4.new_code_cell(
        source, metadata={"tags": ["injected-parameters"]}))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(ANALYSIS)}})
    client.execute()
    return nb


def outputs(nb, kind: str | None = None) -> list:
    found = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return [o for o in found if kind is None or o.output_type == kind]


def text(nb, stream: str = "stdout") -> str:
    return "".join(o.text for o in outputs(nb, "stream") if o.name == stream)


def images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in outputs(nb) if o.output_type in ("display_data",
                                                                                          "execute_result"))


def test_there_are_the_five_notebooks():
    assert [p.stem for p in NOTEBOOKS] == ["01_quickstart", "02_policy_comparison", "03_towns_and_villages",
                                           "04_clusters_and_parks", "05_sensitivity"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs_and_opens_with_load(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs not stripped"
    first = parameters_cell(nb)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    assert code[0] == first, f"{path.name}: the parameters cell must be the first code cell"
    assert "DIR = " in nb.cells[first].source
    assert "load(DIR)" in nb.cells[code[1]].source, f"{path.name}: the second code cell must load(DIR)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_a_small_batch(path, batch):
    nb = execute(path, DIR=str(batch))  # raises CellExecutionError, with the traceback, if a cell fails
    assert not outputs(nb, "error")
    stderr = text(nb, "stderr")
    assert "missing from font" not in stderr and "Traceback" not in stderr, stderr
    if path.stem == "05_sensitivity":
        assert "No sensitivity results exist" in text(nb)
        assert images(nb) == 0
    else:
        assert images(nb) >= 2, f"{path.name} drew {images(nb)} charts"
    if path.stem == "02_policy_comparison":
        assert "Under plan, GDP reaches 1,300亿 in 2025 in" in text(nb)


def test_sensitivity_notebook_draws_the_ranking(batch, tmp_path):
    morris = tmp_path / "morris.csv"
    morris_table().to_csv(morris, index=False)
    nb = execute(ANALYSIS / "05_sensitivity.ipynb", DIR=str(batch), SENSITIVITY_CSV=str(morris))
    assert "morris, 3 parameters" in text(nb)
    assert images(nb) == 1


def test_sensitivity_ranking_reads_sobol_tables():
    from sim import plotting as xp

    table = morris_table().drop(columns=["mu_star", "mu_star_conf", "sigma"])
    table = table.assign(S1=0.3, S1_conf=0.05, ST=[0.5, 0.3, 0.1] * 3, ST_conf=0.05)
    assert xp.sensitivity_method(table) == "sobol"
    fig = xp.sensitivity_ranking(table)
    assert fig.legends and fig._suptitle.get_text().startswith("Sensitivity ranking (Sobol)")
    xp.close(fig)
