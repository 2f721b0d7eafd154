"""PostgreSQL array literals of the fast insert path."""

import datetime

import pytest

from imports.bulk import array_literal


@pytest.mark.parametrize(
    ("values", "literal"),
    [
        (["a", "b"], '{"a","b"}'),
        (["", "x y"], '{"","x y"}'),
        (['a","b'], '{"a\\",\\"b"}'),
        (['say "hi"', "ok"], '{"say \\"hi\\"","ok"}'),
        (["x\\y"], '{"x\\\\y"}'),
        ([None, "a"], '{NULL,"a"}'),
        (["NULL"], '{"NULL"}'),
        ([1, None, 3], "{1,NULL,3}"),
        ([True, False], "{t,f}"),
        ([datetime.date(2020, 10, 8)], '{"2020-10-08"}'),
    ],
)
def test_array_literal_quotes_every_value(values, literal):
    assert array_literal(values) == literal
