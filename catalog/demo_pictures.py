"""Pictures of the demo's cars, drawn here without the network (docs/operations.md, "Demo
data"): a flat illustration of the car's body type in its colour, from one of several
views. They are marked as illustrations wherever they are shown; no photograph is fetched.

A picture depends only on the body type, the colour and the view, so the demo draws each
once and its cars share the files (`catalog.demo.pictures_seed`)."""

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 640
VIEWS = ["side", "front", "rear", "side-right", "wheel", "top"]

PAINT = {
    "white": (236, 238, 240), "black": (34, 36, 40), "silver": (178, 184, 190),
    "grey": (112, 118, 126), "blue": (38, 84, 164), "red": (176, 32, 38),
    "green": (40, 112, 72), "brown": (112, 72, 44), "beige": (214, 196, 160),
    "yellow": (236, 190, 40), "orange": (226, 112, 32), "other": (120, 96, 150),
}  # fmt: skip
GLASS = (150, 190, 215)
TYRE = (28, 28, 30)
RIM = (196, 200, 206)
GROUND = (210, 214, 218)
SKY = (244, 246, 248)

# Each body type's side silhouette, over a unit box (x from the front bumper, y from the
# roof down), and its glasshouse; the wheels' centres along x.
SILHOUETTES = {
    "sedan": ([(0, .62), (.05, .45), (.26, .40), (.38, .12), (.66, .10), (.80, .38),
               (1, .44), (1, .78), (0, .80)], [(.30, .38), (.40, .16), (.64, .15), (.74, .38)]),
    "hatchback": ([(0, .62), (.06, .45), (.28, .40), (.40, .10), (.80, .10), (.92, .38),
                   (.96, .45), (.96, .80), (0, .80)], [(.32, .38), (.42, .15), (.78, .15), (.86, .38)]),
    "liftback": ([(0, .62), (.05, .45), (.26, .40), (.38, .12), (.62, .10), (.92, .36),
                  (1, .44), (1, .78), (0, .80)], [(.30, .38), (.40, .16), (.60, .15), (.80, .36)]),
    "wagon": ([(0, .62), (.05, .45), (.26, .40), (.38, .12), (.94, .12), (.98, .40),
               (1, .78), (0, .80)], [(.30, .38), (.40, .17), (.90, .17), (.93, .38)]),
    "suv": ([(0, .55), (.04, .36), (.22, .32), (.30, .04), (.92, .04), (.97, .30), (1, .36),
             (1, .80), (0, .82)], [(.26, .30), (.33, .09), (.88, .09), (.93, .30)]),
    "crossover": ([(0, .58), (.05, .40), (.24, .36), (.34, .08), (.80, .07), (.95, .32),
                   (1, .40), (1, .80), (0, .82)], [(.28, .34), (.37, .12), (.78, .12), (.88, .33)]),
    "coupe": ([(0, .64), (.06, .48), (.30, .42), (.44, .16), (.62, .15), (.86, .40), (1, .46),
               (1, .78), (0, .80)], [(.34, .41), (.45, .20), (.60, .19), (.74, .40)]),
    "convertible": ([(0, .64), (.06, .48), (.34, .42), (.40, .30), (.46, .42), (1, .46),
                     (1, .78), (0, .80)], [(.37, .41), (.40, .32), (.42, .41)]),
    "minivan": ([(0, .58), (.06, .36), (.18, .06), (.96, .04), (1, .30), (1, .80), (0, .82)],
                [(.16, .34), (.22, .10), (.92, .09), (.95, .32)]),
    "pickup": ([(0, .56), (.04, .38), (.22, .34), (.30, .06), (.56, .06), (.60, .36),
                (1, .36), (1, .80), (0, .82)], [(.26, .33), (.33, .10), (.54, .10), (.56, .33)]),
    "van": ([(0, .56), (.05, .30), (.16, .02), (1, .02), (1, .82), (0, .82)],
            [(.12, .30), (.19, .07), (.34, .07), (.34, .30)]),
}  # fmt: skip
WHEELS = {"van": (0.18, 0.82), "minivan": (0.18, 0.82), "pickup": (0.18, 0.82)}


