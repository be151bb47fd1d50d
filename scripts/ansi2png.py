#!/usr/bin/env python3
"""Renders a terminal capture with SGR colour escapes (tmux capture-pane -p -e) to a PNG.

usage: ansi2png.py INPUT.ansi OUTPUT.png [--light]
Needs Pillow and a monospace TrueType font (DejaVu Sans Mono from fonts-dejavu-core).
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu/"]
BASIC = [(0x00, 0x00, 0x00), (0xcd, 0x31, 0x31), (0x0d, 0xbc, 0x79), (0xe5, 0xe5, 0x10),
         (0x24, 0x72, 0xc8), (0xbc, 0x3f, 0xbc), (0x11, 0xa8, 0xcd), (0xe5, 0xe5, 0xe5),
         (0x66, 0x66, 0x66), (0xf1, 0x4c, 0x4c), (0x23, 0xd1, 0x8b), (0xf5, 0xf5, 0x43),
         (0x3b, 0x8e, 0xea), (0xd6, 0x70, 0xd6), (0x29, 0xb8, 0xdb), (0xff, 0xff, 0xff)]


def palette(index):
    if index < 16:
        return BASIC[index]
    if index < 232:
        index -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[index // 36], steps[(index // 6) % 6], steps[index % 6])
    level = 8 + (index - 232) * 10
    return (level, level, level)


def parse(text):
    """Yields rows of cells: (char, fg, bg, bold, dim, underline, reverse)."""
    rows = []
    state = dict(fg=None, bg=None, bold=False, dim=False, underline=False, reverse=False)
    for line in text.split("\n"):
        row = []
        position = 0
        for match in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
            if match.group(2) is not None:
                row.append((match.group(2), dict(state)))
                continue
            codes = [int(c) if c else 0 for c in match.group(1).split(";")] if match.group(1) else [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    state.update(fg=None, bg=None, bold=False, dim=False, underline=False, reverse=False)
                elif c == 1: state["bold"] = True
                elif c == 2: state["dim"] = True
                elif c == 4: state["underline"] = True
                elif c == 7: state["reverse"] = True
                elif c == 22: state.update(bold=False, dim=False)
                elif c == 24: state["underline"] = False
                elif c == 27: state["reverse"] = False
                elif 30 <= c <= 37: state["fg"] = palette(c - 30)
                elif 90 <= c <= 97: state["fg"] = palette(c - 90 + 8)
                elif 40 <= c <= 47: state["bg"] = palette(c - 40)
                elif 100 <= c <= 107: state["bg"] = palette(c - 100 + 8)
                elif c == 39: state["fg"] = None
                elif c == 49: state["bg"] = None
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    state["fg" if c == 38 else "bg"] = palette(codes[i + 2])
                    i += 2
                elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                    state["fg" if c == 38 else "bg"] = tuple(codes[i + 2:i + 5])
                    i += 4
                i += 1
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def main():
    source, target = sys.argv[1], sys.argv[2]
    render(open(source, encoding="utf-8").read(), light="--light" in sys.argv).save(target)


def render(text, light=False, size=16, columns=None, lines=None):
    """The capture `text` as a Pillow image (`columns` x `lines` cells when given)."""
    default_fg = (0x26, 0x26, 0x26) if light else (0xd0, 0xd0, 0xd0)
    default_bg = (0xfa, 0xfa, 0xfa) if light else (0x1c, 0x1c, 0x1c)
    regular = ImageFont.truetype(FONT_DIRS[0] + "DejaVuSansMono.ttf", size)
    bold = ImageFont.truetype(FONT_DIRS[0] + "DejaVuSansMono-Bold.ttf", size)
    cell_w = round(regular.getlength("M"))
    ascent, descent = regular.getmetrics()
    cell_h = ascent + descent + 2
    rows = parse(text)
    widths = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch, _ in row) for row in rows]
    columns = columns or max(widths + [1])
    rows = rows[:lines] if lines else rows
    pad = 12
    image = Image.new("RGB", (columns * cell_w + 2 * pad, (lines or len(rows)) * cell_h + 2 * pad), default_bg)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        x = 0
        for ch, style in row:
            width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            fg = style["fg"] or default_fg
            bg = style["bg"] or default_bg
            if style["reverse"]:
                fg, bg = bg, fg
            if style["dim"]:
                fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
            left, top = pad + x * cell_w, pad + y * cell_h
            draw.rectangle([left, top, left + width * cell_w - 1, top + cell_h - 1], fill=bg)
            if ch in "▁▂▃▄▅▆▇█":
                # Block elements drawn as boxes so bars line up exactly.
                level = "▁▂▃▄▅▆▇█".index(ch) + 1
                height = round(cell_h * level / 8)
                draw.rectangle([left, top + cell_h - height, left + cell_w - 1, top + cell_h - 1], fill=fg)
            elif ch in "─│┌┐└┘":
                mid_x, mid_y = left + cell_w // 2, top + cell_h // 2
                if ch in "─┌┐└┘":
                    x0 = mid_x if ch in "┌└" else left
                    x1 = mid_x if ch in "┐┘" else left + cell_w
                    draw.line([x0, mid_y, x1, mid_y], fill=fg)
                if ch in "│┌┐└┘":
                    y0 = mid_y if ch in "┌┐" else top
                    y1 = mid_y if ch in "└┘" else top + cell_h
                    draw.line([mid_x, y0, mid_x, y1], fill=fg)
            elif ch != " ":
                draw.text((left, top + 1), ch, font=bold if style["bold"] else regular, fill=fg)
            if style["underline"]:
                draw.line([left, top + cell_h - 2, left + width * cell_w - 1, top + cell_h - 2], fill=fg)
            x += width
    return image


if __name__ == "__main__":
    main()
