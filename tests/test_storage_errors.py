"""A full disk or a read-only output folder: a clear one-line error naming the path, exit code 1, no traceback, and
nothing half-written; once space is freed the same command resumes the run with every sample once.

The small and read-only file systems are tmpfs mounts inside a user and mount namespace (``unshare -rm``), so the
tests need no privileges and leave nothing mounted; every step of a case runs in one shell inside that namespace.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], check=False).returncode != 0,
    reason="needs unshare with user namespaces to mount a small tmpfs",
)

SUITE = f"{shlex.quote(sys.executable)} -m reasonsuite"
MASSE_BATCH = "eval run --task masse --mode deterministic --limit 20 --chunk-size 8"  # 20 racks + 20 frames


def _in_namespace(script: str, mounts: dict[Path, str], logs: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with each folder of ``mounts`` a fresh tmpfs with those mount options."""
    lines = ["set -u"]
    for folder, options in mounts.items():
        folder.mkdir(parents=True, exist_ok=True)
        lines.append(f"mount -t tmpfs -o {options} tmpfs {shlex.quote(str(folder))}")
    lines.append(script)
    logs.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["unshare", "-rm", "sh", "-c", "\n".join(lines)], capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip


def _step(logs: Path, name: str, command: str) -> str:
    """A shell step that runs a suite command and keeps its exit code, stdout and stderr in ``logs``."""
    out = shlex.quote(str(logs / name))
    return f"{SUITE} {command} >{out}.out 2>{out}.err; echo $? >{out}.rc"


def _result(logs: Path, name: str) -> tuple[int, str]:
    return int((logs / f"{name}.rc").read_text()), (logs / f"{name}.err").read_text()


def test_a_full_disk_stops_a_batch_cleanly_and_the_run_resumes_once_space_is_freed(tmp_path) -> None:
    disk, logs, kept = tmp_path / "disk", tmp_path / "logs", tmp_path / "kept"
    run = disk / "run"
    script = "\n".join([
        _step(logs, "full", f"{MASSE_BATCH} --out {run}"),
        f"cp -r {run} {kept}-after-full",  # the tmpfs goes with the namespace
        f"mount -o remount,size=1m {disk}",
        _step(logs, "resumed", f"{MASSE_BATCH} --out {run}"),
        f"cp -r {run} {kept}-resumed",
    ])  # fmt: skip
    _in_namespace(script, {disk: "size=8k"}, logs)

    code, err = _result(logs, "full")
    assert code == 1
    assert f"{run}/samples.jsonl: No space left on device" in err and "run the command again" in err
    assert "Traceback" not in err
    after_full = Path(f"{kept}-after-full")
    written = (after_full / "samples.jsonl").read_bytes()
    assert written.endswith(b"\n"), "a chunk that did not fit was cut back to whole records"
    assert 0 < len(written.splitlines()) < 40
    assert [p.name for p in after_full.iterdir()] == ["samples.jsonl"], "no temporary or results file is left"

    code, err = _result(logs, "resumed")
    assert code == 0, err
    resumed = Path(f"{kept}-resumed")
    ids = [json.loads(line)["doc_id"] for line in (resumed / "samples.jsonl").read_text().splitlines()]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert json.loads((resumed / "results.json").read_text())["completed"] == 40


def test_a_read_only_output_folder_is_a_clear_error(tmp_path) -> None:
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    _in_namespace(_step(logs, "masse", f"masse run --sample 1 --out {disk / 'rack'}"), {disk: "size=1m,ro"}, logs)
    code, err = _result(logs, "masse")
    assert code == 1
    assert f"{disk / 'rack'}: Read-only file system; choose an output folder on a writable file system" in err
    assert "Traceback" not in err


def test_a_file_that_does_not_fit_leaves_the_old_one_and_no_temporary(tmp_path) -> None:
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    probe = "\n".join([
        "import os, sys",
        "from pathlib import Path",
        "from reasonsuite.atomic_files import write_bytes_atomically",
        "target = Path(sys.argv[1])",
        "write_bytes_atomically(target, b'old')",
        "try:",
        "    write_bytes_atomically(target, b'x' * 200_000)",
        "except OSError as err:",
        "    print(err.errno, err.filename, target.read_bytes().decode(), sorted(os.listdir(target.parent)))",
    ])  # fmt: skip
    (tmp_path / "probe.py").write_text(probe)
    target = disk / "report.pdf"
    script = f"{shlex.quote(sys.executable)} {tmp_path / 'probe.py'} {target} >{logs / 'probe.out'} 2>&1"
    _in_namespace(script, {disk: "size=64k"}, logs)
    assert (logs / "probe.out").read_text().split() == ["28", str(target), "old", "['report.pdf']"]


def test_a_full_disk_under_a_structural_check_names_its_checkpoint_database(tmp_path) -> None:
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    _in_namespace(_step(logs, "masse", f"masse run --sample 1 --out {disk / 'rack'}"), {disk: "size=8k"}, logs)
    code, err = _result(logs, "masse")
    assert code == 1
    # SQLite says "database or disk is full" or "disk I/O error", depending on the write that found the disk full
    assert "checkpoints.sqlite in the output folder): " in err and "; free some space and run the command again" in err
    assert "Traceback" not in err
