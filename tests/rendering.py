"""What the sample month looks like on paper and on the meeting-room screen.

LibreOffice prints the workbooks to PDF, poppler reads the pages back (size, text, the tab named
in each page's footer) and draws them as PNG; headless Chromium shows the HTML agenda at
1920×1080. The render tests assert on these pages, and `make screenshots` draws the README's
pictures from the very same files:

    .venv/bin/python -m tests.rendering docs

Each program is optional: `available()` says what is missing, and the tests skip without it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "火车站支行-2026-11.xlsx"
TEMPLATE = ROOT / "templates" / "xlsx" / "网点营销管理.xlsx"
DAY = dt.date(2026, 11, 20)
WEEK = "2026-W47"
SCREEN = (1920, 1080)
POPPLER = ("pdfinfo", "pdftotext", "pdftoppm")
FOOTER = re.compile(r"(\S+)\s+(第\s*\d+\s*页)\s*$", re.M)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    return next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )


def missing_for_pdf() -> str | None:
    """Why workbooks cannot be printed here, or None."""
    if soffice() is None:
        return "LibreOffice (soffice) is not installed"
    absent = [tool for tool in POPPLER if shutil.which(tool) is None]
    return f"poppler-utils ({', '.join(absent)}) is not installed" if absent else None


# ---------------------------------------------------------------- the sample's outputs


@dataclass
class Outputs:
    """The sample month as staff get it: the refreshed workbook with its agenda tab, the weekly
    workbook, and the HTML agendas."""

    workbook: Path
    weekly: Path
    daily_html: Path
    weekly_html: Path
    monthly_html: Path


def build_outputs(folder: Path, host_application: str | None = None) -> Outputs:
    """Refreshes a copy of the sample (optionally first saying another program saved it, as
    docProps/app.xml tells), writes its 夕会议程 and 晨会议程 tabs, the weekly workbook and the
    HTML agendas."""
    from branchkit import jobs
    from branchkit.read import read_book
    from branchkit.render.agenda import render_agenda

    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / SAMPLE.name
    shutil.copy2(SAMPLE, copy)
    if host_application is not None:
        _say_saved_by(copy, host_application)
    workbook = folder / "火车站支行-2026-11-已刷新.xlsx"
    jobs.refresh(copy, DAY, workbook)
    jobs.write_agenda(workbook, DAY)
    jobs.write_agenda(workbook, DAY, "morning")
    book = read_book(copy)
    _, weekly = jobs.weekly(book, WEEK, folder / "火车站支行-2026-W47-周报.xlsx")
    htmls = []
    for meeting in ("daily", "weekly", "monthly"):
        html = folder / f"夕会议程-{meeting}.html"
        html.write_text(
            render_agenda(jobs.build_agenda(book, DAY, meeting), "html"), encoding="utf-8"
        )
        htmls.append(html)
    return Outputs(workbook, weekly, *htmls)


def build_rollup(folder: Path) -> Path:
    """The parent-branch workbook of samples/城东分行 on the sample day (`branchkit rollup`'s
    tabs, without the history a first run does not have)."""
    from branchkit.render.rollup import rollup_sheets
    from branchkit.render.xlsx import build
    from branchkit.rollupjob.job import compute

    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "城东分行-汇总.xlsx"
    book.write_bytes(build(rollup_sheets(compute([ROOT / "samples" / "城东分行"], DAY, jobs=1))))
    return book


def _say_saved_by(path: Path, application: str) -> None:
    """Rewrites docProps/app.xml's <Application> (a test fixture's copy, never a user's file)."""
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in parts:
            if info.filename == "docProps/app.xml":
                data = re.sub(
                    rb"<Application>[^<]*</Application>",
                    f"<Application>{application}</Application>".encode(),
                    data,
                )
            dst.writestr(info, data)


# ---------------------------------------------------------------- PDF pages


@dataclass
class Page:
    number: int  # 1-based
    sheet: str  # the tab, as the footer names it
    width: float  # points
    height: float
    text: str
    label: str = ""  # the page number as the footer spells it: 第2页

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def a4(self) -> bool:
        return sorted((round(self.width), round(self.height))) == [595, 842]


def to_pdf(workbooks: list[Path], folder: Path) -> list[Path]:
    """Prints the workbooks with LibreOffice, one run for all, in a throwaway profile."""
    office = soffice()
    assert office is not None
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="branchkit-lo-") as profile:
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *map(str, workbooks),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdfs = [folder / f"{book.stem}.pdf" for book in workbooks]
    for pdf in pdfs:
        assert pdf.exists(), f"LibreOffice did not print {pdf.name}"
    return pdfs


