"""Images the image policy's tests upload, built in memory."""

import io
import struct
import zlib

from PIL import Image, ImageSequence


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width=13_300, height=13_300):
    """
    A valid PNG that claims width × height pixels (177 megapixels by default) in a small
    file: one bit a pixel, every row zero, which zlib packs about a thousand to one.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    rows = 1024
    data = b"".join(compressor.compress(row * rows) for _ in range(height // rows))
    data += compressor.compress(row * (height % rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def jpeg_with_gps(size=(40, 30)):
    """A JPEG whose EXIF data holds a camera and a GPS position (乌达区)."""
    image = Image.new("RGB", size, (200, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 30.0, 0.0), 3: "E", 4: (106.0, 43.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def animated_gif(durations=(100, 250), loop=0, comment=b"", transparency=None, disposal=0):
    """
    A GIF of len(durations) frames, each a different colour with a moving bar, looping
    `loop` times (None: played once).
    """
    frames = []
    for number in range(len(durations)):
        frame = Image.new("P", (20, 10), number)
        frame.putpalette([255, 0, 0, 0, 0, 255, 0, 128, 0, 255, 255, 0] + [0] * 756)
        for x in range(5):
            frame.putpixel((x + number * 5, 5), (number + 1) % 4)
        frames.append(frame)
    options = {"save_all": True, "append_images": frames[1:], "duration": list(durations), "disposal": disposal}
    for name, value in (("loop", loop), ("comment", comment or None), ("transparency", transparency)):
        if value is not None:
            options[name] = value
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", **options)
    return buffer.getvalue()


def rendered_frames(data):
    """What a viewer shows of each frame of an animation, as RGBA bytes."""
    with Image.open(io.BytesIO(data)) as image:
        return [frame.convert("RGBA").tobytes() for frame in ImageSequence.Iterator(image)]


def many_frame_gif(frames, size=(1, 1)):
    """
    A GIF of `frames` frames of `size`, alternately red and black, written byte by byte
    (about 25 bytes a frame at 1×1: a 30 MB upload holds over a million of them).
    """
    width, height = size
    header = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + bytes([0, 0, 0, 255, 0, 0])
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"

    def frame(colour):
        # LZW with 2-bit minimum code size: clear (4), the colour, end (5), 3 bits each.
        codes = 4 | (colour << 3) | (5 << 6)
        data = bytes([codes & 0xFF, codes >> 8]) if width * height == 1 else None
        if data is None:
            raise ValueError("only 1×1 frames are written by hand")
        delay = b"\x21\xf9\x04\x00\x02\x00\x00\x00"
        return delay + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02" + data + b"\x00"

    red, black = frame(1), frame(0)
    return header + loop + b"".join(red if n % 2 == 0 else black for n in range(frames)) + b"\x3b"
