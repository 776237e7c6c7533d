"""The report as one self-contained HTML file (Jinja2), and as a PDF printed by headless Chromium.

:func:`scenario_report` and :func:`project_report` compute what a report shows and return its HTML;
:func:`write_html` writes it atomically; :func:`write_pdf` prints an HTML file to PDF with the
Chromium that the Debian package ``chromium`` installs (``--print-to-pdf``; A4 from the report's
print CSS). The HTML refers to nothing outside itself: styles inline, charts as inline SVG, no
script, no font or image to fetch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkba.errors import MkbaError
from mkba.io.files import write_atomic, write_text_atomic

if TYPE_CHECKING:
    from mkba.project import ProjectResult
    from mkba.report.html.context import Analysis
    from mkba.result import Result

#: The folder of the report's templates (package data, shipped in the wheel).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Where Chromium is looked for, in order (``MKBA_CHROMIUM`` first when set).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Seconds Chromium may take to print one report.
PDF_TIMEOUT = 120


def render(template: str | Path, context: dict[str, Any]) -> str:
    """Fill ``template`` (a name in :data:`TEMPLATES`, or a file) with ``context``.

    Parameters
    ----------
    template : str or Path
        ``report.html.j2``, ``project.html.j2``, or the path of a Jinja2 template of one's own
        (which may extend or include the bundled ones).
    context : dict
        What the template shows (:mod:`mkba.report.html.context`).

    Returns
    -------
    str
        The HTML.

    Raises
    ------
    MkbaError
        When the template does not exist or cannot be read as a template.
    """
    import jinja2

    path = Path(template)
    folders = [str(TEMPLATES)]
    if path.parent != Path(".") or (path.is_file() and not (TEMPLATES / path.name).is_file()):
        # a file of one's own, also one in the current folder; a bare bundled name stays the bundled one
        folders.insert(0, str(path.parent))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        return env.get_template(path.name).render(**context)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if exc.name and exc.name != path.name else None
        what = f"the report template {missing!r} that it uses" if missing else "the report template"
        raise MkbaError(f"{what} does not exist", file=str(template)) from None
    except jinja2.TemplateSyntaxError as exc:
        # the file and line Jinja names: the template given, or one it extends or includes
        where = exc.filename or str(template)
        raise MkbaError(
            f"the report template is not valid: {exc.message}", file=where, line=exc.lineno
        ) from None
    except jinja2.TemplateError as exc:
        raise MkbaError(f"the report template is not valid: {exc}", file=str(template)) from None


def _style() -> str:
    try:
        return (TEMPLATES / "report.css").read_text(encoding="utf-8")
    except OSError:
        raise MkbaError(
            "the report's style sheet is missing from the installation", file="report.css"
        ) from None


def scenario_report(result: Result, analysis: Analysis, *, template: str | Path = "report.html.j2") -> str:
    """The HTML report of one scenario.

    Parameters
    ----------
    result : mkba.result.Result
        The point result (its ``lang`` chooses the words).
    analysis : Analysis
        Tornado, break-even, Monte Carlo and SIB, each optional.
    template : str or Path
        The template to fill.

    Returns
    -------
    str
        One self-contained HTML document.

    Raises
    ------
    MkbaError
        When the scenario has nothing to show (no line and no PM-post), or the template is missing.
    """
    from mkba.report import numbers
    from mkba.report.chartspec import stakeholder_chart, yearly_chart
    from mkba.report.html import context as ctx
    from mkba.report.html.sib import sib_section
    from mkba.report.vocabulary import label

    s = result.scenario
    if not (s.costs or s.effects or s.volunteers or s.pm):
        raise MkbaError(
            "the scenario has no cost, effect, volunteer line or PM-post: there is no result to report",
            file=s.file,
        )
    lang = result.lang
    data = {
        "lang": lang,
        "t": lambda key: label(key, lang),
        "style": _style(),
        "title": s.name,
        "description": s.description or "",
        "meta": _meta(result),
        "summary": ctx.summary_paragraphs(result, analysis),
        "figures": ctx.key_figures(result),
        "overview": ctx.overview_table(result),
        "stakeholders": ctx.stakeholder_table(result),
        "yearly": ctx.yearly_table(result),
        "yearly_note": label("rp_per_year_note", lang).format(
            py=result.price_year,
            rate=numbers.percent(result.discount_rate, lang, 2),
            base_year=result.model.base_year,
        ),
        "charts": {
            "stakeholders": ctx.chart(stakeholder_chart(result), lang),
            "yearly": ctx.chart(yearly_chart(result), lang),
        },
        "sources": ctx.sources(result),
        "sensitivity": ctx.sensitivity(result, analysis),
        "montecarlo": ctx.montecarlo(result, analysis),
        "sib": sib_section(result, analysis.sib, analysis.sib_simulation),
        "provenance": ctx.provenance(result),
    }
    return render(template, data)


def _meta(result: Result) -> list[tuple[str, str]]:
    from mkba.report import numbers
    from mkba.report.vocabulary import label

    lang, s = result.lang, result.scenario
    return [
        (label("rp_period", lang), f"{s.start_year}-{s.end_year}"),
        (label("price_year", lang), str(result.price_year)),
        (label("rp_discount_rate", lang), numbers.percent(result.discount_rate, lang, 2)),
        (label("pricelist", lang), result.model.pricelist.ref),
    ]


def project_report(result: ProjectResult, *, template: str | Path = "project.html.j2") -> str:
    """The HTML report of a project: alternatives against the nulalternatief (docs/method.md, section 8).

    Parameters
    ----------
    result : mkba.project.ProjectResult
        The evaluated project (with ``extra['simulation']`` when simulated).
    template : str or Path
        The template to fill.

    Returns
    -------
    str
        One self-contained HTML document.
    """
    from mkba.report.html.project import project_context
    from mkba.report.vocabulary import label

    data = project_context(result)
    data.update({"t": lambda key: label(key, result.lang), "style": _style()})
    return render(template, data)


def write_html(path: str | Path, html: str) -> Path:
    """Write the report atomically (nothing half-written on failure)."""
    return write_text_atomic(Path(path), html)


def find_chromium() -> str:
    """The Chromium executable: ``MKBA_CHROMIUM`` when set, else the first of :data:`CHROMIUM_NAMES`.

    Raises
    ------
    MkbaError
        When none is found, saying how to install it.
    """
    given = os.environ.get("MKBA_CHROMIUM")
    if given:
        if shutil.which(given) is None:
            raise MkbaError(f"MKBA_CHROMIUM names {given!r}, which is not an executable")
        return given
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise MkbaError(
        "--pdf prints the report with headless Chromium, which was not found; install it "
        "(Debian: apt-get install chromium) or set MKBA_CHROMIUM to its path"
    )


def chromium_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The command line that prints ``html`` to ``pdf``: headless, offline, no first-run work."""
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def write_pdf(html: str | Path, pdf: str | Path, *, run: Callable[..., Any] = subprocess.run) -> Path:
    """Print the HTML file ``html`` to ``pdf`` with headless Chromium, atomically.

    Parameters
    ----------
    html : str or Path
        An HTML file (the report).
    pdf : str or Path
        The PDF to write.
    run : callable
        Runs the command (``subprocess.run``; a test may pass another).

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    MkbaError
        When Chromium is missing, fails, or writes no PDF; ``pdf`` is then unchanged.
    """
    chromium = find_chromium()
    html = Path(html)

    def write(tmp: Path) -> None:
        tmp.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="mkba-chromium-") as profile:
            try:
                done = run(
                    chromium_command(chromium, html, tmp, Path(profile)),
                    capture_output=True,
                    text=True,
                    timeout=PDF_TIMEOUT,
                    stdin=subprocess.DEVNULL,
                )
            except subprocess.TimeoutExpired:
                raise MkbaError(
                    f"Chromium did not print the report within {PDF_TIMEOUT} s", file=str(pdf)
                ) from None
        if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no PDF written"]
            raise MkbaError(f"Chromium could not print the report: {tail[0]}", file=str(pdf))

    return write_atomic(Path(pdf), write)