def pages(pdf: Path) -> list[Page]:
    """Every page with its size and text, and the tab its footer names."""
    info = _run("pdfinfo", "-f", "1", "-l", "100000", str(pdf))
    sizes = [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    ]
    texts = _run("pdftotext", "-layout", str(pdf), "-").split("\f")
    found = []
    for n, (width, height) in enumerate(sizes, start=1):
        text = texts[n - 1] if n <= len(texts) else ""
        # The footer is the page's last line, though pdftotext may put a chart label after it.
        footers = FOOTER.findall(text)
        sheet, label = footers[-1] if footers else ("", "")
        found.append(Page(n, sheet, width, height, text, label))
    return found


def by_sheet(all_pages: list[Page]) -> dict[str, list[Page]]:
    sheets: dict[str, list[Page]] = {}
    for page in all_pages:
        sheets.setdefault(page.sheet, []).append(page)
    return sheets


def glyph_size(pdf: Path, page: int) -> float:
    """The median printed size (points) of the page's CJK characters: in a CJK font every
    character is one em wide, so a word of n characters n em."""
    bbox = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    sizes = []
    for x0, x1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', bbox
    ):
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", word):
            sizes.append((float(x1) - float(x0)) / len(word))
    sizes.sort()
    return sizes[len(sizes) // 2] if sizes else 0.0


def raw_text(pdf: Path, page: int) -> str:
    """The page's text in the order it is drawn: each cell's lines one after another (a wrapped
    cell's lines on lines of their own), so a cell's text is whole in it unless cut."""
    return _run("pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-")


def rules(pdf: Path, page: int, resolution: int = 50) -> int:
    """Horizontal lines ruled across the table (a form's rows): poppler draws the page in grey
    levels, and a pixel row about as dark as the header's (the table's width) is a rule."""
    data = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(resolution), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header, "not a PGM image"
    width, height = int(header.group(1)), int(header.group(2))
    pixels = data[header.end() :]
    darkness = [
        sum(1 for v in pixels[y * width : (y + 1) * width] if v < 200) for y in range(height)
    ]
    widest = max(darkness, default=0)
    found, previous = 0, False
    for count in darkness:
        dark = widest > 0 and count >= 0.9 * widest
        found += dark and not previous
        previous = dark
    return found


def png(pdf: Path, page: int, target: Path, resolution: int = 80) -> Path:
    stem = target.with_suffix("")
    _run(
        "pdftoppm",
        "-png",
        "-r",
        str(resolution),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(stem),
    )
    return stem.with_suffix(".png")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


# ---------------------------------------------------------------- the screen

PROBE = """<script>
window.addEventListener("load", function () {
  var root = document.documentElement, body = document.body;
  var W = window.innerWidth, H = window.innerHeight;
  var screens = Array.prototype.slice.call(document.querySelectorAll(".deck .screen"));
  var outside = [], bare = 0, boxes = 0, headless = 0;
  screens.forEach(function (s, n) {
    var texts = s.querySelectorAll("h1, h2, h3, p, .running, .cue span");
    Array.prototype.forEach.call(texts, function (t) {
      var r = t.getBoundingClientRect();
      var box = (t.closest(".col") || s).getBoundingClientRect();  // what shows of it
      boxes += 1;
      if (r.left < Math.max(0, box.left) - 0.5 || r.right > Math.min(W, box.right) + 0.5 ||
          r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        outside.push({screen: n, text: t.textContent.slice(0, 20), top: r.top - box.top,
                      bottom: r.bottom - box.top, left: r.left, right: r.right});
      }
    });
    Array.prototype.forEach.call(s.querySelectorAll(".col"), function (c) {
      if (c.firstElementChild && c.firstElementChild.tagName !== "H2") { bare += 1; }
      var second = c.firstElementChild && c.firstElementChild.nextElementSibling;
      if (second && second.classList.contains("trow")) { headless += 1; }  // a table's rows go on without its header
    });
  });
  // table rows wider than their column where the column does not scroll sideways: cut off
  var clipped = Array.prototype.filter.call(document.querySelectorAll(".deck .thead, .deck .trow"),
    function (row) {
      var col = row.closest(".col");
      return row.scrollWidth > row.clientWidth + 1 &&
        !(col && getComputedStyle(col).overflowX === "auto" && col.scrollWidth > col.clientWidth);
    }).length;
  var behind = document.querySelector(".deck .pace-behind");
  var pageDownTo = null;  // where Page Down takes the reader from the first screen
  if (screens.length > 1) {
    document.dispatchEvent(new KeyboardEvent("keydown", {key: "PageDown", bubbles: true}));
    pageDownTo = window.scrollY;
    window.scrollTo(0, 0);
  }
  root.setAttribute("data-probe", JSON.stringify({
    width: W, height: H,
    scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight,
    fontPx: parseFloat(getComputedStyle(body).fontSize),
    screens: screens.map(function (s) {
      var next = s.querySelector(".cue .next");
      return {top: s.getBoundingClientRect().top + window.scrollY, height: s.offsetHeight,
              columns: s.querySelectorAll(".col").length,
              cue: next ? next.textContent : "",
              cueVisible: next ? next.getBoundingClientRect().bottom <= s.getBoundingClientRect().bottom + 0.5 : false,
              sections: s.querySelectorAll("h2:not(.cont)").length,
              continued: s.querySelectorAll("h2.cont").length};
    }),
    textBoxes: boxes, outside: outside.slice(0, 10), bareColumns: bare, pageDownTo: pageDownTo,
    headlessTables: headless, clippedRows: clipped,
    behindColour: behind ? getComputedStyle(behind).color : "",
    behindBackground: behind ? getComputedStyle(behind).backgroundColor : "",
    minutes: Array.prototype.map.call(document.querySelectorAll(".deck h2:not(.cont) .minutes"),
                                      function (m) { return m.textContent; })
  }));
});
</script>"""

# Headless Chromium opens no window narrower than this: a phone's screen is shown in a frame of
# its size inside one (the page laid out in the frame, as on the phone).
NARROWEST_WINDOW = 500
PHONE = (390, 844)
PROJECTOR = (1366, 768)
VIEWPORTS = (SCREEN, PROJECTOR, PHONE)

FRAMED = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; }} iframe {{ border: 0; display: block; }}
</style></head><body><iframe id="screen" width="{width}" height="{height}" srcdoc="{page}"></iframe>
<script>
var frame = document.getElementById("screen");
frame.addEventListener("load", function () {{
  setTimeout(function () {{
    var probe = frame.contentDocument.documentElement.getAttribute("data-probe");
    if (probe) {{ document.documentElement.setAttribute("data-probe", probe); }}
  }}, 200);
}});
</script></body></html>"""


def _framed(page: str, viewport: tuple[int, int]) -> str:
    """The page inside a frame of `viewport` (for screens narrower than a headless window)."""
    import html

    return FRAMED.format(width=viewport[0], height=viewport[1], page=html.escape(page))


def _browser(*args: str, window: tuple[int, int]) -> str:
    browser = chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory(prefix="branchkit-chromium-") as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={window[0]},{window[1]}",
                *args,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout


SIZE_PROBE = """<!DOCTYPE html><html><body><script>
document.documentElement.setAttribute("data-size", window.innerWidth + "x" + window.innerHeight);
</script></body></html>"""


@cache
def _window(viewport: tuple[int, int]) -> tuple[int, int]:
    """The headless window whose page area is `viewport`: the window includes a strip of browser
    chrome, so a first try finds its size and the window is made that much larger. A viewport
    narrower than any window is shown in a frame of its size (see `_framed`): its window is the
    narrowest, a little taller than the frame."""
    if viewport[0] < NARROWEST_WINDOW:
        inner = _window((NARROWEST_WINDOW, viewport[1] + 40))
        return inner
    with tempfile.TemporaryDirectory(prefix="branchkit-size-") as tmp:
        probe = Path(tmp) / "size.html"
        probe.write_text(SIZE_PROBE, encoding="utf-8")
        window = viewport
        for _ in range(3):
            dom = _browser("--dump-dom", probe.as_uri(), window=window)
            found = re.search(r'data-size="(\d+)x(\d+)"', dom)
            assert found, "the size probe did not run"
            seen = int(found.group(1)), int(found.group(2))
            if seen == viewport:
                break
            window = (window[0] + viewport[0] - seen[0], window[1] + viewport[1] - seen[1])
        return window


def measure(html: Path, viewport: tuple[int, int] = SCREEN) -> dict:
    """The page as the browser laid it out in a viewport of `viewport`: a probe script added to a
    copy reports sizes after the page's own scripts ran."""
    with tempfile.TemporaryDirectory(prefix="branchkit-probe-") as tmp:
        probed = Path(tmp) / html.name
        page = html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>")
        if viewport[0] < NARROWEST_WINDOW:
            page = _framed(page, viewport)
        probed.write_text(page, encoding="utf-8")
        dom = _browser(
            "--virtual-time-budget=8000", "--dump-dom", probed.as_uri(), window=_window(viewport)
        )
        found = re.search(r'data-probe="([^"]*)"', dom)
        assert found, "the probe did not run"
        return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(
    html: Path, target: Path, viewport: tuple[int, int] = SCREEN, scale: float = 1.0
) -> Path:
    """The page as a `viewport` screen shows it (a screenshot's window has no browser chrome);
    `scale` < 1 draws the same layout in fewer pixels (the README's copy). A phone's screen is
    drawn in its frame at the left of the narrowest window."""
    page, window = html, viewport
    with tempfile.TemporaryDirectory(prefix="branchkit-shot-") as tmp:
        if viewport[0] < NARROWEST_WINDOW:
            page = Path(tmp) / html.name
            page.write_text(_framed(html.read_text(encoding="utf-8"), viewport), encoding="utf-8")
            window = (NARROWEST_WINDOW, viewport[1])
        _browser(
            f"--force-device-scale-factor={scale}",
            f"--screenshot={target}",
            "--virtual-time-budget=5000",
            page.as_uri(),
            window=window,
        )
    return target


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


