"""
The image policy (news.images) on photos as editors upload them, and on image bombs: for
each case, the upload's size, the time clean_image takes and the memory one process needs
for it (peak resident size of a fresh process that only reads the file and cleans it, and
how much of it came while cleaning).

    .venv/bin/python bench/image_policy.py

Needs no database. The photos are drawn here (a gradient under noise, so that JPEG
compresses them as little as a real photo); the bomb is tests/images.huge_png.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")


def photo(size, quality):
    from PIL import Image

    base = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.5).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def progressive_bomb():
    """One colour, 4:4:4: a small file whose decoder must hold every coefficient (6 bytes a pixel)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (12600, 12600), (128, 128, 128)).save(
        buffer, format="JPEG", quality=50, progressive=True, subsampling=0
    )
    return buffer.getvalue()


def noisy_gif(frames=1000, size=(1601, 24)):
    """Frames of four colours in noise, just wider than IMAGE_MAX_WIDTH: scaled, each has thousands."""
    from PIL import Image

    drawn = []
    for _ in range(frames):
        frame = Image.frombytes("L", size, bytes(b % 4 for b in os.urandom(size[0] * size[1]))).convert("P")
        frame.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255] + [0] * 756)
        drawn.append(frame)
    buffer = io.BytesIO()
    drawn[0].save(buffer, format="GIF", save_all=True, append_images=drawn[1:], duration=50, loop=0)
    return buffer.getvalue()


CASES = {
    "12 MP phone photo (4032×3024)": lambda: photo((4032, 3024), 95),
    "48 MP phone photo (8064×6048)": lambda: photo((8064, 6048), 95),
    "108 MP phone photo (12000×9000)": lambda: photo((12000, 9000), 50),
    "159 MP progressive JPEG bomb (12600×12600)": lambda: progressive_bomb(),
    "GIF of 1000 noisy frames of 1601×24 (38 MP)": noisy_gif,
    "GIF of 100,000 one-pixel frames": lambda: __import__("tests.images", fromlist=["x"]).many_frame_gif(100_000),
    "177 MP PNG bomb (13300×13300)": lambda: __import__("tests.images", fromlist=["huge_png"]).huge_png(),
}


def high_water_mb():
    """This process's peak resident size (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def clean_one(path):
    """In a fresh process: read the file, clean it, print what came out as JSON."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from news.images import clean_image

    data = Path(path).read_bytes()
    before = high_water_mb()
    started = time.perf_counter()
    try:
        image = clean_image(ContentFile(data, name=Path(path).name))
        outcome = f"stored {image.width}×{image.height} {image.extension}, {len(image.content) / 1e6:.2f} MB"
    except ValidationError as refusal:
        outcome = "refused: " + " ".join(refusal.messages)
    elapsed = time.perf_counter() - started
    peak = high_water_mb()
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "added_mb": peak - before, "outcome": outcome}))


def main():
    with tempfile.TemporaryDirectory() as folder:
        for name, build in CASES.items():
            path = Path(folder) / ("upload.png" if "PNG" in name else "upload.gif" if "GIF" in name else "upload.jpg")
            path.write_bytes(build())
            result = subprocess.run(
                [sys.executable, __file__, "--clean", str(path)], capture_output=True, text=True, check=True
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{name}: upload {path.stat().st_size / 1e6:.1f} MB, {figures['seconds']:.2f} s, "
                f"peak {figures['peak_mb']:.0f} MB (+{figures['added_mb']:.0f} MB while cleaning); {figures['outcome']}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--clean"]:
        clean_one(sys.argv[2])
    else:
        main()
