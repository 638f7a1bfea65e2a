"""Tests of the command line, on files."""

from pathlib import Path

import pytest

from {{ package_name }}.cli import main


def test_main_processes_a_file(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("# header\n2\n\nnan\n4\n3  # comment\n", encoding="utf-8")
    target = tmp_path / "out" / "result.txt"

    assert main([str(source), str(target)]) == 0

    assert target.read_text(encoding="utf-8").split() == ["0", "1", "0.5"]


def test_main_reports_a_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.txt"
    source.write_text("1\nabc\n", encoding="utf-8")

    assert main([str(source), str(tmp_path / "out.txt")]) == 1

    assert "in.txt:2: not a number: 'abc'" in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_sample_data_runs(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "data" / "sample.txt"
    assert main([str(sample), str(tmp_path / "sample.txt")]) == 0
