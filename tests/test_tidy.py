import pytest

from generator.core.address import tidy_address


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4 WEST GARDENS, KINGSMERE", "4 West Gardens, Kingsmere"),
        ("FLAT 2A, 14 ST. JOHN'S ROAD, NORTHBROOK", "Flat 2A, 14 St. John's Road, Northbrook"),
        ("LAND TO THE REAR OF 9 MILL LANE", "Land to the Rear of 9 Mill Lane"),
        ("UNIT 3, NB3 4QT", "Unit 3, NB3 4QT"),
        ("  12   HIGH  STREET ", "12 High Street"),
        ("12 High Street, Northbrook", "12 High Street, Northbrook"),  # already tidy
        ("", ""),
    ],
)
def test_tidy_address(raw, expected):
    assert tidy_address(raw) == expected
