from {{ package_name }}.config import load_config


def test_missing_file_gives_defaults(tmp_path):
    assert load_config(tmp_path / "missing.yaml").step_seconds == 10.0


def test_reads_step(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("step_seconds: 5\n")
    assert load_config(path).step_seconds == 5.0
