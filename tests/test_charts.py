"""Chart geometry keeps every label inside the drawing, even on a 390 px phone."""

import pytest

from salaries.charts import compact_count


@pytest.mark.parametrize(
    ("people", "label"),
    [(0, "0"), (480, "480"), (1000, "1k"), (1481, "1.5k"), (9_960, "10k"), (12_345, "12k")],
)
def test_the_people_axis_label_fits_its_margin(people, label):
    assert compact_count(people) == label
    assert len(compact_count(people)) <= 5  # the margin holds about five characters
