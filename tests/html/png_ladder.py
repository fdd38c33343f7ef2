#!/usr/bin/env python3
"""png_ladder.py - what a screenshot of the HTML report shows, read from its
pixels (standard library only: the PNG is decoded here).

Prints three numbers: the share of pixels that are not background (a blank
or failed render is ~0), the number of distinct colours, and the number of
arrows drawn in the first handshake ladder, found as a renderer draws it:
the two lifelines are the longest vertical runs of their grey, and an arrow
is a run of rows between them, half way across, holding the arrow colour
(blue, or orange when retransmitted) rather than the black of the labels.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG: " + path)
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit("unsupported PNG: depth %d colour type %d" % (depth, ctype))
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def is_lifeline(p):
    return all(120 <= v <= 150 for v in p) and max(p) - min(p) < 12


def is_arrow(p):
    r, g, b = p
    return (b > r + 60 and b > 120) or (r > 150 and r > b + 100 and g < 140)


def main():
    width, height, rows = read_png(sys.argv[1])
    background = rows[0][0]
    ink = sum(1 for row in rows for p in row if p != background)
    colours = len({p for row in rows[::4] for p in row[::4]})
    # lifelines: per column, the longest vertical run of their grey
    best = []
    for x in range(width):
        run = longest = start = 0
        span = (0, 0)
        for y in range(height):
            if is_lifeline(rows[y][x]):
                if run == 0:
                    start = y
                run += 1
                if run > longest:
                    longest, span = run, (start, y)
            else:
                run = 0
        best.append((longest, x, span))
    best.sort(reverse=True)
    arrows = 0
    if best[0][0] >= 60:
        left = best[0]
        right = next((b for b in best[1:] if abs(b[1] - left[1]) > 100 and b[0] >= 60), None)
        if right:
            x0, x1 = sorted((left[1], right[1]))
            top, bottom = max(left[2][0], right[2][0]), min(left[2][1], right[2][1])
            mid = (x0 + x1) // 2
            inside = False
            for y in range(top, bottom + 1):
                hit = any(is_arrow(rows[y][x]) for x in range(mid - 40, mid + 41, 2))
                if hit and not inside:
                    arrows += 1
                inside = hit
    print("%.4f %d %d" % (ink / float(width * height), colours, arrows))


main()
