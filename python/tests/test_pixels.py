"""twincam.pixels.unpack against the layouts as facts.md section 3 words them:
known answers per format, and a bit-by-bit reference for every width 1..13
(partial packing groups at a row's end included)."""
import numpy as np
import pytest

from twincam import pixels

PACKED = ["BayerGR10p", "BayerGR12p", "BayerGR10g40IDS", "BayerGR12g24IDS"]


def reference_row(name, row, width):
    """One row, a pixel at a time, from the layout's words."""
    f = pixels.BY_NAME[name]
    out = []
    for i in range(width):
        if name == "BayerGR8":
            v = row[i]
        elif f.bits_per_px == 16:  # little-endian container, value right-aligned
            v = (row[2 * i] | row[2 * i + 1] << 8) & ((1 << f.bits) - 1)
        elif name.endswith("p"):  # LSB-first bit stream
            v = sum(((row[b // 8] >> (b % 8)) & 1) << (b - i * f.bits)
                    for b in range(i * f.bits, (i + 1) * f.bits))
        else:  # k MSB bytes, then the LSB byte; pixel j's LSBs at bits j*lsb..
            g, j = divmod(i, f.group_px)
            k = min(f.group_px, width - g * f.group_px)
            base = g * f.group_px * f.bits_per_px // 8
            lsb_bits = f.bits - 8
            v = row[base + j] << lsb_bits | (row[base + k] >> (lsb_bits * j)) & ((1 << lsb_bits) - 1)
        out.append(v)
    return out


@pytest.mark.parametrize("name, values, payload", [
    # facts.md: B0=P0[7:0], B1=P1[3:0]<<4 | P0[11:8], B2=P1[11:4]
    ("BayerGR12p", [0xABC, 0x123], [0xBC, 0x3A, 0x12]),
    # B0 = P0[11:4], B1 = P1[11:4], B2 = P1[3:0]<<4 | P0[3:0]
    ("BayerGR12g24IDS", [0xABC, 0x123], [0xAB, 0x12, 0x3C]),
    # B0..B3 = Pi[9:2]; B4 = P3[1:0]<<6 | P2[1:0]<<4 | P1[1:0]<<2 | P0[1:0]
    ("BayerGR10g40IDS", [0x3FF, 0x001, 0x202, 0x0C3], [0xFF, 0x00, 0x80, 0x30, 0b11100111]),
    # LSB-first stream: P0 bits 0..9, P1 10..19, P2 20..29, P3 30..39
    ("BayerGR10p", [0x3FF, 0x001, 0x202, 0x0C3],
     [0xFF, 0b00000111, 0b00100000, 0b11100000, 0b00110000]),
    ("BayerGR12", [0xABC, 0x123], [0xBC, 0x0A, 0x23, 0x01]),
    ("BayerGR10", [0x3FF, 0x001], [0xFF, 0x03, 0x01, 0x00]),
    ("BayerGR8", [0xAB, 0x01], [0xAB, 0x01]),
])
def test_known_answers(name, values, payload):
    img = pixels.unpack(name, bytes(payload), len(values), 1)
    assert img.tolist() == [values]
    assert img.dtype == (np.uint8 if name == "BayerGR8" else np.uint16)


@pytest.mark.parametrize("name", [f.name for f in pixels.FORMATS])
@pytest.mark.parametrize("width", range(1, 14))
def test_matches_the_bitwise_reference(name, width):
    f = pixels.BY_NAME[name]
    height = 3
    rng = np.random.default_rng(width)
    data = rng.integers(0, 256, f.row_bytes(width) * height, dtype=np.uint8)
    img = pixels.unpack(f, data.tobytes(), width, height)
    assert img.shape == (height, width)
    rows = data.reshape(height, -1)
    assert img.tolist() == [reference_row(name, list(r), width) for r in rows]


@pytest.mark.parametrize("name", PACKED)
def test_values_stay_within_the_depth(name):
    f = pixels.BY_NAME[name]
    data = bytes([0xFF]) * f.row_bytes(24) * 2
    img = pixels.unpack(f, data, 24, 2)
    assert (img == (1 << f.bits) - 1).all()


def test_wrong_payload_size_is_refused():
    with pytest.raises(ValueError, match="takes 18 bytes"):
        pixels.unpack("BayerGR12p", bytes(17), 4, 3)


def test_row_bytes_round_a_partial_group_up():
    assert pixels.BY_NAME["BayerGR10p"].row_bytes(4056) == 5070
    assert pixels.BY_NAME["BayerGR10p"].row_bytes(5) == 7   # 50 bits
    assert pixels.BY_NAME["BayerGR12g24IDS"].row_bytes(3) == 5
    assert pixels.format_name(0x01080008) == "BayerGR8"
    assert pixels.format_name(0x12345678) == "0x12345678"
