"""The camera's pixel formats and their unpacking into numpy arrays.

Layouts (facts.md section 3, src/pixel/pixel_format.h): rows are dense, each
row ceil(width * bits_per_px / 8) bytes, a partial packing group at the end of
a row rounded up to whole bytes.
  BayerGR8                 1 byte a pixel
  BayerGR10, BayerGR12     16-bit little-endian container, value right-aligned
  BayerGR10p, BayerGR12p   LSB-first bit stream (4 px in 5 bytes, 2 in 3)
  BayerGR10g40IDS          4 px in 5 bytes: 4 MSB bytes (bits 9:2), then one
                           byte of 2-bit LSBs, P0's lowest (MIPI RAW10)
  BayerGR12g24IDS          2 px in 3 bytes: 2 MSB bytes (bits 11:4), then one
                           byte of 4-bit LSBs, P0's lowest (MIPI RAW12)
A partial group of k pixels in the g formats is k MSB bytes, then the LSB
byte. Unpacked values keep the format's own depth (0..2**bits-1).

Unpacking is vectorised and reads the payload in place: each pixel of a group
is one or two ufuncs over a strided view of every group's bytes at its offset
(an unaligned little-endian uint16 where a pixel spans two bytes).
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PixelFormat:
    name: str
    code: int         # PFNC (or IDS) code, the PixelFormat enum value
    bits: int         # significant bits of a pixel
    bits_per_px: int  # bits a pixel takes on the wire
    group_px: int     # pixels in a packing group

    @property
    def dtype(self):
        return np.uint8 if self.bits == 8 else np.uint16

    def row_bytes(self, width):
        return (width * self.bits_per_px + 7) // 8


FORMATS = (
    PixelFormat("BayerGR8", 0x01080008, 8, 8, 1),
    PixelFormat("BayerGR10", 0x0110000C, 10, 16, 1),
    PixelFormat("BayerGR12", 0x01100010, 12, 16, 1),
    PixelFormat("BayerGR10p", 0x010A0056, 10, 10, 4),
    PixelFormat("BayerGR12p", 0x010C0057, 12, 12, 2),
    PixelFormat("BayerGR10g40IDS", 0x40000003, 10, 10, 4),
    PixelFormat("BayerGR12g24IDS", 0x40000013, 12, 12, 2),
)
BY_CODE = {f.code: f for f in FORMATS}
BY_NAME = {f.name: f for f in FORMATS}


def format_name(code):
    """The format's name, or its code in hex when the module does not know it."""
    f = BY_CODE.get(code)
    return f.name if f else f"0x{code:08X}"


def _field(buf, rows, row_stride, groups, group_bytes, offset, dtype):
    """Every group's bytes at `offset` (1 or, unaligned, 2 of them) as a
    (rows, groups) view of `buf`, no copy."""
    return np.ndarray((rows, groups), dtype, buffer=buf, offset=offset,
                      strides=(row_stride, group_bytes))


def _unpack_groups(fmt, buf, rows, row_stride, groups, out):
    """Unpack `groups` whole groups of each row of `buf` into out, a
    (rows, groups, group_px) uint16 array."""
    gb = fmt.group_px * fmt.bits_per_px // 8

    def u16(offset):  # bytes offset, offset + 1 of each group, little-endian
        return _field(buf, rows, row_stride, groups, gb, offset, "<u2")

    def u8(offset):
        return _field(buf, rows, row_stride, groups, gb, offset, np.uint8)

    if fmt.name == "BayerGR12p":  # P0 = bits 0..11, P1 = bits 12..23
        np.bitwise_and(u16(0), 0xFFF, out=out[:, :, 0])
        np.right_shift(u16(1), 4, out=out[:, :, 1])
    elif fmt.name == "BayerGR10p":  # Pi = bits 10i..10i+9: in bytes i, i+1
        for i in range(4):
            o = out[:, :, i]
            np.right_shift(u16(i), 2 * i, out=o)
            o &= 0x3FF
    elif fmt.name == "BayerGR10g40IDS":  # Pi = byte i << 2 | byte 4 bits 2i..2i+1
        lsb, low = u8(4), np.empty((rows, groups), np.uint8)  # low: reused scratch
        for i in range(4):
            o = out[:, :, i]
            np.left_shift(u8(i), 2, out=o, dtype=np.uint16)
            np.right_shift(lsb, 2 * i, out=low)
            low &= 3
            o |= low
    elif fmt.name == "BayerGR12g24IDS":  # Pi = byte i << 4 | byte 2 bits 4i..4i+3
        lsb, low = u8(2), np.empty((rows, groups), np.uint8)
        np.left_shift(u8(0), 4, out=out[:, :, 0], dtype=np.uint16)
        np.bitwise_and(lsb, 0xF, out=low)
        out[:, :, 0] |= low
        np.left_shift(u8(1), 4, out=out[:, :, 1], dtype=np.uint16)
        np.right_shift(lsb, 4, out=low)
        out[:, :, 1] |= low
    else:
        raise ValueError(f"{fmt.name} is not a packed format")


def _tail_as_group(fmt, tail):
    """A row's partial group (rows, bytes) laid out as a whole group."""
    group_bytes = fmt.group_px * fmt.bits_per_px // 8
    padded = np.zeros((tail.shape[0], group_bytes), np.uint8)
    if fmt.name.endswith("IDS"):  # k MSB bytes, then the LSB byte: it goes last
        padded[:, : tail.shape[1] - 1] = tail[:, :-1]
        padded[:, -1] = tail[:, -1]
    else:  # LSB-first bit stream: the missing bits are the high ones
        padded[:, : tail.shape[1]] = tail
    return padded


def unpack(fmt, data, width, height):
    """A payload (any buffer) as a (height, width) array: uint8 for 8-bit
    formats, uint16 holding the format's own depth otherwise. The array owns
    its memory (the payload may be freed after)."""
    if isinstance(fmt, str):
        fmt = BY_NAME[fmt]
    row_bytes = fmt.row_bytes(width)
    raw = np.frombuffer(data, np.uint8)
    if raw.size != row_bytes * height:
        raise ValueError(f"{fmt.name} {width}x{height} takes {row_bytes * height} bytes, "
                         f"the payload has {raw.size}")
    raw = raw.reshape(height, row_bytes)
    if fmt.bits_per_px == 8:
        return raw.copy()
    if fmt.bits_per_px == 16:
        return raw.view("<u2") & np.uint16((1 << fmt.bits) - 1)
    group_bytes = fmt.group_px * fmt.bits_per_px // 8
    whole = width // fmt.group_px
    k = width - whole * fmt.group_px
    if k == 0:  # the camera's case (Width steps by 12): unpack straight into the result
        out = np.empty((height, whole, fmt.group_px), np.uint16)
        _unpack_groups(fmt, raw, height, row_bytes, whole, out)
        return out.reshape(height, width)
    out = np.empty((height, width), np.uint16)
    body = np.empty((height, whole, fmt.group_px), np.uint16)
    _unpack_groups(fmt, raw, height, row_bytes, whole, body)
    out[:, : whole * fmt.group_px] = body.reshape(height, -1)
    tail = _tail_as_group(fmt, raw[:, whole * group_bytes:])
    group = np.empty((height, 1, fmt.group_px), np.uint16)
    _unpack_groups(fmt, tail, height, group_bytes, 1, group)
    out[:, whole * fmt.group_px:] = group[:, 0, :k]
    return out