# ---------------------------------------------------------------- the README's pictures


def first_page_of(pdf: Path, sheet: str) -> int:
    return next(p.number for p in pages(pdf) if p.sheet == sheet)


def control_sheet_png(folder: Path, target: Path) -> Path:
    """The macro template's 控制台 with its buttons. Excel marks buttons as non-printing; a
    throwaway copy marks them printable so the picture shows them."""
    template = ROOT / "templates" / "xlsx" / "网点营销管理.xlsm"
    copy = folder / "控制台.xlsm"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"")
            dst.writestr(info, data)
    (pdf,) = to_pdf([copy], folder)
    stem = target.with_suffix("")
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-f",
        "1",
        "-l",
        "1",
        "-W",
        "760",
        "-H",
        "320",
        "-singlefile",
        str(pdf),
        str(stem),
    )
    return target


def rollup_png(folder: Path, target: Path) -> Path:
    """网点排行 of the three sample branches of samples/城东分行 (`branchkit rollup`)."""
    from branchkit.render.rollup import league_sheet
    from branchkit.render.xlsx import build
    from branchkit.rollupjob.job import compute

    rollup = compute([ROOT / "samples" / "城东分行"], DAY, jobs=1)
    book = folder / "网点排行.xlsx"
    book.write_bytes(build([league_sheet(rollup)]))
    (pdf,) = to_pdf([book], folder / "rollup")
    return png(pdf, 1, target, 80)


