import time
from unittest import mock

import pytest

from demo import samples


@pytest.mark.parametrize("build", [samples.docx, samples.xlsx, samples.pptx, samples.zip_archive])
def test_a_zip_based_sample_is_the_same_bytes_whenever_it_is_built(build):
    first = build()
    # zip entries carry a two-second timestamp: a later build must not differ by it
    with mock.patch.object(time, "time", return_value=time.time() + 3600):
        later = build()
    assert later == first
