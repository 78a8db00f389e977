#!/usr/bin/python3
"""Renders the digit templates of the NIK recogniser into models/nik-glyphs/.

    /usr/bin/python3 models/tools/render_nik_glyphs.py [--size 96] [--out models/nik-glyphs]

For each typeface below, draws the digits 0-9 black on white at --size px, crops each glyph
to the bounding box of its inked (non-white) pixels and saves it as an 8-bit grayscale PNG
<out>/<font-stem>/<digit>.png. manifest.json records, per glyph, the crop size and its offset
from the pen origin and baseline, and per font the advance width, so a matcher can reason
about spacing and vertical position as well as shape.
"""
import argparse
import json
import os

from PIL import Image, ImageDraw, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/ocr-a/OCRA.ttf",
    "/usr/share/fonts/truetype/ocr-a/OCRABold.ttf",
    "/usr/share/fonts/truetype/ocr-a/OCRACondensed.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "nik-glyphs")))
    args = ap.parse_args()
    manifest = {"size_px": args.size, "digits": "0123456789", "fonts": {}}
    for path in FONTS:
        if not os.path.exists(path):
            raise SystemExit("missing font %s (see models/nik-glyphs/README.md)" % path)
        stem = os.path.splitext(os.path.basename(path))[0]
        f = ImageFont.truetype(path, args.size)
        ascent, descent = f.getmetrics()
        d_out = os.path.join(args.out, stem)
        os.makedirs(d_out, exist_ok=True)
        entry = {"file": os.path.basename(path), "ascent": ascent, "descent": descent, "glyphs": {}}
        for ch in "0123456789":
            canvas = Image.new("L", (args.size * 2, args.size * 2), 255)
            ox, oy = args.size // 2, args.size // 2
            ImageDraw.Draw(canvas).text((ox, oy), ch, font=f, fill=0)
            bbox = canvas.point(lambda v: 255 - v).getbbox()
            glyph = canvas.crop(bbox)
            glyph.save(os.path.join(d_out, ch + ".png"), optimize=True)
            entry["glyphs"][ch] = {"width": glyph.width, "height": glyph.height,
                                   "left": bbox[0] - ox, "top_from_baseline": bbox[1] - (oy + ascent),
                                   "advance": round(f.getlength(ch), 2)}
        manifest["fonts"][stem] = entry
    with open(os.path.join(args.out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
