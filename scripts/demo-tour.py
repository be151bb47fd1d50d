#!/usr/bin/env python3
"""A whole `gantry demo`, driven by keys in tmux like a person would: the screenshots of the
README, an asciicast and a GIF of the run, and the keystrokes each task took.

usage: demo-tour.py GANTRY_BINARY OUT_DIR

Writes OUT_DIR/*.png (first screen, gate with checklist, approval, canary, manual rollback,
automatic rollback, history, replay, 80x24, light theme), OUT_DIR/demo.cast (asciicast v2),
OUT_DIR/demo.gif, and prints the keystroke counts. Needs tmux, Pillow and DejaVu Sans Mono.
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansi2png  # noqa: E402

COLUMNS, ROWS = 120, 34


class Tour:
    def __init__(self, binary, out):
        self.binary = binary
        self.out = out
        self.socket = "gantry-tour-%d" % os.getpid()
        self.keys = {}
        self.current = None
        self.frames = []  # (seconds since start, ansi text, width, height)
        self.started = time.time()
        self.size = (COLUMNS, ROWS)
        self.stop = False

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout

    def start(self):
        command = ("env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color USER=alice GANTRY_ACTOR=alice "
                   "%s demo; echo EXIT $? > %s/exit; sleep 600" % (self.binary, self.out))
        self.tmux("new-session", "-d", "-x", str(COLUMNS), "-y", str(ROWS), "sh", "-c", command)
        self.tmux("set-option", "-g", "status", "off")
        threading.Thread(target=self.record, daemon=True).start()

    def record(self):
        last = None
        while not self.stop:
            screen = self.tmux("capture-pane", "-p", "-e", check=False)
            if screen and screen != last:
                self.frames.append((time.time() - self.started, screen, *self.size))
                last = screen
            time.sleep(0.2)

    def screen(self):
        return self.tmux("capture-pane", "-p", check=False)

    def wait(self, text, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            screen = self.screen()
            if (text(screen) if callable(text) else text in screen):
                return screen
            time.sleep(0.1)
        raise SystemExit("demo-tour: timed out waiting for %r; the screen was:\n%s" % (text, self.screen()))

    def task(self, name):
        self.current = name
        self.keys.setdefault(name, 0)

    def press(self, *keys):
        for key in keys:
            self.tmux("send-keys", key)
            self.keys[self.current] += 1
            time.sleep(0.25)

    def type(self, text):
        self.tmux("send-keys", "-l", "--", text)
        self.keys[self.current] += len(text)
        time.sleep(0.3)

    def shot(self, name, light=False):
        time.sleep(0.3)
        capture = self.tmux("capture-pane", "-p", "-e")
        ansi2png.render(capture, light=light).save(os.path.join(self.out, name + ".png"))
        print("  %s.png" % name)

    def resize(self, columns, rows):
        self.size = (columns, rows)
        self.tmux("resize-window", "-x", str(columns), "-y", str(rows))

    def finish(self):
        self.stop = True
        time.sleep(0.3)
        self.tmux("kill-server", check=False)

    def write_cast(self):
        path = os.path.join(self.out, "demo.cast")
        with open(path, "w", encoding="utf-8") as cast:
            cast.write(json.dumps({"version": 2, "width": COLUMNS, "height": ROWS, "timestamp": int(self.started),
                                   "title": "gantry demo", "env": {"TERM": "xterm-256color"}}) + "\n")
            for seconds, screen, _, _ in self.frames:
                data = "\x1b[H\x1b[2J" + "\r\n".join("\x1b[0m" + line for line in screen.rstrip("\n").split("\n"))
                cast.write(json.dumps([round(seconds, 3), "o", data]) + "\n")
        print("  demo.cast (%d frames, %.0f s)" % (len(self.frames), self.frames[-1][0] if self.frames else 0))

    def write_gif(self):
        # One frame per second of the run (the screen as it was then), played at twice the speed.
        frames, next_time, index = [], 0.0, 0
        while index < len(self.frames):
            while index + 1 < len(self.frames) and self.frames[index + 1][0] <= next_time:
                index += 1
            seconds, screen, width, height = self.frames[index]
            if width == COLUMNS and screen.strip():
                image = ansi2png.render(screen, size=11, columns=COLUMNS, lines=ROWS).convert("P", palette=1, colors=64)
                frames.append(image)
            next_time += 1.0
            if next_time > self.frames[-1][0]:
                break
        if frames:
            frames[0].save(os.path.join(self.out, "demo.gif"), save_all=True, append_images=frames[1:],
                           duration=500, loop=0, optimize=True)
        print("  demo.gif (%d frames)" % len(frames))


def main():
    binary, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    tour = Tour(binary, out)
    tour.start()
    try:
        tour.wait(lambda s: "Gantry's demo" in s and s.count(" ms ") >= 2, timeout=60)
        time.sleep(4)  # a few seconds of live samples on the cards
        tour.shot("first-screen")

        tour.task("deploy to staging")
        tour.press("d")
        tour.type("2.0.0")
        tour.press("Enter")
        tour.wait("staging ✓ 2.0.0 succeeded", timeout=90)

        tour.task("deploy to production through its gate")
        tour.press("j", "d", "Tab", "Enter")
        tour.wait("Type 'production' to confirm")
        tour.type("production")
        tour.press("Enter")
        tour.wait("checklist pre-deploy: 7 of 8 left", timeout=90)

        tour.task("tick the checklist (7 by hand, 1 automatic)")
        tour.press("Space", "Space", "Space")
        tour.shot("gate-checklist")
        while "Checklist · pre-deploy · 8/8" not in tour.screen():
            tour.press("Space")
            if tour.keys[tour.current] > 20:
                raise SystemExit("demo-tour: the checklist did not fill:\n" + tour.screen())

        tour.task("approve")
        tour.press("a")
        tour.wait("[ Approve ]")
        tour.shot("approve")
        tour.press("Tab", "Enter")
        tour.wait("canary 40%", timeout=90)
        time.sleep(3)
        tour.shot("canary")
        tour.wait("production ✓ 2.0.0 succeeded", timeout=150)

        tour.task("roll back production")
        tour.press("R")
        tour.wait("[ Roll back ]")
        tour.press("Tab", "Enter")
        tour.wait("rolled back by alice", timeout=90)
        tour.shot("rollback")

        tour.task("deploy 2.0.0-bad to production")
        tour.press("d")
        tour.type("2.0.0-bad")
        tour.press("Enter")
        tour.wait("Type 'production' to confirm")
        tour.type("production")
        tour.press("Enter")
        tour.wait(lambda s: "rolling back" in s or "rolled back automatically" in s, timeout=90)
        time.sleep(1)
        tour.shot("auto-rollback")
        tour.wait("rolled back automatically", timeout=90)

        tour.task("history and replay")
        tour.press("H")
        tour.wait("History · production")
        tour.shot("history")
        tour.press("j", "Enter")
        tour.wait("REPLAY production")
        tour.press("}", "}", "}", "}")
        tour.shot("replay")
        tour.press("Escape", "Escape")

        tour.resize(80, 24)
        tour.wait(lambda s: len(s.split("\n")[0]) <= 80 and "Environments" in s)
        tour.shot("small-80x24")
        tour.resize(COLUMNS, ROWS)

        tour.task("light theme")
        tour.press(":")
        tour.type("theme light")
        tour.press("Enter")
        tour.wait("theme light")
        tour.shot("light", light=True)
        tour.press("q")
        tour.wait(lambda s: os.path.exists(os.path.join(out, "exit")), timeout=20)
    finally:
        tour.finish()
    tour.write_cast()
    tour.write_gif()
    print("keystrokes:")
    for task, count in tour.keys.items():
        print("  %-45s %d" % (task, count))
    os.remove(os.path.join(out, "exit"))


if __name__ == "__main__":
    main()
