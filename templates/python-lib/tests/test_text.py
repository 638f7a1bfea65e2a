"""Tests of {{ package_name }}.text."""

import pytest

from {{ package_name }} import slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello World", "hello-world"),
        ("  Évolution du Niveau  ", "evolution-du-niveau"),
        ("a--b__c", "a-b-c"),
        ("Orbit #42 (v2)", "orbit-42-v2"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_slugify_custom_separator() -> None:
    assert slugify("Sea Level Anomaly", separator="_") == "sea_level_anomaly"
