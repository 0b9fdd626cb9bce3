"""Every frame of every kernel-free control is legible on a phone (issue 18, item 3).

A frame is shown at its CSS size (its figure's size at the control's ``dpi``; it is drawn at
``FRAME_SCALE`` times that), and on a phone (``book/_assets/figures.css``) at most 600 px wide:
a wider frame shrinks to 600 px, which then scrolls sideways in a 390 px window. So a text of
``size`` points in a frame of CSS width ``w`` shown at ``dpi`` is, at 390 px,

    size * dpi / 72 * min(1, 600 / w)    CSS px,

and this test wants at least :data:`MIN_PX` for every text of every frame, and no two texts
(or a text and a legend box) on top of each other. It draws the frames of every chapter's
builder and records, during each draw, every text that was drawn (visible, not empty) with its
size and pixel box, and every legend's box.

Run it as a script to print the survey (smallest text per control):
``.venv/bin/python tests/nbcore/test_frame_legibility.py``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from nbcore.widgets._html import FRAME_SCALE  # noqa: E402

#: Smallest text, in CSS px as seen in a 390 px window.
MIN_PX = 9.0
#: Width, in CSS px, below which figures.css lets no frame shrink on a phone.
PHONE_MIN_WIDTH = 600
#: Two boxes overlap when they share more than this many (device) pixels each way.
TOLERANCE = 1.0


@dataclass
class Drawn:
    """One text drawn in one frame: its string, size in points, and pixel box."""

    text: str
    size: float
    box: tuple  # (x0, y0, x1, y1) in device pixels
    artist: object = field(repr=False)


@dataclass
class Frame:
    """What one full draw of a figure put on the canvas."""

    width_in: float
    dpi: float  # the device dpi of the draw (FRAME_SCALE times the CSS dpi)
    texts: list
    legends: list  # (legend, box)

    @property
    def css_dpi(self):
        return self.dpi / FRAME_SCALE

    @property
    def css_width(self):
        return self.width_in * self.css_dpi

    def px_at_390(self, size):
        return size * self.css_dpi / 72 * min(1.0, PHONE_MIN_WIDTH / self.css_width)


@contextlib.contextmanager
def recording():
    """Record every full Agg draw of a figure as a :class:`Frame` (appended to the yielded list)."""
    frames, current = [], []
    draw, text_draw, legend_draw = FigureCanvasAgg.draw, Text.draw, Legend.draw

    def canvas_draw(self, *args, **kwargs):
        current.append(Frame(self.figure.get_figwidth(), self.figure.dpi, [], []))
        try:
            return draw(self, *args, **kwargs)
        finally:
            frames.append(current.pop())

    def text_drawn(self, renderer):
        out = text_draw(self, renderer)
        if current and self.get_visible() and self.get_text().strip():
            b = self.get_window_extent(renderer)
            box = (b.x0, b.y0, b.x1, b.y1)
            current[-1].texts.append(Drawn(self.get_text(), self.get_fontsize(), box, self))
        return out

    def legend_drawn(self, renderer):
        out = legend_draw(self, renderer)
        if current and self.get_visible():
            b = self.get_window_extent(renderer)
            current[-1].legends.append((self, (b.x0, b.y0, b.x1, b.y1)))
        return out

    FigureCanvasAgg.draw, Text.draw, Legend.draw = canvas_draw, text_drawn, legend_drawn
    try:
        yield frames
    finally:
        FigureCanvasAgg.draw, Text.draw, Legend.draw = draw, text_draw, legend_draw


def _overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE and (
        min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE
    )


def _in_legend(text, legend):
    return text.artist in legend.get_texts() or text.artist is legend.get_title()


def problems(name, frames, allowed=()):
    """Messages for every too-small text and every overlap in ``frames`` of control ``name``.

    ``allowed`` lists pairs of strings ``(a, b)``: a text whose string starts with ``a`` may
    overlap one starting with ``b`` (intentional, e.g. a value written inside its marker).
    """
    out = []
    for k, f in enumerate(frames):
        for t in f.texts:
            px = f.px_at_390(t.size)
            if px < MIN_PX - 1e-9:
                out.append(
                    f"{name}, frame {k}: text {t.text!r} is {t.size:g} pt = {px:.1f} CSS px at "
                    f"390 px (figure {f.width_in:g} in at {f.css_dpi:g} dpi = "
                    f"{f.css_width:.0f} px wide), want >= {MIN_PX:g}"
                )
        texts = f.texts
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                if _overlap(a.box, b.box) and not any(
                    (a.text.startswith(x) and b.text.startswith(y))
                    or (b.text.startswith(x) and a.text.startswith(y))
                    for x, y in allowed
                ):
                    out.append(f"{name}, frame {k}: texts {a.text!r} and {b.text!r} overlap")
            for legend, box in f.legends:
                if not _in_legend(a, legend) and _overlap(a.box, box):
                    out.append(f"{name}, frame {k}: text {a.text!r} overlaps a legend")
        for i, (_, a) in enumerate(f.legends):
            for _, b in f.legends[i + 1 :]:
                if _overlap(a, b):
                    out.append(f"{name}, frame {k}: two legends overlap")
    return out


# ---- the controls, each built with few frames ----------------------------------------------


def _bias():
    from nbcore.widgets.neuron import bias_scrubber

    return bias_scrubber([-2.25, -1.5, 0.25])


def _forward():
    from nbcore.widgets.forward import forward_scrubber, running_example

    # as chapter 2 builds it: book/02_forward.ipynb sets these very weights on an MLP([2, 3, 1])
    return forward_scrubber(running_example(), x2=0.5, values=[-2.0, 1.0, 2.0])


def _activations():
    from nbcore.widgets.activations import activation_scrubber

    return activation_scrubber([-3.0, 1.0, 3.0])


def _losses():
    from nbcore.widgets.losses import outlier_scrubber

    return outlier_scrubber([0.0, 6.0, 12.0])


def _backprop():
    from nbcore.widgets.backprop import backprop_stepper

    return backprop_stepper()


def _softmax():
    from nbcore.widgets.softmax import temperature_scrubber

    return temperature_scrubber(temps=[0.1, 1.0, 10.0])


def _race():
    from nbcore.widgets.optimizers import race_scrubber

    return race_scrubber([0, 1, 50, 500])


def _playground():
    from nbcore.widgets.playground import playground_scrubber

    return playground_scrubber([0, 100], dataset="spirals", width=8, lr=0.3)


def _schedules():
    from nbcore.widgets.schedules import schedule_scrubber

    return schedule_scrubber(peak=1.0, warmup=5)


#: control name -> (builder, allowed overlaps)
CONTROLS = {
    "bias_scrubber (ch1)": (_bias, ()),
    "forward_scrubber (ch2)": (_forward, ()),
    "activation_scrubber (ch3)": (_activations, ()),
    "outlier_scrubber (ch4)": (_losses, ()),
    "backprop_stepper (ch5)": (_backprop, ()),
    "temperature_scrubber (ch6)": (_softmax, ()),
    "race_scrubber (ch7)": (_race, ()),
    "playground_scrubber (ch8)": (_playground, ()),
    "schedule_scrubber (ch9)": (_schedules, ()),
}


def draw_frames(name):
    build, _ = CONTROLS[name]
    with recording() as frames:
        box = build()
    n = len(box.kernel_free()["frames"])
    return frames, n


@pytest.mark.parametrize("name", list(CONTROLS))
def test_frames_legible_and_uncluttered(name):
    frames, n = draw_frames(name)
    frames = [f for f in frames if f.dpi >= 72 * FRAME_SCALE]  # the frames, not size probes
    assert len(frames) >= n, f"{name}: recorded {len(frames)} draws for {n} frames"
    found = problems(name, frames, CONTROLS[name][1])
    assert not found, "\n".join(found[:25]) + (f"\n... {len(found)} in all" if found else "")


def survey():
    """Print, per control, the smallest text (CSS px at 390 px and at natural size)."""
    for name in CONTROLS:
        frames, n = draw_frames(name)
        small = min(
            (
                (f.px_at_390(t.size), t.size * f.css_dpi / 72, t.text, t.size, f)
                for f in frames
                for t in f.texts
            ),
            key=lambda r: r[0],
        )
        px, natural, text, size, f = small
        print(
            f"{name}: {n} frames, {f.width_in:g} in x {f.css_dpi:g} dpi = {f.css_width:.0f} px; "
            f"smallest {size:g} pt {text!r}: {px:.1f} px at 390, {natural:.1f} px natural; "
            f"{len(problems(name, frames, CONTROLS[name][1]))} problems"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    survey()
