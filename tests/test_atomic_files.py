"""A folder written through ``staged_folder`` appears whole or not at all."""

from __future__ import annotations

import pytest

from reasonsuite.atomic_files import staged_folder


def test_a_finished_block_replaces_the_old_folder_and_leaves_no_staging(tmp_path) -> None:
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.bin").write_text("old")
    with staged_folder(target) as staging:
        assert staging.parent == tmp_path and staging.name.startswith(".model-")
        (staging / "new.bin").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_an_interrupted_block_keeps_the_old_folder_and_removes_the_half_written_one(tmp_path) -> None:
    target = tmp_path / "nested" / "model"
    with pytest.raises(KeyboardInterrupt), staged_folder(target) as staging:
        (staging / "half.bin").write_text("half")
        raise KeyboardInterrupt
    assert not target.exists()
    assert list((tmp_path / "nested").iterdir()) == []
