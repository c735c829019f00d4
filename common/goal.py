"""The petition's goal, which steps up once reached: `goal` in data/petition.yml is one number
(`goal: 10000`) or a rising list of steps (`goal: [10000, 20000, 50000]`).

The goal shown is the first step the count has not reached yet; once the last step is
reached, the last step stays (the bar is full). Standard library only: shared by the build
and the action service (service/markup.py), like the rest of common/.
"""

from __future__ import annotations

import itertools

GOAL_HINT = ("écrivez un nombre entier positif (`goal: 10000`) ou une liste de paliers "
             "croissants (`goal: [10000, 20000, 50000]`), sans espace dans les nombres")


def goal_steps(value) -> tuple[int, ...] | None:
    """The steps of a `goal` value as read from YAML, or None when it is not a positive
    whole number nor a strictly rising list of them."""
    values = value if isinstance(value, list) else [value]
    if not values or any(isinstance(v, bool) or not isinstance(v, int) or v < 1
                         for v in values):
        return None
    if any(later <= earlier for earlier, later in itertools.pairwise(values)):
        return None
    return tuple(values)


def goal_for(count: int, steps: tuple[int, ...] | list[int]) -> int:
    """The goal to show for `count`: the first step not reached yet, else the last."""
    for step in steps:
        if count < step:
            return step
    return steps[-1]
