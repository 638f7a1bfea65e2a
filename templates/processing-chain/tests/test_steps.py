"""Tests of the processing steps."""

import math

import pytest

from {{ package_name }} import clean, normalise, run


def test_clean_drops_missing_and_infinite_values() -> None:
    assert clean([1.0, math.nan, 2.0, math.inf, -math.inf]) == [1.0, 2.0]


def test_normalise_maps_onto_unit_interval() -> None:
    assert normalise([10.0, 15.0, 20.0]) == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("values", [[], [3.0], [7.0, 7.0, 7.0]])
def test_normalise_degenerate_series(values: list[float]) -> None:
    assert normalise(values) == [0.0] * len(values)


def test_run_chains_the_steps() -> None:
    assert run([4.0, math.nan, 2.0, 3.0]) == [1.0, 0.0, 0.5]
