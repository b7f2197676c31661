"""MS-OVBA compression round-trips through oletools' independent decompressor."""

from __future__ import annotations

from branchkit.macros import xlwings_bas
from branchkit.ovba import compress
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream


def test_xlwings_module_round_trips() -> None:
    source = xlwings_bas().read_bytes()
    packed = compress(source)
    assert len(packed) < len(source) / 2
    assert decompress_stream(bytearray(packed)) == source


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=9000), st.text(alphabet="ab c\r\n=\"'", max_size=12000).map(str.encode)
    )
)
def test_anything_round_trips(data: bytes) -> None:
    assert decompress_stream(bytearray(compress(data))) == data
