"""The benchmark runs, every library reaches the same loss, and the book's page is up to date.

Speed itself is never asserted here (it depends on the machine); `make bench` measures it.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--quick",
        "--no-memory",
        "--repeats",
        "1",
        "--out",
        str(out),
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.read_text())


@pytest.mark.parametrize("workload", ["W1", "W3"])
def test_every_implementation_reaches_the_same_loss(quick_results, workload):
    rows = quick_results["workloads"][workload]["rows"]
    ref = rows["nbcore f32"]["final_loss"]
    for impl, row in rows.items():
        assert row["final_loss"] == pytest.approx(ref, rel=1e-3), impl


def test_w2_reports_the_gemm_floor(quick_results):
    entry = quick_results["workloads"]["W2"]
    assert 0 < entry["gemm_fraction_nbcore_f32"]
    assert entry["rows"]["nbcore f32"]["final_loss"] == pytest.approx(
        entry["rows"]["sklearn f32"]["final_loss"], rel=1e-2
    )


@pytest.mark.parametrize("workload", ["W1", "W2"])
def test_sklearn_loss_differs_only_by_its_adam_eps_rule(quick_results, workload):
    check = quick_results["workloads"][workload]["eps_rule_check"]
    assert check["eps"] == 1e-8
    sklearn = check["sklearn f32"]
    assert check["nbcore f32, scikit-learn's rule"] == pytest.approx(sklearn, rel=1e-6)


def _committed():
    return json.loads((ROOT / "benchmarks" / "results.json").read_text())


@pytest.mark.parametrize("workload", ["W1", "W3"])
def test_committed_results_agree_on_the_final_loss(workload):
    """The full runs on the book's page: every library within 1e-3 of nbcore float32."""
    rows = _committed()["workloads"][workload]["rows"]
    ref = rows["nbcore f32"]["final_loss"]
    for impl, row in rows.items():
        assert row["final_loss"] == pytest.approx(ref, rel=1e-3), impl


@pytest.mark.parametrize("workload", ["W1", "W2"])
def test_committed_eps_rule_check(workload):
    check = _committed()["workloads"][workload]["eps_rule_check"]
    sklearn = check["sklearn f32"]
    assert check["nbcore f32, scikit-learn's rule"] == pytest.approx(sklearn, rel=1e-6)


def test_w2_float64_runs_agree(quick_results):
    losses = quick_results["workloads"]["W2"]["float64_final_losses"]
    if "torch" not in losses:
        pytest.skip("PyTorch is not installed")
    assert losses["torch"] == pytest.approx(losses["nbcore"], rel=1e-9)


def test_book_page_matches_committed_results():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "report.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