def _box(points, left, top, width, height, mirrored=False):
    return [(left + (1 - x if mirrored else x) * width, top + y * height) for x, y in points]


def _side(draw: ImageDraw.ImageDraw, body: str, paint, mirrored: bool) -> None:
    outline, glass = SILHOUETTES.get(body, SILHOUETTES["sedan"])
    left, top, width, height = 110, 170, 740, 300
    draw.polygon(_box(outline, left, top, width, height, mirrored), fill=paint)
    draw.polygon(_box(glass, left, top, width, height, mirrored), fill=GLASS)
    for x in WHEELS.get(body, (0.2, 0.8)):
        cx = left + (1 - x if mirrored else x) * width
        cy = top + 0.80 * height
        draw.ellipse((cx - 62, cy - 62, cx + 62, cy + 62), fill=TYRE)
        draw.ellipse((cx - 34, cy - 34, cx + 34, cy + 34), fill=RIM)


def _face(draw: ImageDraw.ImageDraw, body: str, paint, rear: bool) -> None:
    tall = body in {"suv", "crossover", "minivan", "van", "pickup"}
    roof = 150 if tall else 200
    draw.rounded_rectangle((250, roof, 710, 470), radius=40, fill=paint)
    draw.polygon([(300, roof + 20), (660, roof + 20), (690, roof + 120), (270, roof + 120)],
                 fill=GLASS)  # fmt: skip
    lamp = (200, 40, 40) if rear else (250, 246, 220)
    draw.rounded_rectangle((270, 360, 370, 395), radius=12, fill=lamp)
    draw.rounded_rectangle((590, 360, 690, 395), radius=12, fill=lamp)
    draw.rectangle((420, 400, 540, 432), fill=(250, 250, 250), outline=(60, 60, 60), width=3)
    for x in (270, 640):
        draw.rounded_rectangle((x, 455, x + 50, 520), radius=10, fill=TYRE)


def _wheel(draw: ImageDraw.ImageDraw, paint) -> None:
    draw.rectangle((0, 0, WIDTH, 300), fill=paint)
    draw.ellipse((250, 90, 710, 550), fill=TYRE)
    draw.ellipse((330, 170, 630, 470), fill=RIM)
    for angle in range(0, 360, 72):
        draw.pieslice((350, 190, 610, 450), angle, angle + 30, fill=(150, 156, 162))
    draw.ellipse((450, 290, 510, 350), fill=(90, 94, 100))


def _top(draw: ImageDraw.ImageDraw, body: str, paint) -> None:
    long = body in {"wagon", "minivan", "van", "pickup", "suv"}
    draw.rounded_rectangle((330, 60, 630, 580 if long else 560), radius=70, fill=paint)
    draw.rounded_rectangle((360, 170, 600, 250), radius=20, fill=GLASS)
    draw.rounded_rectangle((360, 400, 600, 460), radius=20, fill=GLASS)


def picture(body: str, color: str, view: str) -> Image.Image:
    """An illustration of a car of `body` in `color`, seen from `view`."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SKY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 500, WIDTH, HEIGHT), fill=GROUND)
    paint = PAINT.get(color, PAINT["other"])
    if view in ("side", "side-right"):
        _side(draw, body, paint, mirrored=view == "side-right")
    elif view in ("front", "rear"):
        _face(draw, body, paint, rear=view == "rear")
    elif view == "wheel":
        _wheel(draw, paint)
    else:
        _top(draw, body, paint)
    return image


def webp(image: Image.Image, width: int | None = None) -> tuple[bytes, int, int]:
    """`image` as WebP, scaled down to `width`: its bytes, width and height. Flat colours
    need neither the finest scaling nor the encoder's effort."""
    if width is not None and width < image.width:
        image = image.resize((width, round(image.height * width / image.width)))
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=80, method=0)
    return buffer.getvalue(), image.width, image.height
