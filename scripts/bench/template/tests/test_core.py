import numpy as np

from {{ package_name }}.core import acceleration, propagate


def test_acceleration_points_to_earth(leo_state):
    assert acceleration(leo_state[:3])[0] < 0


def test_propagation_keeps_radius_roughly(leo_state):
    final = propagate(leo_state, 10.0, 60)
    assert abs(np.linalg.norm(final[:3]) - 7.0e6) < 5.0e5