def fill_pngs(folder: Path, before: Path, after: Path) -> list[Path]:
    """追踪表's last printed page before and after `branchkit fill` on the sample month: the rows
    fill adds for the receivers, under the last rows the staff typed."""
    from branchkit import jobs

    original = folder / "追踪表-填写前.xlsx"
    original.write_bytes(SAMPLE.read_bytes())
    filled = folder / "追踪表-填写后.xlsx"
    jobs.fill(original, DAY, filled)
    made = []
    for book, target in ((original, before), (filled, after)):
        (pdf,) = to_pdf([book], folder / book.stem)
        last = by_sheet(pages(pdf))["追踪表"][-1].number
        made.append(png(pdf, last, target, 70))
    return made


def screenshots(docs: Path) -> list[Path]:
    """Draws every README picture into `docs`."""
    reason = missing_for_pdf() or (None if chromium() else "Chromium is not installed")
    if reason:
        raise SystemExit(
            f"make screenshots needs LibreOffice, poppler-utils and Chromium: {reason}"
        )
    docs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="branchkit-shots-") as tmp:
        folder = Path(tmp)
        outputs = build_outputs(folder)
        workbook, weekly = to_pdf([outputs.workbook, outputs.weekly], folder / "pdf")
        made = [
            png(workbook, first_page_of(workbook, "排行榜"), docs / "排行榜.png", 70),
            png(workbook, first_page_of(workbook, "夕会议程"), docs / "夕会议程.png", 80),
            png(workbook, first_page_of(workbook, "管理清单"), docs / "管理清单.png", 80),
            png(workbook, first_page_of(workbook, "晨会议程"), docs / "晨会议程.png", 80),
            png(weekly, first_page_of(weekly, "趋势"), docs / "周报-趋势.png", 70),
            screenshot(outputs.daily_html, docs / "夕会议程-屏幕.png", scale=0.5),
            control_sheet_png(folder, docs / "控制台.png"),
            rollup_png(folder, docs / "网点排行.png"),
            *fill_pngs(folder, docs / "追踪表-填写前.png", docs / "追踪表-填写后.png"),
        ]
    return made


if __name__ == "__main__":
    for made in screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs")):
        print(made)
