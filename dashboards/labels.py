"""Readable names of split keys ("sector:tech" → 科技) from the record models' field choices."""

from functools import cache

from metrics.rollup import record_models


@cache
def _dimensions() -> dict[tuple[str, str], tuple[object, dict]]:
    """(metric, dimension) → (the field's verbose name, {value: choice label}); labels stay lazy."""
    out: dict[tuple[str, str], tuple[object, dict]] = {}
    for model in record_models():
        for measure in model.measures:
            for dimension in measure.spec.split_by:
                field = model._meta.get_field(dimension)
                out[(measure.metric, dimension)] = (field.verbose_name, dict(field.flatchoices))
    return out


def dimension_label(metric: str, dimension: str) -> str:
    found = _dimensions().get((metric, dimension))
    return str(found[0]) if found else dimension


def split_label(metric: str, split: str) -> str:
    """The choice label of a split key's value; the raw value when it is not a known choice."""
    dimension, _sep, value = split.partition(":")
    found = _dimensions().get((metric, dimension))
    if found is None:
        return value
    return str(found[1].get(value, value))
