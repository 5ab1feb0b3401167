"""Cut an iterable into lists of at most ``size`` items (bounds memory, not correctness)."""

from collections.abc import Iterable, Iterator
from itertools import islice


def batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
