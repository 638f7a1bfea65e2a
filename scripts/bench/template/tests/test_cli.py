import pytest

from {{ package_name }}.cli import build_parser, main


def test_version(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert "{{ project_slug }}" in capsys.readouterr().out


def test_main_runs(tmp_path):
    assert main(["--config", str(tmp_path / "none.yaml"), "--steps", "2"]) == 0
