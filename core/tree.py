"""What else must follow when the branch tree changes shape.

The tree (branches/) sits below the roll-up store that sums records up it (metrics/), so it
cannot call the store; the store registers here instead (MetricsConfig.ready) and the tree's
write path calls subtree_moved() inside its transaction.
"""

from collections.abc import Callable

_ON_MOVE: list[Callable[[], None]] = []


def on_subtree_moved(handler: Callable[[], None]) -> None:
    if handler not in _ON_MOVE:
        _ON_MOVE.append(handler)


def subtree_moved() -> None:
    for handler in _ON_MOVE:
        handler()
